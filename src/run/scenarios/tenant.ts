import { isDeepStrictEqual } from 'node:util';
import type { TokenEntry } from '../../config/tokens.ts';
import type { Finding } from '../../checks/types.ts';
import type { Operation } from '../../spec/operations.ts';
import { isGranted } from '../../spec/rules.ts';
import { tokenAuth, type RunContext } from '../context.ts';
import { Ledger } from '../ledger.ts';
import { discoverIds, firstRequest, ownerValues } from './discover.ts';
import { resultOf, type ScenarioResult } from './result.ts';
import { judgeResponse, judgeScenario } from './shared.ts';

export const TENANT_CHECKS = ['tenant-owner-mismatch', 'tenant-input-honored', 'tenant-cross-store-readable'];

/**
 * "The store is bound to the token server-side — never send a shop id." With tokens on two tenants: each
 * tenant's records carry its own owner id; smuggling the other tenant's id (header, query, body — from the spec's
 * x-tenant) changes nothing; the other tenant's records by id are 404. Read-only operations only: a tenant probe
 * must not write into someone else's data.
 */
export async function checkTenant(ctx: RunContext, op: Operation, name: string): Promise<ScenarioResult> {
  const ledger = new Ledger();
  const na = (reason: string) => {
    for (const c of TENANT_CHECKS) ledger.notApplicable(c, op.key, reason);
    return resultOf(name, ledger);
  };
  const tenant = ctx.spec.rules.tenant;
  if (!tenant) return na('the spec declares no x-tenant rule');
  if (ctx.target.kind === 'mock') return na('the mock has no tenants; tenant binding needs a live target with tokens on two tenants');
  if (op.writes) return na('write operation: tenant probes send reads only');
  const byStore = new Map<string, TokenEntry>();
  for (const t of ctx.tokens) if (isGranted(op, t, ctx.spec.rules) && !byStore.has(t.store)) byStore.set(t.store, t);
  const [a, b] = [...byStore.values()];
  if (!a || !b) return na('needs tokens on two tenants that both grant this operation (add a second store to the token matrix)');
  const basis = (member: string) => ctx.spec.provenance.at(`/x-tenant/${member}`);

  const idsA = await discoverIds(ctx, op, a);
  const request = firstRequest(ctx, op, idsA, a);
  const requestB = firstRequest(ctx, op, await discoverIds(ctx, op, b), b);
  if (request.unsatisfiable || requestB.unsatisfiable) return na(`could not generate a valid request: ${(request.unsatisfiable ?? requestB.unsatisfiable)!.join('; ')}`);
  const ownA = await ctx.transport.send(op, request, tokenAuth(ctx, a));
  const ownB = await ctx.transport.send(op, requestB, tokenAuth(ctx, b));
  judgeResponse(ctx, ledger, op, ownA);
  const owner = tenant.ownerField;
  const ownersA = owner ? ownerValues(ownA.response?.json, owner) : [];
  const ownersB = owner ? ownerValues(ownB.response?.json, owner) : [];
  const shopB = ownersB[0];

  if (owner && ownersA.length) {
    const mixed = new Set(ownersA).size > 1 || ownersA.some((o) => ownersB.includes(o));
    judgeScenario(ctx, ledger, 'tenant-owner-mismatch', op, ownA, mixed ? [{ location: '', expected: `every ${owner} is tenant ${a.store}'s own`, actual: `${owner} values ${JSON.stringify([...new Set(ownersA)])} (tenant ${b.store} is ${JSON.stringify(shopB)})`, basis: basis('ownerField') }] : []);
  } else ledger.notApplicable('tenant-owner-mismatch', op.key, owner ? `responses carry no ${owner} field` : 'the x-tenant declares no ownerField');

  if (typeof shopB === 'string' && tenant.smuggledInputs?.length) {
    for (const input of tenant.smuggledInputs) {
      if (input.in === 'body' && !op.body) continue;
      const smuggled = {
        ...request,
        ...(input.in === 'query' ? { query: { ...request.query, [input.name]: shopB } } : {}),
        ...(input.in === 'header' ? { headers: { ...request.headers, [input.name]: shopB } } : {}),
        ...(input.in === 'body' ? { body: { ...(request.body as object), [input.name]: shopB } } : {}),
      };
      const exchange = await ctx.transport.send(op, smuggled, tokenAuth(ctx, a));
      const owners = ownerValues(exchange.response?.json, owner!);
      const leaked: Finding[] =
        owners.includes(shopB) || (!isDeepStrictEqual(exchange.response?.json, ownA.response?.json) && isDeepStrictEqual(exchange.response?.json, ownB.response?.json))
          ? [{ location: '', expected: `tenant ${a.store}'s data whatever ${input.in} ${input.name} says`, actual: `tenant ${b.store}'s data came back for ${input.in} ${input.name}=${shopB}`, basis: basis('smuggledInputs') }]
          : [];
      judgeScenario(ctx, ledger, 'tenant-input-honored', op, exchange, leaked);
    }
  } else ledger.notApplicable('tenant-input-honored', op.key, !tenant.smuggledInputs?.length ? 'the x-tenant declares no smuggledInputs' : `no ${owner} id of the second tenant was seen to smuggle`);

  const idsB = await discoverIds(ctx, op, b);
  if (idsB) {
    const foreign = firstRequest(ctx, op, idsB, a);
    const exchange = await ctx.transport.send(op, foreign, tokenAuth(ctx, a));
    const s = exchange.response?.status;
    judgeScenario(ctx, ledger, 'tenant-cross-store-readable', op, exchange, s === 404 ? [] : [{ location: '', expected: `404 for tenant ${b.store}'s record requested with tenant ${a.store}'s token`, actual: s ? `HTTP ${s}` : 'no response', basis: ctx.spec.provenance.at('/x-tenant') }]);
  } else ledger.notApplicable('tenant-cross-store-readable', op.key, 'no x-resource-list: the operation reads no record by id');
  return resultOf(name, ledger);
}
