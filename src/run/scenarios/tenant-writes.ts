import type { RequestCase } from '../../arbitraries/requests.ts';
import type { TokenEntry } from '../../config/tokens.ts';
import type { Exchange } from '../../client/exchange.ts';
import type { Operation } from '../../spec/operations.ts';
import type { SpecModel } from '../../checks/types.ts';
import { getAt } from '../../spec/pointer.ts';
import { mergePatch, withValueAt } from '../../spec/merge-patch.ts';
import { isGranted } from '../../spec/rules.ts';
import { volatileFields } from '../../spec/volatile.ts';
import { smuggledWriteIgnored } from '../../checks/judges/tenant.ts';
import { tokenAuth, type RunContext } from '../context.ts';
import { flowsOf } from '../flows/declaration.ts';
import type { Ledger } from '../ledger.ts';
import { BOUNDARY_SEED } from './boundaries.ts';
import { discoverIds, firstRequest, ownerValues } from './discover.ts';
import { resultOf, type ScenarioResult } from './result.ts';
import { judgeResponse, judgeScenario, writeProbeBlocked } from './shared.ts';
import { otherTenantValue, ownerOf, smuggle, smuggling, TENANT_CHECKS } from './tenant.ts';

/**
 * Tenant binding on writes, done safely: the write names the token's *own* resource (its own session, its own
 * record), so a server that honours a smuggled tenant id looks for that resource in the other tenant — and finds
 * nothing to change there. Sent as: the write, the write with the other tenant's id in each declared input, the write
 * again. Honoured when the other tenant's owner id comes back, when the token's own resource is suddenly not found
 * (404), or when the answer differs from the two plain writes that agree with each other. Never a create (it names
 * no resource: honoured, it would write into the other tenant), never a decision (a transition to a declared state:
 * it would be taken for real on the token's own resource); off with `--no-write-probes`.
 */
export async function checkTenantWrites(ctx: RunContext, op: Operation, name: string, ledger: Ledger, a: TokenEntry, b: TokenEntry): Promise<ScenarioResult> {
  const na = (reason: string) => {
    for (const c of TENANT_CHECKS) ledger.notApplicable(c, op.key, reason);
    return resultOf(name, ledger);
  };
  ledger.notApplicable('tenant-owner-mismatch', op.key, "a write: its records' owners are read by the read operations");
  ledger.notApplicable('tenant-cross-store-readable', op.key, "a write: another tenant's records are never written to");
  const blocked = writeProbeBlocked(ctx, op);
  if (blocked) return na(blocked);
  const own = await ownRequest(ctx, op, a);
  if (typeof own === 'string') return na(own);
  const tenant = ctx.spec.rules.tenant!;
  const inputs = (tenant.smuggledInputs ?? []).filter((input) => input.in !== 'body' || op.body);
  const shopB = tenant.ownerField ? await ownerOf(ctx, b, tenant.ownerField) : undefined;
  const values = inputs
    .map((input) => ({ input, value: otherTenantValue(ctx, op, input, b) ?? shopB }))
    .filter((x): x is { input: (typeof inputs)[number]; value: string } => typeof x.value === 'string');
  if (!values.length)
    return na(!inputs.length ? 'the x-tenant declares no smuggledInputs this operation takes' : 'no value of the second tenant was seen to smuggle');

  const auth = tokenAuth(ctx, a);
  const first = await ctx.transport.send(op, own, auth);
  judgeResponse(ctx, ledger, op, first);
  const smuggled: Exchange[] = [];
  for (const { input, value } of values) smuggled.push(await ctx.transport.send(op, smuggle(own, input, value), auth));
  const again = await ctx.transport.send(op, own, auth);
  const ok = (e: Exchange) => !!e.response && e.response.status < 300;
  const plainOk = ok(first) && ok(again);
  const volatile = plainOk ? volatileFields(ctx.spec.doc, op, again.response!.status) : [];
  values.forEach(({ input, value }, i) => {
    const e = smuggled[i]!;
    const findings = smuggledWriteIgnored({
      ...smuggling(ctx, a, b, input, value),
      smuggled: e,
      owners: tenant.ownerField ? ownerValues(e.response?.json, tenant.ownerField) : [],
      first,
      again,
      otherOwner: shopB,
      volatile,
      crossTenantStatus: tenant.crossTenantStatus,
    });
    judgeScenario(ctx, ledger, 'tenant-input-honored', op, e, findings);
  });
  return resultOf(name, ledger);
}

