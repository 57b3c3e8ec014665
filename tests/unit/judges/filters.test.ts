import { describe, expect, test } from 'vitest';
import { judgeFilter, matches, type FilterQuery, type FilterRule } from '../../../src/checks/judges/filters.ts';
import { DOCUMENTED } from '../../../src/spec/provenance.ts';
import { expectFindings, type Want } from '../support/judges.ts';

const byName: FilterRule & { items: string } = { items: '/data', field: '/name', match: 'contains', caseInsensitive: true };
const byStatus: FilterRule & { items: string } = { items: '/data', field: '/status', match: 'equals' };
const items = (...names: string[]) => names.map((name) => ({ name }));

type Row = [string, { given: { got: unknown[]; rule: FilterRule & { items: string }; query: FilterQuery }; want: Want[] }];

describe('judgeFilter (filter-not-applied)', () => {
  test.each<Row>([
    [
      'only matching items is silent (any case)',
      { given: { got: items('Alpha', 'alphabet'), rule: byName, query: { param: 'q', value: 'ALPHA', sample: 'Alpha' } }, want: [] },
    ],
    ['nothing for a value that matches nothing is silent', { given: { got: [], rule: byName, query: { param: 'q', value: 'zz-no-such-value' } }, want: [] }],
    [
      'a stray item fires, with one example',
      {
        given: {
          got: [{ status: 'active' }, { status: 'closed' }, { status: 'closed' }],
          rule: byStatus,
          query: { param: 'status', value: 'active', sample: 'active' },
        },
        want: [{ location: '/data', expected: 'only items whose /status equals "active"', actual: '2 of 3 do not, e.g. "closed"', basis: DOCUMENTED }],
      },
    ],
    [
      'a filter that ignores case says so',
      {
        given: { got: items('beta'), rule: byName, query: { param: 'q', value: 'zz-no-such-value' } },
        want: [{ expected: 'only items whose /name contains "zz-no-such-value" (any case)', actual: '1 of 1' }],
      },
    ],
    [
      'no items for a value taken from an item fires',
      {
        given: { got: [], rule: byName, query: { param: 'q', value: 'aLPHA', sample: 'Alpha' } },
        want: [{ location: '/data', expected: 'the item whose /name is "Alpha", found by q="aLPHA"', actual: 'no items', basis: DOCUMENTED }],
      },
    ],
  ])('%s', (_, { given, want }) => {
    expectFindings(judgeFilter(given.got, given.rule, given.query, DOCUMENTED), want);
  });
});

describe('matches', () => {
  test.each<[string, { given: { rule: FilterRule; value: unknown; filter: string }; want: boolean }]>([
    ['contains', { given: { rule: { field: '/n', match: 'contains' }, value: 'alphabet', filter: 'pha' }, want: true }],
    ['prefix', { given: { rule: { field: '/n', match: 'prefix' }, value: 'alphabet', filter: 'pha' }, want: false }],
    ['equals, a number as its text', { given: { rule: { field: '/n', match: 'equals' }, value: 42, filter: '42' }, want: true }],
    ['case counts unless declared not to', { given: { rule: { field: '/n', match: 'equals' }, value: 'A', filter: 'a' }, want: false }],
    ['case ignored when declared', { given: { rule: { field: '/n', match: 'equals', caseInsensitive: true }, value: 'A', filter: 'a' }, want: true }],
    ['an absent field matches nothing', { given: { rule: { field: '/n', match: 'contains' }, value: undefined, filter: '' }, want: false }],
  ])('%s', (_, { given, want }) => {
    expect(matches(given.rule, given.value, given.filter)).toBe(want);
  });
});
