import type { CheckId } from '../../checks/catalogue.ts';
import { withValueAt } from '../../spec/merge-patch.ts';
import type { TokenEntry } from '../../config/tokens.ts';
import { foreignRecordRefused, ownersAreOwn, smuggledReadIgnored, type CrossTenantRule, type Smuggling } from '../../checks/judges/tenant.ts';
import type { Operation } from '../../spec/operations.ts';
import { isGranted } from '../../spec/rules.ts';
import { propertyAt } from '../../spec/schema-walk.ts';
import { identityKey } from '../../arbitraries/requests.ts';
import { differingPaths } from '../../spec/volatile.ts';
import type { RequestCase } from '../../arbitraries/requests.ts';
import type { Exchange } from '../../client/exchange.ts';
import { getAt, parsePointer } from '../../spec/pointer.ts';
import { idSource } from '../../spec/links.ts';
import { checkTenantWrites } from './tenant-writes.ts';
import { tokenAuth, type RunContext } from '../context.ts';
import { Ledger } from '../ledger.ts';
import { discoverIds, firstRequest, ownerValues } from './discover.ts';
import { resultOf, type ScenarioResult } from './result.ts';
import { judgeResponse, judgeScenario } from './shared.ts';
import { BOUNDARY_SEED } from './boundaries.ts';

export const TENANT_CHECKS: readonly CheckId[] = ['tenant-owner-mismatch', 'tenant-input-honored', 'tenant-cross-store-readable'];

/**
 * "The store is bound to the token server-side — never send a shop id." With tokens on two tenants: each
 * tenant's records carry its own owner id, on every page of a list; smuggling the other tenant's id (header, query,
 * body — from the spec's x-tenant) changes nothing; the other tenant's records by id are 404. On a write, the
 * smuggling is done with the token's own resource only (tenant-writes.ts), so a server that honours the smuggled
 * id is caught without touching the other tenant's data.
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
  const pair = tenantPair(ctx, op);
  if (typeof pair === 'string') return na(pair);
  const [a, b] = pair;
  if (op.writes) return checkTenantWrites(ctx, op, name, ledger, a, b);
  const basis = (member: string) => ctx.spec.provenance.at(`/x-tenant/${member}`);

  const idsA = await discoverIds(ctx, op, a);
  const request = firstRequest(ctx, op, idsA, a);
  const requestB = firstRequest(ctx, op, await discoverIds(ctx, op, b), b);
  if (request.unsatisfiable || requestB.unsatisfiable)
    return na(`could not generate a valid request: ${(request.unsatisfiable ?? requestB.unsatisfiable)!.join('; ')}`);
  const ownA = await ctx.transport.send(op, request, tokenAuth(ctx, a));
  const ownB = await ctx.transport.send(op, requestB, tokenAuth(ctx, b));
  judgeResponse(ctx, ledger, op, ownA);
  // What differs between two reads of the same request (a server-assigned request id, a timestamp) says nothing
  // about whose data came back: left out of every comparison below.
  const again = await ctx.transport.send(op, request, tokenAuth(ctx, a));
  const volatile = [...differingPaths(ownA.response?.json, again.response?.json)];
  const owner = tenant.ownerField;
  const ownersB = owner ? ownerValues(ownB.response?.json, owner) : [];
  const shopB = ownersB[0] ?? (owner ? await ownerOf(ctx, b, owner) : undefined);

  if (owner) {
    // Every item of every list, on every page: one foreign item fails.
    const pages = await everyPage(ctx, op, request, a, ownA);
    const ownersA = pages.flatMap((e) => ownerValues(e.response?.json, owner));
    if (ownersA.length) {
      const first = ownersA[0];
      const foreign = pages.find((e) => ownerValues(e.response?.json, owner).some((o) => o !== first || ownersB.includes(o))) ?? ownA;
      const findings = ownersAreOwn({
        field: owner,
        store: a.store,
        owners: ownersA,
        otherStore: b.store,
        otherOwners: ownersB,
        otherOwner: shopB,
        pages: pages.length,
        basis: basis('ownerField'),
      });
      judgeScenario(ctx, ledger, 'tenant-owner-mismatch', op, foreign, findings);
    } else ledger.notApplicable('tenant-owner-mismatch', op.key, `responses carry no ${owner} field`);
  } else ledger.notApplicable('tenant-owner-mismatch', op.key, 'the x-tenant declares no ownerField');

  const inputs = (tenant.smuggledInputs ?? []).filter((input) => input.in !== 'body' || op.body);
  let smuggledAny = false;
  for (const input of inputs) {
    // The other tenant's own value for an input bound to the identity (a user handle), else its owner id.
    const value = otherTenantValue(ctx, op, input, b) ?? shopB;
    if (typeof value !== 'string') continue;
    smuggledAny = true;
    const exchange = await ctx.transport.send(op, smuggle(request, input, value), tokenAuth(ctx, a));
    const findings = smuggledReadIgnored({
      ...smuggling(ctx, a, b, input, value),
      smuggled: exchange,
      owners: owner ? ownerValues(exchange.response?.json, owner) : [],
      own: ownA,
      again,
      other: ownB,
      otherOwner: shopB,
      volatile,
      crossTenantStatus: tenant.crossTenantStatus,
    });
    judgeScenario(ctx, ledger, 'tenant-input-honored', op, exchange, findings);
  }
  if (!smuggledAny)
    ledger.notApplicable(
      'tenant-input-honored',
      op.key,
      !inputs.length ? 'the x-tenant declares no smuggledInputs this operation takes' : `no value of the second tenant was seen to smuggle`,
    );

  // Only a declared list: a link says ids exist there, not that the list shows each tenant its own records (a
  // catalogue both tenants see would read as a leak).
  const idsB = await discoverIds(ctx, op, b, { declaredOnly: true });
  if (idsB) {
    const foreign = firstRequest(ctx, op, idsB, a);
    const exchange = await ctx.transport.send(op, foreign, tokenAuth(ctx, a));
    const findings = foreignRecordRefused({ exchange, rule: crossTenantRule(ctx), owner: b.store, reader: a.store });
    judgeScenario(ctx, ledger, 'tenant-cross-store-readable', op, exchange, findings);
  } else
    ledger.notApplicable(
      'tenant-cross-store-readable',
      op.key,
      idSource(ctx.spec.doc, ctx.spec.operations, op, { declaredOnly: true })
        ? "the list its ids are read from (x-resource-list) showed none of the second tenant's records"
        : 'no x-resource-list: the operation reads no record by id',
    );
  return resultOf(name, ledger);
}

/** Two tokens on two tenants that are both granted the operation, or why there are none. */
export function tenantPair(ctx: RunContext, op: Operation): [TokenEntry, TokenEntry] | string {
  const byStore = new Map<string, TokenEntry>();
  for (const t of ctx.tokens) if (isGranted(op, t, ctx.spec.rules) && !byStore.has(t.store)) byStore.set(t.store, t);
  const [a, b] = [...byStore.values()];
  return a && b ? [a, b] : 'needs tokens on two tenants that both grant this operation (add a second store to the token matrix)';
}

