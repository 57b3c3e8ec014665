import { expect } from 'vitest';
import type { Exchange } from '../../../src/client/exchange.ts';
import type { Finding } from '../../../src/checks/types.ts';
import type { Basis } from '../../../src/spec/provenance.ts';

/**
 * What the table-driven judge tests (tests/unit/judges/) share: exchanges built by hand, as a judge sees them, and one
 * way to say what a row wants of the findings.
 */

/** An answered exchange: a status, its headers, and its JSON body (the text is the body's JSON). */
export function answered(status: number, { json, headers = {} }: { json?: unknown; headers?: Record<string, string> } = {}): Exchange {
  return {
    request: { operation: 'GET /things', method: 'GET', url: 'http://127.0.0.1/things', headers: {} },
    response: { status, headers, text: json === undefined ? '' : JSON.stringify(json), ...(json === undefined ? {} : { json }) },
    ms: 1,
  };
}

/** An exchange that got no answer (a timeout). */
export function unanswered(message = 'no answer in 10000 ms'): Exchange {
  return {
    request: { operation: 'GET /things', method: 'GET', url: 'http://127.0.0.1/things', headers: {} },
    failure: { kind: 'timeout', message },
    ms: 10_000,
  };
}

/** An answer with a JSON body or, without a status, a timeout: the shorthand of the flow, tenant and representation tables. */
export function exchange(status?: number, json?: unknown): Exchange {
  return status === undefined ? unanswered('timed out') : answered(status, { json, headers: { 'content-type': 'application/json' } });
}

/** An inferred basis, so a row shows the judge passes on the basis it was given rather than its default. */
export const INFERRED: Basis = { basis: 'inferred', reason: 'the docs do not say', marking: '/x-inferred' };

/** What a row wants of one finding: its location exactly, parts of its expected and actual text, its basis. */
export interface Want {
  location?: string;
  expected?: string;
  actual?: string;
  /** `undefined` given explicitly: the finding carries no basis (documented, as toViolation reads it). */
  basis?: Basis | undefined;
}

/** The findings are as many as wanted, each as its row says (`[]`: the judge stays silent). */
export function expectFindings(found: readonly Finding[], want: readonly Want[]): void {
  expect(found).toHaveLength(want.length);
  want.forEach((w, i) => {
    const f = found[i]!;
    if (w.location !== undefined) expect(f.location).toBe(w.location);
    if (w.expected !== undefined) expect(f.expected).toContain(w.expected);
    if (w.actual !== undefined) expect(f.actual).toContain(w.actual);
    if ('basis' in w) expect(f.basis).toEqual(w.basis);
  });
}