/**
 * A valid write that names a resource of the token's own: an id its list operation shows (`x-resource-list`, the
 * flow's read), or the flow's key read back from the flow (`keyBody`, creating the token's own resource first when
 * it has none). A string says why there is none to name.
 */
async function ownRequest(ctx: RunContext, op: Operation, a: TokenEntry): Promise<RequestCase | string> {
  const applies = writeProbeApplies(ctx.spec, op);
  if (applies !== true) return applies;
  const flow = flowsOf(ctx.spec).find((f) => f.create?.id === op.id || f.transitions.some((t) => t.op.id === op.id));
  const transition = flow?.transitions.find((t) => t.op.id === op.id);
  let pathValues = await discoverIds(ctx, op, a);
  if (!pathValues && transition?.decl.idParam && flow?.read) {
    const ids = await discoverIds(ctx, flow.read, a);
    const list = ids ? Object.values(ids)[0] : undefined;
    if (list) pathValues = { [transition.decl.idParam]: list };
  }
  if (op.parameters.some((p) => p.in === 'path') && !pathValues)
    return "no resource of the token's own was found to name (x-resource-list, or the flow's read)";
  const request = firstRequest(ctx, op, pathValues, a, BOUNDARY_SEED);
  if (request.unsatisfiable) return `could not generate a valid request: ${request.unsatisfiable.join('; ')}`;
  if (transition?.decl.body) request.body = mergePatch(request.body ?? {}, transition.decl.body);
  if (transition?.decl.keyBody && flow) {
    const key = await ownKey(ctx, flow, a);
    if (key === undefined) return "the token's own resource has no key to name (the flow's read shows none, even after a create)";
    request.body = withValueAt(request.body, transition.decl.keyBody, key);
  }
  return request;
}

/**
 * Whether a write can be probed safely, from the spec alone: it names an existing resource (a path id, a body id from
 * `x-resource-list`, a flow's key), and it is neither a create nor a decision (a transition to a declared state).
 */
export function writeProbeApplies(spec: SpecModel, op: Operation): true | string {
  const flow = flowsOf(spec).find((f) => f.create?.id === op.id || f.transitions.some((t) => t.op.id === op.id));
  if (flow?.create?.id === op.id) return "a create names no resource of the token's: honoured, the other tenant's id would write into its data";
  const transition = flow?.transitions.find((t) => t.op.id === op.id);
  if (transition && (transition.decl.to !== undefined || Array.isArray(transition.decl.from)))
    return "a decision (a transition to a declared state) would be taken for real on the token's own resource: not sent as a probe";
  const names =
    op.parameters.some((p) => p.in === 'path') ||
    !!transition?.decl.keyBody ||
    !!(op.extensions['x-resource-list'] as { bodyPointer?: string } | undefined)?.bodyPointer;
  return names ? true : "the write names no existing resource of the token's: honoured, the other tenant's id would write into its data";
}

/** The key of the token's own singleton resource (its session id), created first if it has none yet. */
async function ownKey(ctx: RunContext, flow: ReturnType<typeof flowsOf>[number], a: TokenEntry): Promise<string | undefined> {
  const pointer = flow.decl.keyPointer;
  if (!pointer || !flow.read) return undefined;
  const read = async () => {
    const e = await ctx.transport.send(flow.read!, firstRequest(ctx, flow.read!, undefined, a, BOUNDARY_SEED), tokenAuth(ctx, a));
    const v = getAt(e.response?.json, pointer);
    return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
  };
  const key = await read();
  if (key !== undefined || !flow.create || !isGranted(flow.create, a, ctx.spec.rules) || writeProbeBlocked(ctx, flow.create)) return key;
  await ctx.transport.send(flow.create, firstRequest(ctx, flow.create, undefined, a, BOUNDARY_SEED), tokenAuth(ctx, a));
  return read();
}
