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

const applicability = new WeakMap<Operation, Map<string, true | string>>();

/** Whether a check can judge an operation — a walk of its schemas, so worked out once per operation, not per exchange. */
export function appliesTo(check: ResponseCheck, op: Operation, spec: SpecModel): true | string {
  let byCheck = applicability.get(op);
  if (!byCheck) applicability.set(op, (byCheck = new Map()));
  let answer = byCheck.get(check.id);
  if (answer === undefined) byCheck.set(check.id, (answer = check.appliesTo(op, spec)));
  return answer;
}

export function runResponseChecks(
  op: Operation,
  exchange: Exchange,
  spec: SpecModel,
  options: CheckOptions,
  checks: readonly ResponseCheck[] = RESPONSE_CHECKS,
): Violation[] {
  const violations: Violation[] = [];
  for (const check of checks) {
    if (appliesTo(check, op, spec) !== true) continue;
    for (const f of check.run(op, exchange, spec, options)) violations.push(toViolation(check.id, check.severity, op, exchange, f));
  }
  // One broken field, one violation: the specific check's wording wins over the generic schema error.
  const explained = new Set(violations.filter((v) => SPECIFIC.has(v.check)).map((v) => v.location));
  return violations.filter((v) => v.check !== responseSchemaMismatch.id || !explained.has(v.location));
}
