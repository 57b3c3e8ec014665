import type { Exchange } from '../client/exchange.ts';
import type { Operation } from '../spec/operations.ts';
import {
  bodyNotJson,
  contentTypeNotJson,
  envelopeDataNotNullOnError,
  envelopeMessageEmpty,
  envelopeStatusMismatch,
  envelopeSuccessMismatch,
} from './conventions/envelope.ts';
import { problemDetailsMissing, problemInstanceMismatch, problemStatusMismatch, problemTitleEmpty, problemTypeNotUri } from './conventions/problem.ts';
import { enumValueUndocumented, openEnumValueUnknown } from './enum.ts';
import { invariantViolated } from './invariants.ts';
import { responseSchemaMismatch } from './response-schema.ts';
import { serverError, statusCodeUndocumented } from './status.ts';
import { nullableFieldOmitted, timestampNotRfc3339, timestampWrongUnit } from './timestamps.ts';
import { connectionFailed, responseTimeout, responseTooLarge } from './transport.ts';
import { toViolations, type CheckOptions, type ResponseCheck, type SpecModel, type Violation } from './types.ts';
import type { Judgement } from './verdict-cache.ts';

/** Every check run on every exchange. An id, once published, is never renamed (docs/checks.md). */
export const RESPONSE_CHECKS = [
  responseSchemaMismatch,
  enumValueUndocumented,
  openEnumValueUnknown,
  timestampNotRfc3339,
  timestampWrongUnit,
  nullableFieldOmitted,
  invariantViolated,
  envelopeStatusMismatch,
  envelopeSuccessMismatch,
  envelopeMessageEmpty,
  envelopeDataNotNullOnError,
  problemDetailsMissing,
  problemStatusMismatch,
  problemInstanceMismatch,
  problemTypeNotUri,
  problemTitleEmpty,
  contentTypeNotJson,
  bodyNotJson,
  serverError,
  statusCodeUndocumented,
  responseTimeout,
  responseTooLarge,
  connectionFailed,
] as const satisfies readonly ResponseCheck[];

/** The id of a response check of the registry. */
export type ResponseCheckId = (typeof RESPONSE_CHECKS)[number]['id'];

/** A check of the registry (or a list drawn from it). */
export type RegisteredCheck = ResponseCheck<ResponseCheckId>;

/** Checks whose findings explain a schema error at the same place better than the schema check does. */
const SPECIFIC = new Set<string>(
  [
    enumValueUndocumented,
    timestampNotRfc3339,
    timestampWrongUnit,
    envelopeStatusMismatch,
    envelopeSuccessMismatch,
    envelopeMessageEmpty,
    envelopeDataNotNullOnError,
    problemStatusMismatch,
    problemInstanceMismatch,
    problemTypeNotUri,
    problemTitleEmpty,
  ].map((c) => c.id),
);

/** Which checks can judge an operation, and why the others cannot. */
export interface CheckPlan {
  applicable: readonly RegisteredCheck[];
  notApplicable: ReadonlyArray<[id: ResponseCheckId, reason: string]>;
}

const plans = new WeakMap<Operation, WeakMap<readonly RegisteredCheck[], CheckPlan>>();

/** Applicability is a walk of the operation's schemas: worked out once per operation, not per exchange. */
export function planFor(op: Operation, spec: SpecModel, checks: readonly RegisteredCheck[] = RESPONSE_CHECKS): CheckPlan {
  let byList = plans.get(op);
  if (!byList) plans.set(op, (byList = new WeakMap()));
  let plan = byList.get(checks);
  if (!plan) {
    const applicable: RegisteredCheck[] = [];
    const notApplicable: Array<[ResponseCheckId, string]> = [];
    for (const check of checks) {
      const answer = check.appliesTo(op, spec);
      if (answer === true) applicable.push(check);
      else notApplicable.push([check.id, answer]);
    }
    byList.set(checks, (plan = { applicable, notApplicable }));
  }
  return plan;
}

/** What the response checks made of one exchange: the violations, and which checks judged anything in it. */
export interface Judged {
  violations: Violation[];
  judgedBy: ResponseCheckId[];
}

export function runResponseChecks(
  op: Operation,
  exchange: Exchange,
  spec: SpecModel,
  options: CheckOptions,
  checks: readonly RegisteredCheck[] = RESPONSE_CHECKS,
): Judged {
  return stamped(op, exchange, judge(op, exchange, spec, options, checks), options);
}

/** The checks' findings on an exchange, before any is stamped with the request: pure, so it can be remembered. */
export function judge(
  op: Operation,
  exchange: Exchange,
  spec: SpecModel,
  options: CheckOptions,
  checks: readonly RegisteredCheck[] = RESPONSE_CHECKS,
): Judgement {
  const out: Judgement = { checks: [], judgedBy: [] };
  for (const check of planFor(op, spec, checks).applicable) {
    const findings = check.run(op, exchange, spec, options);
    if (findings === null) continue;
    out.judgedBy.push(check.id);
    if (findings.length) out.checks.push({ id: check.id, severity: check.severity, findings });
  }
  return out;
}

/** A judgement as violations of this exchange: its request, token and status, and the inferred policy applied. */
export function stamped(op: Operation, exchange: Exchange, judgement: Judgement, options: CheckOptions): Judged {
  const violations: Violation[] = [];
  for (const c of judgement.checks) violations.push(...toViolations(c.id, c.severity, op, exchange, c.findings, options.inferred));
  const judgedBy = judgement.judgedBy;
  if (violations.length < 2) return { violations, judgedBy };
  // One broken field, one violation: the specific check's wording wins over the generic schema error.
  const explained = new Set(violations.filter((v) => SPECIFIC.has(v.check)).map((v) => v.location));
  return { violations: violations.filter((v) => v.check !== responseSchemaMismatch.id || !explained.has(v.location)), judgedBy };
}
