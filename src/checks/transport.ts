import { defineCheck, type ResponseCheck } from './types.ts';
import { notSent, type FailureKind } from '../client/exchange.ts';

function failureCheck<const Id extends string>(id: Id, kind: FailureKind, summary: string): ResponseCheck<Id> {
  return defineCheck({
    id,
    family: 'transport',
    severity: 'error',
    summary,
    appliesTo: () => true,
    // Every request sent is judged by the transport checks: one never sent (budget, deadline, circuit open) is not.
    run: (_op, exchange) =>
      notSent(exchange)
        ? null
        : exchange.failure?.kind === kind
          ? [{ location: '', expected: 'a complete HTTP response', actual: exchange.failure.message }]
          : [],
  });
}

/** A hung endpoint fails as a timeout naming the operation; the run goes on. */
export const responseTimeout = failureCheck('response-timeout', 'timeout', 'no complete response within CONTRACT_TIMEOUT_MS');
export const responseTooLarge = failureCheck('response-too-large', 'too-large', 'the body exceeds the size limit (5 MiB)');
export const connectionFailed = failureCheck('connection-failed', 'network', 'the connection was refused, reset or closed before a response');
