import { withValueAt } from '../../spec/merge-patch.ts';
import { isDeepStrictEqual } from 'node:util';
import type { TokenEntry } from '../../config/tokens.ts';
import type { Finding } from '../../checks/types.ts';
import type { Operation } from '../../spec/operations.ts';
import { isGranted } from '../../spec/rules.ts';
import type { Basis } from '../../spec/provenance.ts';
import { parsePointer } from '../../spec/pointer.ts';
import { propertyAt } from '../../spec/schema-walk.ts';
import { identityKey } from '../../arbitraries/requests.ts';
import { differingPaths } from '../../spec/volatile.ts';
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
  // What differs between two reads of the same request (a server-assigned request id, a timestamp) says nothing
  // about whose data came back: left out of every comparison below.
  const again = await ctx.transport.send(op, request, tokenAuth(ctx, a));
  const volatile = differingPaths(ownA.response?.json, again.response?.json);
  const same = (x: unknown, y: unknown) => isDeepStrictEqual(withoutPaths(x, volatile), withoutPaths(y, volatile));
  const owner = tenant.ownerField;
  const ownersA = owner ? ownerValues(ownA.response?.json, owner) : [];
  const ownersB = owner ? ownerValues(ownB.response?.json, owner) : [];
  const shopB = ownersB[0];

  if (owner && ownersA.length) {
    const mixed = new Set(ownersA).size > 1 || ownersA.some((o) => ownersB.includes(o));
    judgeScenario(ctx, ledger, 'tenant-owner-mismatch', op, ownA, mixed ? [{ location: '', expected: `every ${owner} is tenant ${a.store}'s own`, actual: `${owner} values ${JSON.stringify([...new Set(ownersA)])} (tenant ${b.store} is ${JSON.stringify(shopB)})`, basis: basis('ownerField') }] : []);
  } else ledger.notApplicable('tenant-owner-mismatch', op.key, owner ? `responses carry no ${owner} field` : 'the x-tenant declares no ownerField');

  const inputs = (tenant.smuggledInputs ?? []).filter((input) => input.in !== 'body' || op.body);
  let smuggledAny = false;
  for (const input of inputs) {
    // The other tenant's own value for an input bound to the identity (a user handle), else its owner id.
    const value = otherTenantValue(ctx, op, input, b) ?? shopB;
    if (typeof value !== 'string') continue;
    smuggledAny = true;
    const smuggled = {
      ...request,
      ...(input.in === 'query' ? { query: { ...request.query, [input.name]: value } } : {}),
      ...(input.in === 'header' ? { headers: { ...request.headers, [input.name]: value } } : {}),
      ...(input.in === 'body' ? { body: withValueAt(request.body, input.name, value) } : {}),
    };
    const exchange = await ctx.transport.send(op, smuggled, tokenAuth(ctx, a));
    const owners = owner ? ownerValues(exchange.response?.json, owner) : [];
    const ok = exchange.response && exchange.response.status < 300;
    const leaked: Finding[] =
      (typeof shopB === 'string' && owners.includes(shopB)) || (ok && !same(exchange.response?.json, ownA.response?.json) && same(exchange.response?.json, ownB.response?.json))
        ? [{ location: '', expected: `tenant ${a.store}'s data whatever ${input.in} ${input.name} says`, actual: `tenant ${b.store}'s data came back for ${input.in} ${input.name}=${value}`, basis: basis('smuggledInputs') }]
        : [];
    judgeScenario(ctx, ledger, 'tenant-input-honored', op, exchange, leaked);
  }
  if (!smuggledAny) ledger.notApplicable('tenant-input-honored', op.key, !inputs.length ? 'the x-tenant declares no smuggledInputs this operation takes' : `no value of the second tenant was seen to smuggle`);

  const idsB = await discoverIds(ctx, op, b);
  if (idsB) {
    const foreign = firstRequest(ctx, op, idsB, a);
    const exchange = await ctx.transport.send(op, foreign, tokenAuth(ctx, a));
    const s = exchange.response?.status;
    const wanted = tenant.crossTenantStatus ?? 404;
    judgeScenario(ctx, ledger, 'tenant-cross-store-readable', op, exchange, s === wanted ? [] : [{ location: '', expected: `${wanted} for tenant ${b.store}'s record requested with tenant ${a.store}'s token`, actual: s ? `HTTP ${s}` : 'no response', basis: crossTenantBasis(ctx, s) }]);
  } else ledger.notApplicable('tenant-cross-store-readable', op.key, 'no x-resource-list: the operation reads no record by id');
  return resultOf(name, ledger);
}

/** The other tenant's own value of an input the spec binds to the identity (`x-identity-value`), if it has one. */
function otherTenantValue(ctx: RunContext, op: Operation, input: { in: string; name: string }, other: TokenEntry): unknown {
  let key: string | undefined;
  if (input.in === 'body' && op.body) {
    const tokens = input.name.startsWith('/') ? parsePointer(input.name) : [input.name];
    let at = op.body.schemaPointer;
    for (const t of tokens) at = propertyAt(ctx.spec, at, t) ?? '';
    key = at ? identityKey(ctx.spec, at) : undefined;
  } else {
    const p = op.parameters.find((x) => x.in === input.in && x.name.toLowerCase() === input.name.toLowerCase());
    key = p ? identityKey(ctx.spec, `${p.pointer}/schema`, p.extensions) : undefined;
  }
  return key !== undefined ? other.values[key] : undefined;
}

/**
 * What "another tenant's record is out of reach" rests on: reading it (2xx) breaks the tenant rule itself; refusing
 * it with another status than the declared one breaks only `crossTenantStatus`, which may be the guess.
 */
export function crossTenantBasis(ctx: RunContext, status: number | undefined): Basis {
  const readable = status !== undefined && status < 300;
  return ctx.spec.provenance.at(!readable && ctx.spec.rules.tenant?.crossTenantStatus !== undefined ? '/x-tenant/crossTenantStatus' : '/x-tenant');
}

function withoutPaths(value: unknown, paths: Set<string>, at = ''): unknown {
  if (!paths.size || !value || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v, i) => withoutPaths(v, paths, `${at}/${i}`));
  return Object.fromEntries(Object.entries(value).filter(([k]) => !paths.has(`${at}/${k}`)).map(([k, v]) => [k, withoutPaths(v, paths, `${at}/${k}`)]));
}
