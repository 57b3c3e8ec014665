import type { Exchange, SentRequest } from '../client/exchange.ts';
import type { Operation } from '../spec/operations.ts';
import type { ContractRules } from '../spec/rules.ts';
import type { OpenApiDocument } from '../spec/types.ts';
import type { Validators } from '../spec/validators.ts';

export type Severity = 'error' | 'warning';

/** A broken rule, as data. Checks produce these; reports only format them. */
export interface Violation {
  check: string;
  severity: Severity;
  /** `GET /kyc/status` */
  operation: string;
  status?: number;
  /** JSON pointer into the response body (`''` for the whole response). */
  location: string;
  expected: string;
  actual: string;
  request?: SentRequest;
}

/** What a check says about one exchange, before the runner stamps id, operation and request on it. */
export interface Finding {
  location: string;
  expected: string;
  actual: string;
  severity?: Severity;
}

/** The spec, indexed once per run and shared read-only by every check. */
export interface SpecModel {
  doc: OpenApiDocument;
  operations: Operation[];
  rules: ContractRules;
  validators: Validators;
}

export interface CheckOptions {
  nullable: 'strict' | 'lenient';
}

export type CheckFamily = 'schema' | 'enum' | 'timestamps' | 'envelope' | 'status' | 'transport' | 'auth' | 'scopes' | 'tenant' | 'inputs' | 'stateful' | 'pagination';

/** A check run on every exchange with a response: `(operation, exchange, spec) → findings`, pure. */
export interface ResponseCheck {
  id: string;
  family: CheckFamily;
  severity: Severity;
  /** One line: what breaking this rule looks like. */
  summary: string;
  /** `true`, or why the check cannot say anything about this operation under this spec. */
  appliesTo(op: Operation, spec: SpecModel): true | string;
  run(op: Operation, exchange: Exchange, spec: SpecModel, options: CheckOptions): Finding[];
}

/** A finding stamped with its check, operation, status and request: the one place a Violation is made. */
export function toViolation(check: string, severity: Severity, op: Operation, exchange: Exchange, f: Finding): Violation {
  return {
    check,
    severity: f.severity ?? severity,
    operation: op.key,
    ...(exchange.response ? { status: exchange.response.status } : {}),
    location: f.location,
    expected: f.expected,
    actual: f.actual,
    request: exchange.request,
  };
}

export function defineCheck(check: ResponseCheck): ResponseCheck {
  return check;
}
