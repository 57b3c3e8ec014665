import { getAt } from '../../spec/pointer.ts';
import type { Basis } from '../../spec/provenance.ts';
import { show } from '../show.ts';
import type { Finding } from '../types.ts';

/** `x-filter` on a query parameter (docs/extensions.md): which field of each listed item it filters, and how. */
export interface FilterRule {
  /** Where the list is in the answer; default: the operation's `x-pagination` itemsPointer. */
  items?: string;
  /** The field of each item, a JSON pointer relative to the item. */
  field: string;
  match: 'contains' | 'equals' | 'prefix';
  caseInsensitive?: boolean;
}

/** Whether an item's field value matches the filter value, as the declaration says. */
export function matches(rule: FilterRule, value: unknown, filter: string): boolean {
  if (typeof value !== 'string' && typeof value !== 'number') return false;
  const [v, f] = rule.caseInsensitive ? [String(value).toLowerCase(), filter.toLowerCase()] : [String(value), filter];
  return rule.match === 'equals' ? v === f : rule.match === 'prefix' ? v.startsWith(f) : v.includes(f);
}

/** One filtered request: the parameter, the value sent, and — when an item must come back — the value it was taken from. */
export interface FilterQuery {
  param: string;
  value: string;
  /** The field value of an item of the unfiltered list that `value` was made from: that item must be found. */
  sample?: string;
}

/**
 * `filter-not-applied`: a query filter declared with `x-filter` does what it says. Every item of the filtered list
 * (`got`, the list at `rule.items`) matches the value sent — a stray item means the filter was ignored or applied
 * another way; and a value taken from an item that exists finds at least that item — an empty list means the filter
 * matched too little (case, prefix …). Strays are the stronger evidence, so they are reported first and alone.
 */
export function judgeFilter(got: readonly unknown[], rule: FilterRule & { items: string }, query: FilterQuery, basis: Basis): Finding[] {
  const strays = got.filter((i) => !matches(rule, getAt(i, rule.field), query.value));
  if (strays.length) {
    const how = rule.match === 'contains' ? 'contains' : rule.match === 'prefix' ? 'starts with' : 'equals';
    return [
      {
        location: rule.items,
        expected: `only items whose ${rule.field} ${how} ${JSON.stringify(query.value)}${rule.caseInsensitive ? ' (any case)' : ''}`,
        actual: `${strays.length} of ${got.length} do not, e.g. ${show(getAt(strays[0], rule.field), 60)}`,
        basis,
      },
    ];
  }
  if (query.sample !== undefined && !got.length)
    return [
      {
        location: rule.items,
        expected: `the item whose ${rule.field} is ${JSON.stringify(query.sample)}, found by ${query.param}=${JSON.stringify(query.value)}`,
        actual: 'no items',
        basis,
      },
    ];
  return [];
}
