import type { CheckId } from '../../checks/catalogue.ts';
import type { Finding } from '../../checks/types.ts';
import type { Exchange } from '../../client/exchange.ts';
import type { Operation } from '../../spec/operations.ts';
import { getAt } from '../../spec/pointer.ts';
import { covered, differingPaths, volatileFields } from '../../spec/volatile.ts';
import { tokenAuth, type RunContext } from '../context.ts';
import { Ledger } from '../ledger.ts';
import { BOUNDARY_SEED } from './boundaries.ts';
import { discoverIds, firstRequest } from './discover.ts';
import { notApplicable, resultOf, type ScenarioResult } from './result.ts';
import { grantingToken, judgeResponse, judgeScenario, show } from './shared.ts';

/**
 * `read-not-safe`: a read is safe (RFC 9110 §9.2.1) — the same read again, with the same token and inputs, gets the
 * same answer, apart from what the spec declares volatile (`x-volatile`). A "check availability" that reserves what
 * it checked, or a status read that moves the state on, answers the second time differently. The status must agree;
 * bodies are compared when both reads succeed (an error body may carry a per-request trace id). Reads are the
 * operations that do not write: GET, and a POST the spec marks `x-writes: false`.
 */
export async function checkSafeReads(ctx: RunContext, op: Operation, name: string): Promise<ScenarioResult> {
  const checks: readonly CheckId[] = ['read-not-safe'];
  if (op.writes) return notApplicable(name, op.key, checks, 'a write: repeating it may change what it answers');
  if (ctx.target.kind === 'mock') return notApplicable(name, op.key, checks, 'the static mock keeps no state: it cannot show a read that changes one');
  const token = grantingToken(ctx, op);
  if (!token) return notApplicable(name, op.key, checks, 'no token in the matrix grants this operation');
  const request = firstRequest(ctx, op, await discoverIds(ctx, op, token), token, BOUNDARY_SEED);
  if (request.unsatisfiable) return notApplicable(name, op.key, checks, `could not generate a valid request: ${request.unsatisfiable.join('; ')}`);
  const ledger = new Ledger();
  const auth = tokenAuth(ctx, token);
  // One after the other: the second read must see whatever the first one did.
  const first = await ctx.transport.send(op, request, auth);
  judgeResponse(ctx, ledger, op, first);
  const second = await ctx.transport.send(op, request, auth);
  judgeResponse(ctx, ledger, op, second);
  if (!first.response || !second.response) {
    ledger.notApplicable('read-not-safe', op.key, 'a read got no response');
    return resultOf(name, ledger);
  }
  const basis = ctx.spec.provenance.at(op.pointer);
  judgeScenario(
    ctx,
    ledger,
    'read-not-safe',
    op,
    second,
    changes(ctx, op, first, second).map((f) => ({ ...f, basis })),
  );
  return resultOf(name, ledger);
}

/** What the second answer says differently from the first, outside the declared volatile places. */
export function changes(ctx: RunContext, op: Operation, first: Exchange, second: Exchange): Finding[] {
  const [a, b] = [first.response!, second.response!];
  if (a.status !== b.status) return [{ location: '', expected: `HTTP ${a.status}, as the same read answered just before`, actual: `HTTP ${b.status}` }];
  if (a.status >= 300) return [];
  const volatile = volatileFields(ctx.spec.doc, op, a.status);
  const changed = [...differingPaths(a.json ?? a.text, b.json ?? b.text)].filter((p) => !covered(p, volatile));
  return changed.slice(0, 3).map((location) => ({
    location,
    expected: `${show(getAt(a.json, location), 60)}, as the same read answered just before (a read changes nothing${volatile.length ? `; volatile: ${volatile.join(', ')}` : ''})`,
    actual: show(getAt(b.json, location), 60),
  }));
}
