import type { Exchange } from '../client/exchange.ts';
import type { Operation } from '../spec/operations.ts';
import { bodyNotJson, contentTypeNotJson, envelopeDataNotNullOnError, envelopeMessageEmpty, envelopeStatusMismatch, envelopeSuccessMismatch } from './envelope.ts';
import { enumValueUndocumented } from './enum.ts';
import { invariantViolated } from './invariants.ts';
import { responseSchemaMismatch } from './response-schema.ts';
import { serverError, statusCodeUndocumented } from './status.ts';
import { nullableFieldOmitted, timestampNotRfc3339 } from './timestamps.ts';
import { connectionFailed, responseTimeout, responseTooLarge } from './transport.ts';
import { toViolation, type CheckOptions, type ResponseCheck, type SpecModel, type Violation } from './types.ts';

/** Every check run on every exchange. An id, once published, is never renamed (docs/checks.md). */
export const RESPONSE_CHECKS: readonly ResponseCheck[] = [
  responseSchemaMismatch,
  enumValueUndocumented,
  timestampNotRfc3339,
  nullableFieldOmitted,
  invariantViolated,
  envelopeStatusMismatch,
  envelopeSuccessMismatch,
  envelopeMessageEmpty,
  envelopeDataNotNullOnError,
  contentTypeNotJson,
  bodyNotJson,
  serverError,
  statusCodeUndocumented,
  responseTimeout,
  responseTooLarge,
  connectionFailed,
];

/** Checks whose findings explain a schema error at the same place better than the schema check does. */
const SPECIFIC = new Set([enumValueUndocumented.id, timestampNotRfc3339.id, envelopeStatusMismatch.id, envelopeSuccessMismatch.id, envelopeMessageEmpty.id, envelopeDataNotNullOnError.id]);

/** Which checks can judge an operation, and why the others cannot. */
export interface CheckPlan {
  applicable: readonly ResponseCheck[];
  notApplicable: ReadonlyArray<[id: string, reason: string]>;
}

const plans = new WeakMap<Operation, WeakMap<readonly ResponseCheck[], CheckPlan>>();

/** Applicability is a walk of the operation's schemas: worked out once per operation, not per exchange. */
export function planFor(op: Operation, spec: SpecModel, checks: readonly ResponseCheck[] = RESPONSE_CHECKS): CheckPlan {
  let byList = plans.get(op);
  if (!byList) plans.set(op, (byList = new WeakMap()));
  let plan = byList.get(checks);
  if (!plan) {
    const applicable: ResponseCheck[] = [];
    const notApplicable: Array<[string, string]> = [];
    for (const check of checks) {
      const answer = check.appliesTo(op, spec);
      if (answer === true) applicable.push(check);
      else notApplicable.push([check.id, answer]);
    }
    byList.set(checks, (plan = { applicable, notApplicable }));
  }
  return plan;
}

export function runResponseChecks(
  op: Operation,
  exchange: Exchange,
  spec: SpecModel,
  options: CheckOptions,
  checks: readonly ResponseCheck[] = RESPONSE_CHECKS,
): Violation[] {
  const violations: Violation[] = [];
  for (const check of planFor(op, spec, checks).applicable) {
    for (const f of check.run(op, exchange, spec, options)) violations.push(toViolation(check.id, check.severity, op, exchange, f));
  }
  if (violations.length < 2) return violations;
  // One broken field, one violation: the specific check's wording wins over the generic schema error.
  const explained = new Set(violations.filter((v) => SPECIFIC.has(v.check)).map((v) => v.location));
  return violations.filter((v) => v.check !== responseSchemaMismatch.id || !explained.has(v.location));
}
