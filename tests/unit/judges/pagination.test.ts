import { describe, expect, test } from 'vitest';
import type { Finding } from '../../../src/checks/types.ts';
import { judgeLimit, judgeOverlap, judgePageCount, judgePageFlags, judgePastEnd, judgeTotal, type Paging } from '../../../src/checks/judges/pagination.ts';
import { DOCUMENTED } from '../../../src/spec/provenance.ts';
import { expectFindings, INFERRED, type Want } from '../support/judges.ts';

const paging: Paging = {
  pageParam: 'page',
  limitParam: 'limit',
  itemsPointer: '/data',
  totalPointer: '/meta/total',
  pagesPointer: '/meta/pages',
  hasNextPointer: '/meta/hasNext',
  hasPrevPointer: '/meta/hasPrev',
  pagePointer: '/meta/page',
  nextPagePointer: '/meta/nextPage',
  prevPagePointer: '/meta/prevPage',
};
/** A page's meta as a conforming server writes it, for page `page` of `total` items at `limit` a page. */
const meta = (page: number, total: number, limit: number) => {
  const pages = Math.ceil(total / limit);
  return { page, total, pages, hasNext: page < pages, hasPrev: page > 1, nextPage: page < pages ? page + 1 : null, prevPage: page > 1 ? page - 1 : null };
};
const body = (m: Record<string, unknown>) => ({ data: [], meta: m });

type Items = readonly unknown[];
/** The findings a row wants; `null`: the page holds nothing the judge can judge. */
const check = (found: Finding[] | null, want: Want[] | null) => (want === null ? expect(found).toBeNull() : expectFindings(found ?? [], want));

describe('judgePastEnd (pagination-past-end-not-empty)', () => {
  test.each<[string, { given: { items: Items; page: number; pages: number }; want: Want[] }]>([
    ['an empty page past the last is silent', { given: { items: [], page: 4, pages: 3 }, want: [] }],
    [
      'items past the last fire',
      {
        given: { items: [{ id: 1 }], page: 4, pages: 3 },
        want: [{ location: '/data', expected: 'no items on page 4 of 3', actual: '1 item(s)', basis: INFERRED }],
      },
    ],
  ])('%s', (_, { given, want }) => check(judgePastEnd(given.items, given.page, given.pages, paging, INFERRED), want));
});

describe('judgeLimit (pagination-limit-exceeded)', () => {
  test.each<[string, { given: { items: Items; limit: number; page: number }; want: Want[] }]>([
    ['as many items as the limit is silent', { given: { items: [1, 2, 3], limit: 3, page: 1 }, want: [] }],
    [
      'more than the limit fires',
      {
        given: { items: [1, 2, 3, 4], limit: 3, page: 2 },
        want: [{ location: '/data', expected: 'at most 3 item(s)', actual: '4 on page 2', basis: DOCUMENTED }],
      },
    ],
  ])('%s', (_, { given, want }) => check(judgeLimit(given.items, given.limit, given.page, paging, DOCUMENTED), want));
});

describe('judgeOverlap (pagination-pages-overlap)', () => {
  const seen = new Map([[JSON.stringify({ id: 1 }), 1]]);
  test.each<[string, { given: { items: Items; page: number }; want: Want[] }]>([
    ['new items are silent', { given: { items: [{ id: 2 }], page: 2 }, want: [] }],
    [
      'an item of an earlier page fires, naming that page',
      {
        given: { items: [{ id: 1 }, { id: 3 }], page: 2 },
        want: [{ location: '/data', expected: 'page 2 shares no item with earlier pages', actual: '1 item(s) also on page 1', basis: DOCUMENTED }],
      },
    ],
  ])('%s', (_, { given, want }) => check(judgeOverlap(given.items, seen, given.page, paging, DOCUMENTED), want));
});

describe('judgeTotal (pagination-total-mismatch)', () => {
  test.each<[string, { given: { total: unknown; count: number }; want: Want[] }]>([
    ['a total equal to the count is silent', { given: { total: 7, count: 7 }, want: [] }],
    [
      'another total fires',
      {
        given: { total: 8, count: 7 },
        want: [{ location: '/meta/total', expected: 'total equal to the 7 item(s) the pages held', actual: '8', basis: DOCUMENTED }],
      },
    ],
    ['a total that is not a number fires', { given: { total: '7', count: 7 }, want: [{ actual: '"7"' }] }],
  ])('%s', (_, { given, want }) => check(judgeTotal(given.total, given.count, paging, DOCUMENTED), want));
});

describe('judgePageCount (pagination-page-count-mismatch)', () => {
  test.each<[string, { given: { body: unknown; requested: number; limit: number }; want: Want[] | null }]>([
    ['ceil(total / limit) is silent', { given: { body: body(meta(1, 7, 3)), requested: 1, limit: 3 }, want: [] }],
    [
      'another page count fires',
      {
        given: { body: body({ total: 7, pages: 2 }), requested: 1, limit: 3 },
        want: [{ location: '/meta/pages', expected: 'ceil(7 / 3) = 3 on page 1', actual: '2', basis: INFERRED }],
      },
    ],
    ['no numeric total: nothing to judge', { given: { body: body({ pages: 3 }), requested: 1, limit: 3 }, want: null }],
  ])('%s', (_, { given, want }) => check(judgePageCount(given.body, given.requested, given.limit, paging, INFERRED), want));
});

describe('judgePageFlags (pagination-flags-inconsistent)', () => {
  test.each<[string, { given: { body: unknown; requested: number }; want: Want[] | null }]>([
    ['the first page of three is silent', { given: { body: body(meta(1, 7, 3)), requested: 1 }, want: [] }],
    ['a middle page is silent', { given: { body: body(meta(2, 7, 3)), requested: 2 }, want: [] }],
    ['the last page is silent', { given: { body: body(meta(3, 7, 3)), requested: 3 }, want: [] }],
    ['past the end only hasNext is judged', { given: { body: body({ ...meta(4, 7, 3), hasPrev: false, prevPage: 99 }), requested: 4 }, want: [] }],
    [
      'hasNext on the last page fires',
      {
        given: { body: body({ ...meta(3, 7, 3), hasNext: true }), requested: 3 },
        want: [
          {
            location: '/meta/hasNext',
            expected: 'the page flags agree with page and pages',
            actual: 'hasNext=false on page 3 of 3, found true',
            basis: DOCUMENTED,
          },
        ],
      },
    ],
    [
      'every wrong flag is listed',
      {
        given: { body: body({ ...meta(2, 7, 3), hasPrev: false, nextPage: 4 }), requested: 2 },
        want: [{ actual: 'hasPrev=true on page 2, found false; nextPage=3 on page 2 of 3, found 4' }],
      },
    ],
    ['the page the answer reports wins over the one asked for (a server may clamp)', { given: { body: body(meta(3, 7, 3)), requested: 2 }, want: [] }],
    ['no numeric pages: nothing to judge', { given: { body: body({ hasNext: true }), requested: 1 }, want: null }],
  ])('%s', (_, { given, want }) => check(judgePageFlags(given.body, given.requested, paging, DOCUMENTED), want));
});
