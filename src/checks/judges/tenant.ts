import type { Exchange } from '../../client/exchange.ts';
import type { Basis } from '../../spec/provenance.ts';
import { sameApart } from '../../spec/volatile.ts';
import type { Finding } from '../types.ts';

/**
 * Judges of tenant binding (x-tenant, docs/extensions.md): "the store is bound to the token server-side — never send
 * a shop id". The tenant scenarios (src/run/scenarios/tenant.ts, tenant-writes.ts) send with tokens on two tenants
 * and pick out the owner ids; these only compare what came back.
 */

/** The x-tenant rule as far as another tenant's records go: what a read of one must get, and what that rests on. */
export interface CrossTenantRule {
  /** The basis of the x-tenant rule itself. */
  basis: Basis;
  /** The declared `crossTenantStatus` and its basis; 404 when none is declared. */
  status?: { code: number; basis: Basis };
}

/**
 * `tenant-cross-store-readable`: another tenant's record, asked for by id with this tenant's token, is answered with
 * the cross-tenant status (404 unless declared) — the record is out of reach, and not even said to exist. Reading it
 * (2xx) breaks the tenant rule itself; refusing it with another status than the declared one breaks only
 * `crossTenantStatus`, which may be the spec's guess: the finding rests on the one it breaks.
 */
export function foreignRecordRefused(given: {
  exchange: Exchange;
  rule: CrossTenantRule;
  /** The tenant the record belongs to, and the tenant whose token asked. */
  owner: string;
  reader: string;
  /** A flow's resource, by id, and the reading token's name (else: a record of a list, by id). */
  resource?: { id: string; token: string };
}): Finding[] {
  const { exchange, rule, owner, reader, resource } = given;
  const s = exchange.response?.status;
  const wanted = rule.status?.code ?? 404;
  if (s === wanted) return [];
  const readable = s !== undefined && s < 300;
  return [
    {
      location: '',
      expected: resource
        ? `${wanted} for tenant ${owner}'s resource ${resource.id} read with tenant ${reader}'s token '${resource.token}'`
        : `${wanted} for tenant ${owner}'s record requested with tenant ${reader}'s token`,
      actual: s ? `HTTP ${s}` : 'no response',
      basis: !readable && rule.status ? rule.status.basis : rule.basis,
    },
  ];
}

/**
 * `tenant-owner-mismatch`: every record a tenant's token reads carries that tenant's own owner id, on every page of a
 * list. One other owner among them — or the other tenant's — is another tenant's data handed out.
 */
export function ownersAreOwn(given: {
  /** The x-tenant `ownerField`. */
  field: string;
  /** The tenant whose token read, and the owner ids its answers carried (every page). */
  store: string;
  owners: readonly unknown[];
  /** The other tenant, the owner ids its own read carried, and its owner id as far as it was seen. */
  otherStore: string;
  otherOwners: readonly unknown[];
  otherOwner: unknown;
  pages: number;
  basis: Basis;
}): Finding[] {
  const { field, store, owners, otherStore, otherOwners, otherOwner, pages, basis } = given;
  const mixed = new Set(owners).size > 1 || owners.some((o) => otherOwners.includes(o) || o === otherOwner);
  return mixed
    ? [
        {
          location: '',
          expected: `every ${field} is tenant ${store}'s own${pages > 1 ? ', on every page' : ''}`,
          actual: `${field} values ${JSON.stringify([...new Set(owners)])} (tenant ${otherStore} is ${JSON.stringify(otherOwner)})`,
          basis,
        },
      ]
    : [];
}

/** What was smuggled: the other tenant's value in one declared input (`smuggledInputs`) of this tenant's request. */
export interface Smuggling {
  /** The tenant whose token sent the request, and the tenant whose value was smuggled in. */
  store: string;
  otherStore: string;
  input: { in: string; name: string };
  value: string;
  /** The basis of `/x-tenant/smuggledInputs`. */
  basis: Basis;
}

