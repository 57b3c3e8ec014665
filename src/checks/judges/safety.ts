import type { ReceivedResponse } from '../../client/exchange.ts';
import { getAt } from '../../spec/pointer.ts';
import type { Basis } from '../../spec/provenance.ts';
import { covered, differingPaths } from '../../spec/volatile.ts';
import { show } from '../show.ts';
import type { Finding } from '../types.ts';

/**
 * `read-not-safe`: a read is safe (RFC 9110 §9.2.1) — the same read again gets the same answer, apart from the places
 * the spec declares volatile (`x-volatile`, for the first answer's status). A different status says the first read
 * moved some state on; so does a different value, but only bodies of successes are compared: an error body may carry
 * a per-request trace id. At most three places are reported: one is enough to show the read is not safe.
 */
export function judgeSafeRead(first: ReceivedResponse, second: ReceivedResponse, volatile: readonly string[], basis: Basis): Finding[] {
  if (first.status !== second.status)
    return [{ location: '', expected: `HTTP ${first.status}, as the same read answered just before`, actual: `HTTP ${second.status}`, basis }];
  if (first.status >= 300) return [];
  const changed = [...differingPaths(first.json ?? first.text, second.json ?? second.text)].filter((p) => !covered(p, volatile));
  return changed.slice(0, 3).map((location) => ({
    location,
    expected: `${show(getAt(first.json, location), 60)}, as the same read answered just before (a read changes nothing${volatile.length ? `; volatile: ${volatile.join(', ')}` : ''})`,
    actual: show(getAt(second.json, location), 60),
    basis,
  }));
}
