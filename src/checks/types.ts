import type { Exchange, SentRequest } from '../client/exchange.ts';
import type { Operation } from '../spec/operations.ts';
import type { Basis, Provenance } from '../spec/provenance.ts';
import type { ContractRules } from '../spec/rules.ts';
import type { WalkContext } from '../spec/schema-walk.ts';
import type { OpenApiDocument } from '../spec/types.ts';
import type { Validators } from '../spec/validators.ts';

/**
 * `error`: the server breaks a documented rule (fails the run). `warning`: drift the contract tolerates.
 * `inference`: the server disagrees with what the spec only inferred (`x-inferred`), under the default
 * `CONTRACT_INFERRED=warn` — reported, never failing.
 */
export type Severity = 'error' | 'warning' | 'inference';

/** How inferred findings count: `warn` reports them apart, `fail` makes them violations, `off` drops them. */
export type InferredPolicy = 'warn' | 'fail' | 'off';

/** A broken rule, as data. Checks produce these; reports only format them. */
export interface Violation {
  check: string;
  severity: Severity;
  /** What the finding rests on: what the upstream documents, or what the spec infers. */
  basis: 'documented' | 'inferred';
  /** For an inferred finding: the `x-inferred` reason that applies and where that marking is (pointer#member). */
  inferred?: { reason: string; marking: string };
  /** `GET /kyc/status` */
  operation: string;
  status?: number;
  /** JSON pointer into the response body (`''` for the whole response) — or into the spec, when `inSpec`. */
  location: string;
  /** The finding is about the spec itself (one of its examples): `location` points into the spec. */
  inSpec?: boolean;
  expected: string;
  actual: string;
  request?: SentRequest;
  /** The name of the matrix token the request was sent with, when it was one. */
  token?: string;
}

/** What a check says about one exchange, before the runner stamps id, operation and request on it. */
export interface Finding {
  location: string;
  expected: string;
  actual: string;
  severity?: 'error' | 'warning';
  /** Documented unless said otherwise. */
  basis?: Basis;
}

/** The spec, indexed once per run and shared read-only by every check. */
export interface SpecModel extends WalkContext {
  doc: OpenApiDocument;
  operations: Operation[];
  rules: ContractRules;
  validators: Validators;
  provenance: Provenance;
}

export interface CheckOptions {
  nullable: 'strict' | 'lenient';
  inferred: InferredPolicy;
}

export type CheckFamily =
  | 'schema'
  | 'enum'
  | 'timestamps'
  | 'envelope'
  | 'problem'
  | 'status'
  | 'transport'
  | 'auth'
  | 'scopes'
  | 'tenant'
  | 'inputs'
  | 'stateful'
  | 'pagination'
  | 'representations'
  | 'links'
  | 'spec';

/**
 * A check run on every exchange with a response: `(operation, exchange, spec) → findings`, pure. `null` says the
 * exchange held nothing this check judges (no documented schema for its status, no envelope field …): a check
 * counts as passed only where it judged something.
 */
export interface ResponseCheck<Id extends string = string> {
  id: Id;
  family: CheckFamily;
  severity: 'error' | 'warning';
  /** One line: what breaking this rule looks like. */
  summary: string;
  /** `true`, or why the check cannot say anything about this operation under this spec. */
  appliesTo(op: Operation, spec: SpecModel): true | string;
  run(op: Operation, exchange: Exchange, spec: SpecModel, options: CheckOptions): Finding[] | null;
  /**
   * The rule relates the answer to this very request (its path, say): a static example the mock serves for any
   * request says nothing about it either way.
   */
  echoesRequest?: true;
}

/**
 * A finding stamped with its check, operation, status, request and basis: the one place a Violation is made, and
 * the one place the inferred policy applies (`undefined`: dropped under `off`).
 */
export function toViolation(
  check: string,
  severity: 'error' | 'warning',
  op: Operation,
  exchange: Exchange,
  f: Finding,
  policy: InferredPolicy,
): Violation | undefined {
  const basis = f.basis ?? { basis: 'documented' as const };
  if (basis.basis === 'inferred' && policy === 'off') return undefined;
  const own = f.severity ?? severity;
  return {
    check,
    severity: basis.basis === 'inferred' && own === 'error' && policy === 'warn' ? 'inference' : own,
    basis: basis.basis,
    ...(basis.basis === 'inferred' ? { inferred: { reason: basis.reason, marking: basis.marking } } : {}),
    operation: op.key,
    ...(exchange.response ? { status: exchange.response.status } : {}),
    location: f.location,
    expected: f.expected,
    actual: f.actual,
    request: exchange.request,
    ...(exchange.token ? { token: exchange.token } : {}),
  };
}

/** Stamps every finding of a check (the inferred policy may drop some). */
export function toViolations(
  check: string,
  severity: 'error' | 'warning',
  op: Operation,
  exchange: Exchange,
  findings: readonly Finding[],
  policy: InferredPolicy,
): Violation[] {
  const out: Violation[] = [];
  for (const f of findings) {
    const v = toViolation(check, severity, op, exchange, f, policy);
    if (v) out.push(v);
  }
  return out;
}

/** A response check, its id kept as the literal it is (the registry's ids are a type: a misspelt id does not compile). */
export function defineCheck<const Id extends string>(check: ResponseCheck<Id>): ResponseCheck<Id> {
  return check;
}