/**
 * `tenant-input-honored`, on a read: the answer is this tenant's whatever the smuggled input says. Honoured: the other
 * tenant's owner id came back; or the answer left this tenant's own and became the other tenant's; or the token's
 * own record, found without the input, is not found with it — the server looked in the other tenant. What differs
 * between two plain reads (`volatile`: a request id, a timestamp) says nothing about whose data it is.
 */
export function smuggledReadIgnored(
  given: Smuggling & {
    smuggled: Exchange;
    /** The owner ids the smuggled answer carried. */
    owners: readonly unknown[];
    /** This tenant's plain read, asked twice, and the other tenant's own read. */
    own: Exchange;
    again: Exchange;
    other: Exchange;
    otherOwner: unknown;
    volatile: readonly string[];
    crossTenantStatus?: number;
  },
): Finding[] {
  const { smuggled, owners, own, again, other, otherOwner, volatile, crossTenantStatus } = given;
  const same = (x: unknown, y: unknown) => sameApart(x, y, volatile);
  const ok = smuggled.response && smuggled.response.status < 300;
  const wasOk = !!own.response && own.response.status < 300 && !!again.response && again.response.status < 300;
  const leaked =
    (typeof otherOwner === 'string' && owners.includes(otherOwner)) ||
    (ok && !same(smuggled.response?.json, own.response?.json) && same(smuggled.response?.json, other.response?.json)) ||
    (wasOk && notFoundThere(smuggled, crossTenantStatus));
  return leaked ? [honoured(given, smuggled)] : [];
}

/**
 * `tenant-input-honored`, on a write that names the token's own resource: the write is this tenant's whatever the
 * smuggled input says. Honoured: the other tenant's owner id came back; or the token's own resource, written
 * without the input, is not found with it; or, where the plain write answers the same twice (apart from `volatile`
 * places), the smuggled one answers otherwise — it answered for someone else.
 */
export function smuggledWriteIgnored(
  given: Smuggling & {
    smuggled: Exchange;
    /** The owner ids the smuggled answer carried. */
    owners: readonly unknown[];
    /** The plain write, sent before and after the smuggled ones. */
    first: Exchange;
    again: Exchange;
    otherOwner: string | undefined;
    volatile: readonly string[];
    crossTenantStatus?: number;
  },
): Finding[] {
  const { smuggled, owners, first, again, otherOwner, volatile, crossTenantStatus } = given;
  const ok = (e: Exchange) => !!e.response && e.response.status < 300;
  const plainOk = ok(first) && ok(again);
  const stable = plainOk && sameApart(first.response!.json, again.response!.json, volatile);
  const honouredIt =
    (otherOwner !== undefined && owners.includes(otherOwner)) ||
    (plainOk && notFoundThere(smuggled, crossTenantStatus)) ||
    (stable && ok(smuggled) && !sameApart(smuggled.response!.json, again.response!.json, volatile));
  return honouredIt ? [honoured(given, smuggled)] : [];
}

/**
 * The token's own record, asked for with the other tenant's id smuggled in, is not found (404, or the declared
 * cross-tenant status): the server looked in the other tenant. A refusal of the input itself (400, 403) is the
 * server keeping the rule.
 */
function notFoundThere(smuggled: Exchange, crossTenantStatus: number | undefined): boolean {
  const s = smuggled.response?.status;
  return s === 404 || s === crossTenantStatus;
}

function honoured(what: Smuggling, exchange: Exchange): Finding {
  const { store, otherStore, input, value, basis } = what;
  const s = exchange.response?.status;
  const came =
    s !== undefined && s >= 400 ? `HTTP ${s}: the token's own record was looked for in tenant ${otherStore}` : `tenant ${otherStore}'s data came back`;
  return {
    location: '',
    expected: `tenant ${store}'s answer whatever ${input.in} ${input.name} says`,
    actual: `${came} for ${input.in} ${input.name}=${value}`,
    basis,
  };
}
