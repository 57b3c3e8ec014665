import { RESPONSE_CHECKS } from './registry.ts';
import type { CheckFamily } from './types.ts';

export interface CheckInfo {
  id: string;
  family: CheckFamily;
  summary: string;
  /** Whether the embedded mock can show it (else: reported not applicable there). */
  onMock: boolean;
}

/**
 * Every check id the suite publishes, in one list: the response checks from the registry, and the scenario
 * checks judged by what a scenario sent. docs/checks.md and the fire/silent coverage test are built from it.
 */
export const CHECKS: readonly CheckInfo[] = [
  ...RESPONSE_CHECKS.map((c) => ({ id: c.id, family: c.family, summary: c.summary, onMock: true })),
  { id: 'auth-not-enforced', family: 'auth', summary: 'no Authorization header, an empty bearer or another scheme is not answered 401', onMock: true },
  { id: 'auth-token-not-validated', family: 'auth', summary: 'a bearer without the token prefix, or an unknown token, is not answered 401', onMock: false },
  { id: 'scope-not-enforced', family: 'scopes', summary: 'a token without a granting scope gets anything but 403 (2xx, 401, 404 …)', onMock: false },
  { id: 'scope-denied-wrongly', family: 'scopes', summary: 'a token holding a granting scope (implications applied) is turned away with 401/403', onMock: false },
  { id: 'tenant-owner-mismatch', family: 'tenant', summary: "one token's records carry several owner ids, or the other store's", onMock: false },
  { id: 'tenant-input-honored', family: 'tenant', summary: "sending the other store's id (header, query, body) changes whose data comes back", onMock: false },
  { id: 'tenant-cross-store-readable', family: 'tenant', summary: "another store's record by id is answered with anything but 404", onMock: false },
  { id: 'invalid-input-accepted', family: 'inputs', summary: 'a request breaking one rule of the spec is not refused with a 4xx', onMock: true },
  { id: 'valid-input-rejected', family: 'inputs', summary: 'a schema-valid request gets 400/422', onMock: true },
  { id: 'pagination-limit-exceeded', family: 'pagination', summary: 'a page holds more than `limit` items', onMock: false },
  { id: 'pagination-pages-overlap', family: 'pagination', summary: 'an item appears on two pages', onMock: false },
  { id: 'pagination-total-mismatch', family: 'pagination', summary: 'the pages together do not hold `total` items', onMock: false },
  { id: 'pagination-flags-inconsistent', family: 'pagination', summary: '`hasNext` disagrees with `page < pages`', onMock: false },
  { id: 'pagination-past-end-not-empty', family: 'pagination', summary: 'the page after the last is not empty', onMock: false },
  { id: 'kyc-session-not-resumed', family: 'stateful', summary: 'a second session request during an active verification returns a new session', onMock: false },
  { id: 'kyc-state-disagrees', family: 'stateful', summary: 'the status endpoint disagrees with what session/refresh just said', onMock: false },
  { id: 'kyc-already-approved-missing', family: 'stateful', summary: 'a session request on an approved store lacks `alreadyApproved: true`', onMock: false },
];
