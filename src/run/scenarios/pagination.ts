import type { CheckId } from '../../checks/catalogue.ts';
import type { Exchange } from '../../client/exchange.ts';
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

/** `x-pagination` (docs/extensions.md): where a page's parts are; the optional pointers add their own rules. */
interface Paging {
  pageParam: string;
  limitParam: string;
  itemsPointer: string;
  totalPointer: string;
  pagesPointer: string;
  hasNextPointer: string;
  hasPrevPointer?: string;
  pagePointer?: string;
  nextPagePointer?: string;
  prevPagePointer?: string;
  /** What a page past the last holds: `empty` (default) or `any` (no rule). */
  pastEnd?: 'empty' | 'any';
}

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

  private judge(id: CheckId, e: Exchange, bad: boolean, finding: Omit<Finding, 'basis'>, basis = this.basis): void {
    judgeScenario(this.ctx, this.ledger, id, this.op, e, bad ? [{ ...finding, basis }] : []);
  }

  /** One walk at one page size, to the end and one page past it; whether it reached the end. */
  async run(
    base: { path: Record<string, unknown>; headers: Record<string, string> },
    query: Record<string, unknown>,
    token: Parameters<typeof tokenAuth>[1],
    limit: number,
  ): Promise<boolean> {
    const { ctx, op, paging } = this;
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
          this.judge(
            'pagination-past-end-not-empty',
            exchange,
            items.length > 0,
            { location: paging.itemsPointer, expected: `no items on page ${page} of ${pages}`, actual: `${items.length} item(s)` },
            ctx.spec.provenance.at(`${op.pointer}/x-pagination/pastEnd`),
          );
        } else this.ledger.notApplicable('pagination-past-end-not-empty', op.key, 'the x-pagination declares pastEnd: any');
        return true;
      }
      this.judge('pagination-limit-exceeded', exchange, items.length > limit, {
        location: paging.itemsPointer,
        expected: `at most ${limit} item(s)`,
        actual: `${items.length} on page ${page}`,
      });
      const repeats = items.map((i) => JSON.stringify(i)).filter((k) => seen.has(k));
      this.judge('pagination-pages-overlap', exchange, repeats.length > 0, {
        location: paging.itemsPointer,
        expected: `page ${page} shares no item with earlier pages`,
        actual: `${repeats.length} item(s) also on page ${seen.get(repeats[0] ?? '')}`,
      });
      for (const i of items) seen.set(JSON.stringify(i), page);
      count += items.length;
      if (page === pages || pages === 0) {
        this.judge('pagination-total-mismatch', exchange, total !== count, {
          location: paging.totalPointer,
          expected: `total equal to the ${count} item(s) the pages held`,
          actual: JSON.stringify(total),
        });
        if (pages === 0) return true;
      }
    }
    return false;
  }

  /**
   * The page's own numbers agree: `pages = ceil(total / limit)`; `hasNext` exactly when `page < pages`; `hasPrev`,
   * `nextPage` and `prevPage` (where declared) as their names say — on every page, past the end included (where
   * only `hasNext` is judged: what a server reports past the end is its own choice).
   */
  private arithmetic(e: Exchange, requested: number, limit: number): void {
    const { paging } = this;
    const body = e.response?.json;
    const total = getAt(body, paging.totalPointer);
    const pages = getAt(body, paging.pagesPointer);
    const reported = paging.pagePointer ? getAt(body, paging.pagePointer) : undefined;
    // The page the answer says it is (a server may clamp past the end), else the one asked for.
    const page = typeof reported === 'number' ? reported : requested;
    if (typeof total === 'number' && typeof pages === 'number') {
      const want = Math.ceil(total / limit);
      this.judge('pagination-page-count-mismatch', e, pages !== want, {
        location: paging.pagesPointer,
        expected: `ceil(${total} / ${limit}) = ${want} on page ${requested}`,
        actual: JSON.stringify(pages),
      });
    }
    if (typeof pages !== 'number') return;
    const flags: Array<[string, boolean]> = [];
    const hasNext = getAt(body, paging.hasNextPointer);
    flags.push([`hasNext=${page < pages} on page ${page} of ${pages}, found ${JSON.stringify(hasNext)}`, hasNext !== page < pages]);
    if (requested <= pages) {
      if (paging.hasPrevPointer) {
        const hasPrev = getAt(body, paging.hasPrevPointer);
        flags.push([`hasPrev=${page > 1} on page ${page}, found ${JSON.stringify(hasPrev)}`, hasPrev !== page > 1]);
      }
      const link = (pointer: string | undefined, present: boolean, to: number, what: string) => {
        if (!pointer) return;
        const v = getAt(body, pointer);
        const bad = present ? v === null || v === undefined || (typeof v === 'number' && v !== to) : v !== null && v !== undefined;
        flags.push([`${what}=${present ? to : null} on page ${page} of ${pages}, found ${JSON.stringify(v)}`, bad]);
      };
      link(paging.nextPagePointer, page < pages, page + 1, 'nextPage');
      link(paging.prevPagePointer, page > 1, page - 1, 'prevPage');
    }
    const wrong = flags.filter(([, bad]) => bad);
    this.judge('pagination-flags-inconsistent', e, wrong.length > 0, {
      location: paging.hasNextPointer,
      expected: 'the page flags agree with page and pages',
      actual: wrong.map(([what]) => what).join('; '),
    });
  }
}
