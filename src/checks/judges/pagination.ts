import { getAt } from '../../spec/pointer.ts';
import type { Basis } from '../../spec/provenance.ts';
import type { Finding } from '../types.ts';

/** `x-pagination` (docs/extensions.md): where a page's parts are; the optional pointers add their own rules. */
export interface Paging {
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

/**
 * `pagination-past-end-not-empty`: a page past the last holds no items (unless the declaration says `pastEnd: any`,
 * which the walk checks before asking). Items there mean the server wraps round, or ignores the page, and a client
 * that reads until an empty page never stops.
 */
export function judgePastEnd(items: readonly unknown[], page: number, pages: number, paging: Pick<Paging, 'itemsPointer'>, basis: Basis): Finding[] {
  return items.length > 0
    ? [{ location: paging.itemsPointer, expected: `no items on page ${page} of ${pages}`, actual: `${items.length} item(s)`, basis }]
    : [];
}

/** `pagination-limit-exceeded`: a page holds at most the `limit` the client asked for — the client sized its buffer so. */
export function judgeLimit(items: readonly unknown[], limit: number, page: number, paging: Pick<Paging, 'itemsPointer'>, basis: Basis): Finding[] {
  return items.length > limit
    ? [{ location: paging.itemsPointer, expected: `at most ${limit} item(s)`, actual: `${items.length} on page ${page}`, basis }]
    : [];
}

/**
 * `pagination-pages-overlap`: no item is on two pages of one walk, or a client reading them all counts it twice.
 * `seen` maps each item of the earlier pages (as its JSON text: items are compared whole) to the page it was on.
 */
export function judgeOverlap(
  items: readonly unknown[],
  seen: ReadonlyMap<string, number>,
  page: number,
  paging: Pick<Paging, 'itemsPointer'>,
  basis: Basis,
): Finding[] {
  const repeats = items.map((i) => JSON.stringify(i)).filter((k) => seen.has(k));
  return repeats.length
    ? [
        {
          location: paging.itemsPointer,
          expected: `page ${page} shares no item with earlier pages`,
          actual: `${repeats.length} item(s) also on page ${seen.get(repeats[0] ?? '')}`,
          basis,
        },
      ]
    : [];
}

/**
 * `pagination-total-mismatch`: the `total` the first page reported is the number of items the pages held together,
 * counted once the walk reached the last page — a client that sizes a list, or stops, by `total` otherwise loses or
 * waits for items.
 */
export function judgeTotal(total: unknown, count: number, paging: Pick<Paging, 'totalPointer'>, basis: Basis): Finding[] {
  return total !== count
    ? [{ location: paging.totalPointer, expected: `total equal to the ${count} item(s) the pages held`, actual: JSON.stringify(total), basis }]
    : [];
}

/**
 * `pagination-page-count-mismatch`: a page's own `pages` is `ceil(total / limit)` at the limit asked for, on every
 * page (past the end included). `null`: the page shows no numeric total and pages, so there is nothing to judge.
 */
export function judgePageCount(
  body: unknown,
  requested: number,
  limit: number,
  paging: Pick<Paging, 'totalPointer' | 'pagesPointer'>,
  basis: Basis,
): Finding[] | null {
  const total = getAt(body, paging.totalPointer);
  const pages = getAt(body, paging.pagesPointer);
  if (typeof total !== 'number' || typeof pages !== 'number') return null;
  const want = Math.ceil(total / limit);
  return pages !== want
    ? [{ location: paging.pagesPointer, expected: `ceil(${total} / ${limit}) = ${want} on page ${requested}`, actual: JSON.stringify(pages), basis }]
    : [];
}

/**
 * `pagination-flags-inconsistent`: a page's flags agree with its numbers — `hasNext` exactly when `page < pages`;
 * `hasPrev` exactly when `page > 1`, `nextPage`/`prevPage` set exactly then (and, when numbers, the next and previous
 * page), where declared. The page is the one the answer says it is (a server may clamp past the end), else the one
 * asked for. Past the end only `hasNext` is judged: what else a server reports there is its own choice. `null`: the
 * page shows no numeric `pages` to agree with.
 */
export function judgePageFlags(body: unknown, requested: number, paging: Paging, basis: Basis): Finding[] | null {
  const pages = getAt(body, paging.pagesPointer);
  if (typeof pages !== 'number') return null;
  const reported = paging.pagePointer ? getAt(body, paging.pagePointer) : undefined;
  const page = typeof reported === 'number' ? reported : requested;
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
  return wrong.length
    ? [{ location: paging.hasNextPointer, expected: 'the page flags agree with page and pages', actual: wrong.map(([what]) => what).join('; '), basis }]
    : [];
}
