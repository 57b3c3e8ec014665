import type { CheckId } from '../../checks/catalogue.ts';
import { judgeSafeRead } from '../../checks/judges/safety.ts';
import type { Operation } from '../../spec/operations.ts';
import { volatileFields } from '../../spec/volatile.ts';
import { tokenAuth, type RunContext } from '../context.ts';
import { Ledger } from '../ledger.ts';
import { BOUNDARY_SEED } from './boundaries.ts';
import { discoverIds, firstRequest } from './discover.ts';
import { notApplicable, resultOf, type ScenarioResult } from './result.ts';
import { grantingToken, judgeResponse, judgeScenario } from './shared.ts';

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
  const volatile = volatileFields(ctx.spec.doc, op, first.response.status);
  judgeScenario(ctx, ledger, 'read-not-safe', op, second, judgeSafeRead(first.response, second.response, volatile, basis));
  return resultOf(name, ledger);
}
