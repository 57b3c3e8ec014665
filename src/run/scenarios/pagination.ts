import type { CheckId } from '../../checks/catalogue.ts';
import type { Exchange } from '../../client/exchange.ts';
import { judgeLimit, judgeOverlap, judgePageCount, judgePageFlags, judgePastEnd, judgeTotal, type Paging } from '../../checks/judges/pagination.ts';
import type { Finding } from '../../checks/types.ts';
import type { Operation } from '../../spec/operations.ts';
import { getAt } from '../../spec/pointer.ts';
import type { Basis } from '../../spec/provenance.ts';
import { tokenAuth, type RunContext } from '../context.ts';
import { Ledger } from '../ledger.ts';
import { firstRequest } from './discover.ts';
import { resultOf, type ScenarioResult } from './result.ts';
import { grantingToken, judgeResponse, judgeScenario } from './shared.ts';

export const PAGINATION_CHECKS: readonly CheckId[] = [
  'pagination-limit-exceeded',
  'pagination-pages-overlap',
  'pagination-total-mismatch',
  'pagination-flags-inconsistent',
  'pagination-past-end-not-empty',
  'pagination-page-count-mismatch',
];

const MAX_PAGES = 40;
/** Page sizes walked: one item a page reaches the end of a short list; a few more make the arithmetic uneven. */
const LIMITS = [1, 3, 7];

/**
 * Walks every page of a paginated list (declared with `x-pagination`) at a few page sizes, to the end and one page
 * past it: at most `limit` items a page; pages never overlap and together hold `total`; on every page visited (the
 * first, the middle ones, the last, past the end) `pages = ceil(total / limit)`, `hasNext` exactly when
 * `page < pages`, `hasPrev` exactly when `page > 1`, `nextPage`/`prevPage` set exactly then (and, when numbers, the
 * next and previous page); past the end is empty. At least one walk reaches the end in every run.
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
  // Only the required inputs: a generated filter would make the list another one.
  const required = new Set(op.parameters.filter((p) => p.required).map((p) => p.name));
  const query = Object.fromEntries(Object.entries(base.query).filter(([k]) => required.has(k)));
  const walk = new Walk(ctx, ledger, op, paging, basis);
  let ended = false;
  for (const limit of LIMITS) ended = (await walk.run(base, query, token, limit)) || ended;
  // A list too long to walk to its end a few items a page is walked once at the largest page size it allows.
  if (!ended) await walk.run(base, query, token, largestLimit(op, paging));
  return resultOf(name, ledger);
}

function largestLimit(op: Operation, paging: Paging): number {
  const schema = op.parameters.find((p) => p.name === paging.limitParam)?.schema as Record<string, unknown> | undefined;
  return typeof schema?.['maximum'] === 'number' ? schema['maximum'] : 100;
}

class Walk {
  constructor(
    private readonly ctx: RunContext,
    private readonly ledger: Ledger,
    private readonly op: Operation,
    private readonly paging: Paging,
    private readonly basis: Basis,
  ) {}

  private book(id: CheckId, e: Exchange, findings: Finding[] | null): void {
    // null: the page held nothing this rule judges, so it is not booked as judged.
    if (findings) judgeScenario(this.ctx, this.ledger, id, this.op, e, findings);
  }

  /** One walk at one page size, to the end and one page past it; whether it reached the end. */
  async run(
    base: { path: Record<string, unknown>; headers: Record<string, string> },
    query: Record<string, unknown>,
    token: Parameters<typeof tokenAuth>[1],
    limit: number,
  ): Promise<boolean> {
    const { ctx, op, paging, basis } = this;
    const seen = new Map<string, number>();
    let count = 0;
    let total: unknown;
    let pages = 1;
    for (let page = 1; page <= Math.min(pages, MAX_PAGES) + 1; page++) {
      const exchange = await ctx.transport.send(
        op,
        { ...base, query: { ...query, [paging.pageParam]: page, [paging.limitParam]: limit } },
        tokenAuth(ctx, token),
      );
      judgeResponse(ctx, this.ledger, op, exchange);
      const body = exchange.response?.json;
      const items = getAt(body, paging.itemsPointer);
      if (!Array.isArray(items)) return false;
      if (page === 1) {
        total = getAt(body, paging.totalPointer);
        pages = Number(getAt(body, paging.pagesPointer)) || 0;
      }
      this.arithmetic(exchange, page, limit);
      if (page > pages) {
        if ((paging.pastEnd ?? 'empty') === 'empty') {
          const pastEnd = ctx.spec.provenance.at(`${op.pointer}/x-pagination/pastEnd`);
          this.book('pagination-past-end-not-empty', exchange, judgePastEnd(items, page, pages, paging, pastEnd));
        } else this.ledger.notApplicable('pagination-past-end-not-empty', op.key, 'the x-pagination declares pastEnd: any');
        return true;
      }
      this.book('pagination-limit-exceeded', exchange, judgeLimit(items, limit, page, paging, basis));
      this.book('pagination-pages-overlap', exchange, judgeOverlap(items, seen, page, paging, basis));
      for (const i of items) seen.set(JSON.stringify(i), page);
      count += items.length;
      if (page === pages || pages === 0) {
        this.book('pagination-total-mismatch', exchange, judgeTotal(total, count, paging, basis));
        if (pages === 0) return true;
      }
    }
    return false;
  }

  /** The page's own numbers, on every page visited, past the end included. */
  private arithmetic(e: Exchange, requested: number, limit: number): void {
    const body = e.response?.json;
    this.book('pagination-page-count-mismatch', e, judgePageCount(body, requested, limit, this.paging, this.basis));
    this.book('pagination-flags-inconsistent', e, judgePageFlags(body, requested, this.paging, this.basis));
  }
}