/** The request with the other tenant's id smuggled into one input. */
export function smuggle(request: RequestCase, input: { in: string; name: string }, value: string): RequestCase {
  return {
    ...request,
    ...(input.in === 'query' ? { query: { ...request.query, [input.name]: value } } : {}),
    ...(input.in === 'header' ? { headers: { ...request.headers, [input.name]: value } } : {}),
    ...(input.in === 'body' ? { body: withValueAt(request.body, input.name, value) } : {}),
  };
}

/** Token `a` sending tenant `b`'s value in one input: what the tenant-input-honored judges report it as. */
export function smuggling(ctx: RunContext, a: TokenEntry, b: TokenEntry, input: { in: string; name: string }, value: string): Smuggling {
  return { store: a.store, otherStore: b.store, input, value, basis: ctx.spec.provenance.at('/x-tenant/smuggledInputs') };
}

/**
 * The first answer and, for a list declared `x-pagination`, every page of it — asked for with the required inputs
 * only (a generated filter, or a page past the end, would hide the records), at the list's default page size.
 */
async function everyPage(ctx: RunContext, op: Operation, request: RequestCase, token: TokenEntry, first: Exchange): Promise<Exchange[]> {
  const paging = op.extensions['x-pagination'] as { pageParam: string; pagesPointer: string } | undefined;
  if (!paging) return [first];
  const required = new Set(op.parameters.filter((p) => p.required).map((p) => p.name));
  const list = { ...request, query: Object.fromEntries(Object.entries(request.query).filter(([k]) => required.has(k))) };
  const page = (n: number) => ctx.transport.send(op, { ...list, query: { ...list.query, [paging.pageParam]: n } }, tokenAuth(ctx, token));
  const out = [first, await page(1)];
  const pages = Number(getAt(out[1]!.response?.json, paging.pagesPointer)) || 0;
  for (let n = 2; n <= Math.min(pages, 40); n++) out.push(await page(n));
  return out;
}
/** The other tenant's own value of an input the spec binds to the identity (`x-identity-value`), if it has one. */
export function otherTenantValue(ctx: RunContext, op: Operation, input: { in: string; name: string }, other: TokenEntry): unknown {
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

/** The spec's x-tenant rule for another tenant's records, with where each part of it is declared (its basis). */
export function crossTenantRule(ctx: RunContext): CrossTenantRule {
  const code = ctx.spec.rules.tenant?.crossTenantStatus;
  return {
    basis: ctx.spec.provenance.at('/x-tenant'),
    ...(code !== undefined ? { status: { code, basis: ctx.spec.provenance.at('/x-tenant/crossTenantStatus') } } : {}),
  };
}

/** The other tenant's owner id, from the first of its reads that shows one (reads only: nothing of it is written). */
export async function ownerOf(ctx: RunContext, b: TokenEntry, field: string): Promise<string | undefined> {
  const reads = ctx.spec.operations.filter((o) => !o.writes && isGranted(o, b, ctx.spec.rules));
  for (const read of reads.slice(0, 6)) {
    const request = firstRequest(ctx, read, await discoverIds(ctx, read, b), b, BOUNDARY_SEED);
    if (request.unsatisfiable) continue;
    const owners = ownerValues((await ctx.transport.send(read, request, tokenAuth(ctx, b))).response?.json, field);
    if (typeof owners[0] === 'string') return owners[0];
  }
  return undefined;
}
