import type { CheckId } from '../../checks/catalogue.ts';
import { judgeFilter, type FilterRule } from '../../checks/judges/filters.ts';
import type { Operation, Parameter } from '../../spec/operations.ts';
import { getAt } from '../../spec/pointer.ts';
import { tokenAuth, type RunContext } from '../context.ts';
import { Ledger } from '../ledger.ts';
import { BOUNDARY_SEED } from './boundaries.ts';
import { firstRequest } from './discover.ts';
import { notApplicable, resultOf, type ScenarioResult } from './result.ts';
import { grantingToken, judgeResponse, judgeScenario } from './shared.ts';

export function filtersOf(op: Operation): Array<{ param: Parameter; rule: FilterRule & { items: string } }> {
  const paging = op.extensions['x-pagination'] as { itemsPointer?: string } | undefined;
  return op.parameters
    .filter((p) => p.in === 'query' && p.extensions['x-filter'])
    .map((param) => {
      const rule = param.extensions['x-filter'] as FilterRule;
      return { param, rule: { ...rule, items: rule.items ?? paging?.itemsPointer ?? '' } };
    });
}

/** A value that matches nothing a list could hold by accident. */
const NOTHING = 'zz-no-such-value-7c1e';

/**
 * `filter-not-applied` (a warning: the strict level, reported apart): a query filter declared with `x-filter` does
 * what it says — with a value taken from an item of the unfiltered list (in the other case, where the filter ignores
 * case), every item returned matches and at least one comes back; with a value that matches nothing, nothing does.
 * A filter the server refuses (4xx) is not judged here: the inputs checks say whether it should have.
 */
export async function checkFilters(ctx: RunContext, op: Operation, name: string): Promise<ScenarioResult> {
  const checks: readonly CheckId[] = ['filter-not-applied'];
  const filters = filtersOf(op);
  if (!filters.length) return notApplicable(name, op.key, checks, 'no query parameter declares x-filter');
  if (ctx.target.kind === 'mock') return notApplicable(name, op.key, checks, 'the static mock answers every filter with the same example');
  const token = grantingToken(ctx, op);
  if (!token) return notApplicable(name, op.key, checks, 'no token in the matrix grants this operation');
  const base = firstRequest(ctx, op, undefined, token, BOUNDARY_SEED);
  if (base.unsatisfiable) return notApplicable(name, op.key, checks, `could not generate a valid request: ${base.unsatisfiable.join('; ')}`);
  const required = new Set(op.parameters.filter((p) => p.required).map((p) => p.name));
  const plain = { ...base, query: Object.fromEntries(Object.entries(base.query).filter(([k]) => required.has(k))) };
  const ledger = new Ledger();
  const auth = tokenAuth(ctx, token);
  const all = await ctx.transport.send(op, plain, auth);
  judgeResponse(ctx, ledger, op, all);
  for (const { param, rule } of filters) {
    const items = getAt(all.response?.json, rule.items);
    const sample = Array.isArray(items) ? items.map((i) => getAt(i, rule.field)).find((v) => typeof v === 'string' && v.length > 0) : undefined;
    if (typeof sample !== 'string') {
      ledger.notApplicable('filter-not-applied', op.key, `the unfiltered list shows no ${rule.field} to filter on`);
      continue;
    }
    const basis = ctx.spec.provenance.at(`${param.pointer}/x-filter`);
    const value = rule.caseInsensitive ? swapCase(sample) : sample;
    // The value of an item must find it; a value that matches nothing must find nothing.
    for (const query of [
      { param: param.name, value, sample },
      { param: param.name, value: NOTHING },
    ]) {
      const e = await ctx.transport.send(op, { ...plain, query: { ...plain.query, [param.name]: query.value } }, auth);
      judgeResponse(ctx, ledger, op, e);
      const got = getAt(e.response?.json, rule.items);
      if (!e.response || e.response.status >= 300 || !Array.isArray(got)) {
        ledger.notApplicable('filter-not-applied', op.key, `${param.name}=${query.value} was answered HTTP ${e.response?.status ?? 'nothing'}, with no list`);
        continue;
      }
      judgeScenario(ctx, ledger, 'filter-not-applied', op, e, judgeFilter(got, rule, query, basis), 'warning');
    }
  }
  return resultOf(name, ledger);
}

function swapCase(s: string): string {
  return [...s].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');
}
