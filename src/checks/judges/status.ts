import type { Exchange } from '../../client/exchange.ts';
import { DOCUMENTED, type Basis } from '../../spec/provenance.ts';
import type { Finding } from '../types.ts';

/**
 * Judges for scenario checks: each knows what the request was meant to provoke and says whether the response
 * did, with the basis of the expectation (documented, or an inference of the spec). Pure, like the response
 * checks; the scenarios in src/run/scenarios decide what to send. The judges of one scenario family each sit beside
 * this file (methods.ts, pagination.ts …); these are the ones several scenarios share, on the status alone.
 */
export type Judge = (exchange: Exchange, basis?: Basis) => Finding[];

const status = (e: Exchange) => e.response?.status;

/** The answer as a finding shows it: its status, or why there was none (so a report never says "HTTP undefined"). */
export function answer(e: Exchange): string {
  return e.response ? `HTTP ${e.response.status}` : `no response (${e.failure?.message})`;
}

const finding = (expected: string, e: Exchange, basis: Basis): Finding[] => [{ location: '', expected, actual: answer(e), basis }];

/** `auth-not-enforced` / `auth-token-not-validated`: a request without a valid credential must get 401. */
export const expectUnauthorized: Judge = (e, basis = DOCUMENTED) => (status(e) === 401 ? [] : finding('401 Unauthorized', e, basis));

/** `invalid-input-accepted`: input that breaks the spec must be refused with a 4xx. */
export const expectRejected: Judge = (e, basis = DOCUMENTED) => {
  // A 5xx is server-error's to report; a missing response is a transport check's.
  const s = status(e);
  return s === undefined || s >= 400 ? [] : finding('a 4xx rejecting the invalid input', e, basis);
};

/** `valid-input-rejected`: schema-valid input must not be refused as bad input (400/422). */
export const expectNotRejectedAsInvalid: Judge = (e, basis = DOCUMENTED) =>
  status(e) === 400 || status(e) === 422 ? finding('not a validation error: the request is valid', e, basis) : [];

/** `scope-not-enforced`: a token without the scope gets 403, never 2xx, never 401. */
export const expectForbidden: Judge = (e, basis = DOCUMENTED) => (status(e) === 403 ? [] : finding('403 Forbidden (token lacks the scope)', e, basis));

/** `scope-denied-wrongly`: a token holding a granting scope is not turned away with 401/403. */
export const expectAdmitted: Judge = (e, basis = DOCUMENTED) => {
  const s = status(e);
  return s === 401 || s === 403 ? finding('admitted (the token holds a granting scope)', e, basis) : [];
};

/** A documented refusal: exactly the documented status (a flow's refused transition, a negative case). */
export const expectStatus =
  (wanted: number): Judge =>
  (e, basis = DOCUMENTED) =>
    status(e) === wanted ? [] : finding(`HTTP ${wanted}`, e, basis);

/** With a note on what was sent, so one line says which token or variant it was. */
export function noting(findings: Finding[], note: string): Finding[] {
  return findings.map((f) => ({ ...f, expected: `${f.expected} — ${note}` }));
}
