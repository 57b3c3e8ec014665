import { FLOW_CHECK_DEFAULTS } from './flow-rules.ts';
import { RESPONSE_CHECKS, type ResponseCheckId } from './registry.ts';
import type { CheckFamily } from './types.ts';

/** What a finding of a check can rest on: only the docs, or also a spec's inference (x-inferred). */
export type BasisKinds = 'documented only' | 'documented or inferred';

export interface CheckInfo {
  id: string;
  family: CheckFamily;
  summary: string;
  /** Whether the embedded mock can show it (else: reported not applicable there). */
  onMock: boolean;
  basis: BasisKinds;
  /** What a spec declares for the check to apply (docs/extensions.md), when it needs a declaration. */
  needs?: string;
}

const EITHER: BasisKinds = 'documented or inferred';
const DOCS: BasisKinds = 'documented only';

/** Response checks whose rule is the HTTP exchange itself, never something a spec could guess. */
const ALWAYS_DOCUMENTED = new Set(['server-error', 'response-timeout', 'response-too-large', 'connection-failed', 'status-code-undocumented']);
const NEEDS: Record<string, string> = {
  'open-enum-value-unknown': 'x-known-values',
  'timestamp-wrong-unit': 'x-timestamp / x-timestamps',
  'invariant-violated': 'x-invariants',
  'envelope-status-mismatch': 'x-envelope',
  'envelope-success-mismatch': 'x-envelope',
  'envelope-message-empty': 'x-envelope',
  'envelope-data-not-null-on-error': 'x-envelope',
  'problem-details-missing': 'x-problem-details',
  'problem-status-mismatch': 'x-problem-details',
  'problem-instance-mismatch': 'x-problem-details',
  'problem-type-not-uri': 'x-problem-details',
  'problem-title-empty': 'x-problem-details',
};

/**
 * Every check id the suite publishes, in one list: the response checks from the registry, the scenario judges,
 * and the generic flow rules. docs/checks.md and the fire/silent coverage tests are built from it. An id, once
 * published, is never renamed.
 */
