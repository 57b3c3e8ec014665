import type { Exchange } from '../client/exchange.ts';
import type { Operation } from '../spec/operations.ts';
import type { Finding } from './types.ts';

/**
 * Judges for scenario checks: each knows what the request was meant to provoke and says whether the response
 * did. Pure, like the response checks; the scenarios in src/run/scenarios decide what to send.
 */
export type Judge = (op: Operation, exchange: Exchange) => Finding[];

const status = (e: Exchange) => e.response?.status;
const finding = (expected: string, e: Exchange): Finding[] => [{ location: '', expected, actual: e.response ? `HTTP ${e.response.status}` : `no response (${e.failure?.message})` }];

/** `auth-not-enforced`: a request without a valid app token must get 401. */
export const expectUnauthorized: Judge = (_op, e) => (status(e) === 401 ? [] : finding('401 Unauthorized', e));

/** `invalid-input-accepted`: input that breaks the spec must be refused with a 4xx. */
export const expectRejected: Judge = (_op, e) => {
  // A 5xx is server-error's to report; a missing response is a transport check's.
  const s = status(e);
  return s === undefined || s >= 400 ? [] : finding('a 4xx rejecting the invalid input', e);
};

/** `valid-input-rejected`: schema-valid input must not be refused as bad input (400/422). */
export const expectNotRejectedAsInvalid: Judge = (_op, e) => (status(e) === 400 || status(e) === 422 ? finding('not a validation error: the request is valid', e) : []);

/** `scope-not-enforced` / `scope-status-mismatch`: a token without the scope gets 403, never 2xx, never 401. */
export const expectForbidden: Judge = (_op, e) => {
  const s = status(e);
  if (s === 403) return [];
  return finding('403 Forbidden (token lacks the scope)', e);
};

/** `scope-denied-wrongly`: a token holding a granting scope is not turned away with 401/403. */
export const expectAdmitted: Judge = (_op, e) => {
  const s = status(e);
  return s === 401 || s === 403 ? finding('admitted (the token holds a granting scope)', e) : [];
};
