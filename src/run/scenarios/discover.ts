import fc from 'fast-check';
import { validRequests, type RequestCase } from '../../arbitraries/requests.ts';
import type { TokenEntry } from '../../config/tokens.ts';
import type { Operation } from '../../spec/operations.ts';
import { getAll } from '../../spec/pointer.ts';
import { idSource, sourceOperation } from '../../spec/links.ts';
import { tokenAuth, type RunContext } from '../context.ts';

/**
 * Real ids for an operation's path parameter, read from the list operation its `x-resource-list` names, or else
 * from the read an OpenAPI `link` says the parameter comes from — so a live run exercises `GET /roles/{id}` with
 * roles that exist, not only with random ids that 404.
 */
export async function discoverIds(
  ctx: RunContext,
  op: Operation,
  token: TokenEntry,
  { declaredOnly = false }: { declaredOnly?: boolean } = {},
): Promise<Record<string, unknown[]> | undefined> {
  const link = idSource(ctx.spec.doc, ctx.spec.operations, op, { declaredOnly });
  const param = link?.param ? op.parameters.find((p) => p.name === link.param) : op.parameters.find((p) => p.in === 'path');
  const list = link && sourceOperation(ctx.spec.operations, link);
  // The id goes where the declaration says: a body field (bodyPointer), else the path parameter.
  const slot = link?.bodyPointer ? `body:${link.bodyPointer}` : param?.name;
  if (!link || !slot || !list) return undefined;
  // Only the required inputs: a generated filter or a page past the end would hide the records.
  const required = new Set(list.parameters.filter((p) => p.required).map((p) => p.name));
  const request = firstRequest(ctx, list, undefined, token);
  if (request.unsatisfiable) return undefined;
  request.query = Object.fromEntries(Object.entries(request.query).filter(([k]) => required.has(k)));
  const exchange = await ctx.transport.send(list, request, tokenAuth(ctx, token));
  const ids = getAll(exchange.response?.json, link.idPointer).filter((v) => typeof v === 'string' || typeof v === 'number');
  return ids.length ? { [slot]: ids } : undefined;
}

/**
 * One deterministic valid request (seeded by the run, or by `seed` for probes that must be the same whatever the
 * run's seed), for scenarios that need a request, not a property.
 */
export function firstRequest(ctx: RunContext, op: Operation, pathValues?: Record<string, unknown[]>, token?: TokenEntry, seed = ctx.runSeed): RequestCase {
  const identity = (token ?? ctx.tokens[0])?.values;
  return fc.sample(validRequests(ctx.spec, op, { ...(pathValues ? { pathValues } : {}), ...(identity ? { identity } : {}) }), { seed, numRuns: 1 })[0]!;
}

/** Every value of `field` anywhere in a body: the owner (`shop`) of each record it returned. */
export function ownerValues(body: unknown, field: string): unknown[] {
  const out: unknown[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === field && typeof v === 'string') out.push(v);
        else visit(v);
      }
    }
  };
  visit(body);
  return out;
}