const SCENARIO_CHECKS = [
  {
    id: 'auth-not-enforced',
    family: 'auth',
    summary: 'no credential, an empty one, another scheme, or the real one in the wrong place is not answered 401',
    onMock: true,
    basis: EITHER,
  },
  {
    id: 'auth-token-not-validated',
    family: 'auth',
    summary: "a credential without the scheme's prefix, or an unknown one, is not answered 401",
    onMock: false,
    basis: EITHER,
  },
  {
    id: 'scope-not-enforced',
    family: 'scopes',
    summary: 'a token without a granting scope gets anything but 403 (2xx, 401, 404 …)',
    onMock: false,
    basis: EITHER,
  },
  {
    id: 'scope-denied-wrongly',
    family: 'scopes',
    summary: 'a token holding a granting scope (implications applied) is turned away with 401/403',
    onMock: false,
    basis: EITHER,
  },
  {
    id: 'tenant-owner-mismatch',
    family: 'tenant',
    summary: "one token's records carry several owner ids, or the other tenant's",
    onMock: false,
    basis: EITHER,
    needs: 'x-tenant',
  },
  {
    id: 'tenant-input-honored',
    family: 'tenant',
    summary: "sending the other tenant's id (header, query, body) changes whose data comes back",
    onMock: false,
    basis: EITHER,
    needs: 'x-tenant',
  },
  {
    id: 'tenant-cross-store-readable',
    family: 'tenant',
    summary: "another tenant's record by id is answered with anything but 404",
    onMock: false,
    basis: EITHER,
    needs: 'x-tenant',
  },
  {
    id: 'invalid-input-accepted',
    family: 'inputs',
    summary: 'a request breaking one documented rule of the spec is not refused with a 4xx (an inferred rule only probes)',
    onMock: true,
    basis: EITHER,
  },
  { id: 'valid-input-rejected', family: 'inputs', summary: 'a schema-valid request gets 400/422', onMock: true, basis: EITHER },
  {
    id: 'pagination-limit-exceeded',
    family: 'pagination',
    summary: 'a page holds more than `limit` items',
    onMock: false,
    basis: EITHER,
    needs: 'x-pagination',
  },
  { id: 'pagination-pages-overlap', family: 'pagination', summary: 'an item appears on two pages', onMock: false, basis: EITHER, needs: 'x-pagination' },
  {
    id: 'pagination-total-mismatch',
    family: 'pagination',
    summary: 'the pages together do not hold `total` items',
    onMock: false,
    basis: EITHER,
    needs: 'x-pagination',
  },
  {
    id: 'pagination-flags-inconsistent',
    family: 'pagination',
    summary: '`hasNext` disagrees with `page < pages` on a page visited (past the end included), or `hasPrev`/`nextPage`/`prevPage` disagree with the page',
    onMock: false,
    basis: EITHER,
    needs: 'x-pagination',
  },
  {
    id: 'pagination-page-count-mismatch',
    family: 'pagination',
    summary: '`pages` is not `ceil(total / limit)` on a page visited',
    onMock: false,
    basis: EITHER,
    needs: 'x-pagination',
  },
  {
    id: 'pagination-past-end-not-empty',
    family: 'pagination',
    summary: 'the page after the last is not empty',
    onMock: false,
    basis: EITHER,
    needs: 'x-pagination',
  },
  {
    id: 'kyc-session-not-resumed',
    family: 'stateful',
    summary: 'Account flow (resume rule): a second session request during an active verification returns a new session',
    onMock: false,
    basis: EITHER,
    needs: 'x-flows',
  },
  {
    id: 'kyc-state-disagrees',
    family: 'stateful',
    summary: 'Account flow (read rule): the status endpoint disagrees with what session/refresh just said',
    onMock: false,
    basis: EITHER,
    needs: 'x-flows',
  },
  {
    id: 'kyc-already-approved-missing',
    family: 'stateful',
    summary: 'Account flow (flag rule): a session request on an approved store lacks `alreadyApproved: true`',
    onMock: false,
    basis: EITHER,
    needs: 'x-flows',
  },
  {
    id: FLOW_CHECK_DEFAULTS.readAgrees,
    family: 'stateful',
    summary: "a read of a flow resource disagrees with what the flow's last answer said",
    onMock: false,
    basis: EITHER,
    needs: 'x-flows',
  },
  {
    id: FLOW_CHECK_DEFAULTS.resume,
    family: 'stateful',
    summary: 'a create while the resource is active returns a new one instead of resuming it',
    onMock: false,
    basis: EITHER,
    needs: 'x-flows',
  },
  {
    id: FLOW_CHECK_DEFAULTS.flag,
    family: 'stateful',
    summary: 'a create in a flagged state lacks the declared flag',
    onMock: false,
    basis: EITHER,
    needs: 'x-flows',
  },
  {
    id: FLOW_CHECK_DEFAULTS.refused,
    family: 'stateful',
    summary: 'a transition from a state it is not allowed from is not refused with the documented status',
    onMock: false,
    basis: EITHER,
    needs: 'x-flows',
  },
  {
    id: FLOW_CHECK_DEFAULTS.wrongState,
    family: 'stateful',
    summary: 'an allowed transition leads to another state than declared',
    onMock: false,
    basis: EITHER,
    needs: 'x-flows',
  },
  {
    id: FLOW_CHECK_DEFAULTS.terminalChanged,
    family: 'stateful',
    summary:
      'a terminal (or preserved) state changes, whichever operation shows it (a create, a read, a transition): a manual decision overwritten, an approved verification a refresh sends back to review',
    onMock: false,
    basis: EITHER,
    needs: 'x-flows',
  },
  {
    id: FLOW_CHECK_DEFAULTS.undeclaredEdge,
    family: 'stateful',
    summary: 'a resource moves along an edge the flow does not declare (in_review back to in_progress), whichever operation shows it',
    onMock: false,
    basis: EITHER,
    needs: 'x-flows (edges)',
  },
  {
    id: FLOW_CHECK_DEFAULTS.notFound,
    family: 'stateful',
    summary: 'an id that does not exist is not answered 404',
    onMock: false,
    basis: EITHER,
    needs: 'x-flows',
  },
  {
    id: 'representation-not-honored',
    family: 'representations',
    summary: 'a listed value of a negotiation header (X-Timestamp-Format: iso8601) is ignored: the fields keep the default form',
    onMock: false,
    basis: EITHER,
    needs: 'x-negotiated-representations',
  },
  {
    id: 'representation-instant-mismatch',
    family: 'representations',
    summary: 'the two forms of the same resource name different instants (to the precision of the coarser form)',
    onMock: false,
    basis: EITHER,
    needs: 'x-negotiated-representations',
  },
  {
    id: 'representation-fallback-broken',
    family: 'representations',
    summary: 'an unknown value of the negotiation header is refused, or does not give the default form',
    onMock: false,
    basis: EITHER,
    needs: 'x-negotiated-representations',
  },
  {
    id: 'link-broken',
    family: 'links',
    summary: 'a declared link (x-links, e.g. _links.self.href), followed with the same credentials, does not answer 2xx with the same resource',
    onMock: true,
    basis: EITHER,
    needs: 'x-links',
  },
  {
    id: 'clock-bound-not-enforced',
    family: 'inputs',
    summary: 'a clock-bound request field (x-clock) stale past its window, or dated ahead, is not refused with a 4xx',
    onMock: false,
    basis: EITHER,
    needs: 'x-clock',
  },
  {
    id: 'negative-case-not-refused',
    family: 'inputs',
    summary: 'a request changed as a documented error case says (x-negative-cases) does not get that documented status',
    onMock: false,
    basis: EITHER,
    needs: 'x-negative-cases',
  },
  {
    id: 'malformed-body-accepted',
    family: 'inputs',
    summary:
      'a body that is not JSON, JSON of the wrong top-level type, or an empty body is not refused with a 4xx (the valid body under another Content-Type accepted: a warning)',
    onMock: false,
    basis: EITHER,
  },
  {
    id: 'undocumented-method-accepted',
    family: 'inputs',
    summary: 'a method the path does not document is answered below 400 (a router sending every method to the GET handler), or 405 without Allow',
    onMock: false,
    basis: DOCS,
  },
  {
    id: 'read-not-safe',
    family: 'stateful',
    summary:
      'the same read again (same token, same inputs) answers differently outside the declared volatile places: a read that reserves, or moves a state on',
    onMock: false,
    basis: EITHER,
    needs: 'x-volatile (optional: what may differ)',
  },
  {
    id: 'filter-not-applied',
    family: 'inputs',
    summary:
      'a query filter declared with x-filter lets through items that do not match it, or finds nothing for a value an item has (a warning: the strict level)',
    onMock: false,
    basis: EITHER,
    needs: 'x-filter',
  },
  {
    id: 'spec-example-invalid',
    family: 'spec',
    summary: "on the embedded mock, a response served from one of the spec's own examples breaks the spec (a defect of the spec, reported as a warning)",
    onMock: true,
    basis: DOCS,
  },
] as const satisfies readonly CheckInfo[];

/**
 * Every check id the suite publishes, as a type: what the scenarios and the ledger are written against, so an id
 * that is not in this catalogue does not compile. Ids a spec names for its flow rules (`x-flows … checks:`) are
 * checked against it when the flows are read (src/run/flows/declaration.ts).
 */
export type CheckId = ResponseCheckId | (typeof SCENARIO_CHECKS)[number]['id'];

export const CHECKS: readonly CheckInfo[] = [
  ...RESPONSE_CHECKS.map((c) => ({
    id: c.id,
    family: c.family,
    summary: c.summary,
    onMock: true,
    basis: ALWAYS_DOCUMENTED.has(c.id) ? DOCS : EITHER,
    ...(NEEDS[c.id] ? { needs: NEEDS[c.id] } : {}),
  })),
  ...SCENARIO_CHECKS,
];

const IDS = new Set<string>(CHECKS.map((c) => c.id));

/** Whether a name is a check id of the catalogue (a spec's flow may name one for a rule). */
export function isCheckId(id: string): id is CheckId {
  return IDS.has(id);
}

export function checkInfo(id: string): CheckInfo | undefined {
  return CHECKS.find((c) => c.id === id);
}
