import type { RequestCase } from '../../arbitraries/requests.ts';
import { judgeNegative } from '../../checks/judges/negatives.ts';
import { mergePatch } from '../../spec/merge-patch.ts';
import type { Operation } from '../../spec/operations.ts';
import type { RunContext } from '../context.ts';
import { tokenAuth } from '../context.ts';
import { flowsOf } from '../flows/declaration.ts';
import { Ledger } from '../ledger.ts';
import { discoverIds, firstRequest } from './discover.ts';
import { notApplicable, resultOf, type ScenarioResult } from './result.ts';
import { grantingToken, judgeResponse, judgeScenario, productionWriteBlocked } from './shared.ts';

/** One `x-negative-cases` entry: a valid request patched as the docs' error matrix says, and the status it gets. */
export interface NegativeCase {
  name: string;
  patch?: Record<string, unknown>;
  query?: Record<string, unknown>;
  status: number | number[];
}

export function negativeCasesOf(op: Operation): NegativeCase[] {
  return (op.extensions['x-negative-cases'] as NegativeCase[] | undefined) ?? [];
}

/** The request of a negative case: the body merge-patched (null removes a field), the query merged likewise. */
export function negativeRequest(valid: RequestCase, c: NegativeCase): RequestCase {
  return {
    ...valid,
    ...(c.patch ? { body: mergePatch(valid.body ?? {}, c.patch) } : {}),
    ...(c.query ? { query: mergePatch(valid.query, c.query) as Record<string, unknown> } : {}),
  };
}

// Still exported from here: the flow tests judge the negative cases of a transition with it (src/run/scenarios/flows.ts).

/** Whether an operation's negative cases are sent by a flow test, from a state its transition is allowed from. */
export function negativesInFlow(ctx: RunContext, op: Operation): string | undefined {
  const flow = flowsOf(ctx.spec).find((f) => f.transitions.some((t) => t.op === op && Array.isArray(t.decl.from)));
  return flow?.decl.id;
}

/**
 * The error matrix the docs list (`x-negative-cases`): each case is a valid request — real ids, the identity's own
 * values, a fresh clock — changed as the case says, and must get the documented status. Cases of a flow
 * transition are sent by the flow test instead, to a resource in a state the transition is allowed from, so the
 * refusal is the change's doing and not the state's.
 */
export async function checkNegativeCases(ctx: RunContext, op: Operation, name: string): Promise<ScenarioResult> {
  const cases = negativeCasesOf(op);
  if (!cases.length) return notApplicable(name, op.key, ['negative-case-not-refused'], 'the operation declares no x-negative-cases');
  const flow = negativesInFlow(ctx, op);
  if (flow) return notApplicable(name, op.key, ['negative-case-not-refused'], `sent by the test of flow ${flow}, from a state ${op.id} is allowed from`);
  if (ctx.target.kind === 'mock')
    return notApplicable(
      name,
      op.key,
      ['negative-case-not-refused'],
      'Prism refuses only what the schema forbids; the documented error matrix needs a live target',
    );
  const token = grantingToken(ctx, op);
  if (!token) return notApplicable(name, op.key, ['negative-case-not-refused'], 'no token in the matrix grants this operation');
  const blocked = productionWriteBlocked(ctx, op);
  if (blocked) return notApplicable(name, op.key, ['negative-case-not-refused'], blocked);
  const valid = firstRequest(ctx, op, await discoverIds(ctx, op, token), token);
  if (valid.unsatisfiable)
    return notApplicable(name, op.key, ['negative-case-not-refused'], `could not generate a valid request: ${valid.unsatisfiable.join('; ')}`);
  const ledger = new Ledger();
  for (const [i, c] of cases.entries()) {
    const e = await ctx.transport.send(op, negativeRequest(valid, c), tokenAuth(ctx, token));
    judgeResponse(ctx, ledger, op, e);
    judgeScenario(ctx, ledger, 'negative-case-not-refused', op, e, judgeNegative(c, e, ctx.spec, `${op.pointer}/x-negative-cases/${i}`));
  }
  return resultOf(name, ledger);
}
