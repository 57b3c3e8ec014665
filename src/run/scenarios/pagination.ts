import type { Exchange } from '../../client/exchange.ts';
import type { Operation } from '../../spec/operations.ts';
import { getAt } from '../../spec/pointer.ts';
import type { Basis } from '../../spec/provenance.ts';
import { tokenAuth, type RunContext } from '../context.ts';
import { Ledger } from '../ledger.ts';
import { firstRequest } from './discover.ts';
import { resultOf, type ScenarioResult } from './result.ts';
import { grantingToken, judgeResponse, judgeScenario } from './shared.ts';

export const PAGINATION_CHECKS = ['pagination-limit-exceeded', 'pagination-pages-overlap', 'pagination-total-mismatch', 'pagination-flags-inconsistent', 'pagination-past-end-not-empty'];

interface Paging {
  pageParam: string;
  limitParam: string;
  itemsPointer: string;
  totalPointer: string;
  pagesPointer: string;
  hasNextPointer: string;
  /** What a page past the last holds: `empty` (default) or `any` (no rule). */
  pastEnd?: 'empty' | 'any';
}

const MAX_PAGES = 40;

/**
 * Walks every page of a paginated list (declared with `x-pagination`) at a few page sizes: at most `limit`
 * items a page; pages never overlap and together hold `total`; `hasNext` and `pages` agree; past the end is empty.
 */
export async function checkPagination(ctx: RunContext, op: Operation, name: string): Promise<ScenarioResult> {
  const ledger = new Ledger();
  const paging = op.extensions['x-pagination'] as Paging | undefined;
  const na = (reason: string) => {
    for (const c of PAGINATION_CHECKS) ledger.notApplicable(c, op.key, reason);
    return resultOf(name, ledger);
  };
  if (!paging) return na('the operation declares no x-pagination');
  if (ctx.target.kind === 'mock') return na("Prism's static mock returns the same page for every request");
  const token = grantingToken(ctx, op);
  if (!token) return na('no token in the matrix grants this operation');
  const base = firstRequest(ctx, op, undefined, token);
  if (base.unsatisfiable) return na(`could not generate a valid request: ${base.unsatisfiable.join('; ')}`);
  const basis = ctx.spec.provenance.at(`${op.pointer}/x-pagination`);
  const query = { ...base.query };
  delete query['search'];
  for (const limit of [1, 3, 7]) {
    const seen = new Map<string, number>();
    let count = 0;
    let total: unknown;
    let pages = 1;
    for (let page = 1; page <= Math.min(pages, MAX_PAGES) + 1; page++) {
      const exchange = await ctx.transport.send(op, { ...base, query: { ...query, [paging.pageParam]: page, [paging.limitParam]: limit } }, tokenAuth(ctx, token));
      judgeResponse(ctx, ledger, op, exchange);
      const body = exchange.response?.json;
      const items = getAt(body, paging.itemsPointer);
      if (!Array.isArray(items)) break;
      const judge = (id: string, bad: boolean, expected: string, actual: string) => judgeScenario(ctx, ledger, id, op, exchange, bad ? [{ location: paging.itemsPointer, expected, actual, basis }] : []);
      if (page === 1) {
        total = getAt(body, paging.totalPointer);
        pages = Number(getAt(body, paging.pagesPointer)) || 0;
      }
      const pastEnd = page > pages;
      if (pastEnd) {
        if ((paging.pastEnd ?? 'empty') === 'empty') {
          judgeScenario(ctx, ledger, 'pagination-past-end-not-empty', op, exchange, items.length > 0 ? [{ location: paging.itemsPointer, expected: `no items on page ${page} of ${pages}`, actual: `${items.length} item(s)`, basis: ctx.spec.provenance.at(`${op.pointer}/x-pagination/pastEnd`) }] : []);
        } else ledger.notApplicable('pagination-past-end-not-empty', op.key, 'the x-pagination declares pastEnd: any');
        break;
      }
      judge('pagination-limit-exceeded', items.length > limit, `at most ${limit} item(s)`, `${items.length} on page ${page}`);
      const repeats = items.map((i) => JSON.stringify(i)).filter((k) => seen.has(k));
      judge('pagination-pages-overlap', repeats.length > 0, `page ${page} shares no item with earlier pages`, `${repeats.length} item(s) also on page ${seen.get(repeats[0] ?? '')}`);
      for (const i of items) seen.set(JSON.stringify(i), page);
      count += items.length;
      const hasNext = getAt(body, paging.hasNextPointer);
      judge('pagination-flags-inconsistent', hasNext !== page < pages, `hasNext=${page < pages} on page ${page} of ${pages}`, `hasNext=${JSON.stringify(hasNext)}`);
      if (page === pages || pages === 0) finalTotal(ctx, ledger, op, exchange, total, count, paging, basis);
    }
  }
  return resultOf(name, ledger);
}

function finalTotal(ctx: RunContext, ledger: Ledger, op: Operation, exchange: Exchange, total: unknown, count: number, paging: Paging, basis: Basis): void {
  judgeScenario(ctx, ledger, 'pagination-total-mismatch', op, exchange, total === count ? [] : [{ location: paging.totalPointer, expected: `total equal to the ${count} item(s) the pages held`, actual: JSON.stringify(total), basis }]);
}
