import type { CheckId } from '../../checks/catalogue.ts';
import { boundaryProbes } from '../../arbitraries/boundaries.ts';
import { expectRejected, noting } from '../../checks/judges/status.ts';
import type { Operation } from '../../spec/operations.ts';
import { tokenAuth, type RunContext } from '../context.ts';
import { Ledger } from '../ledger.ts';
import { discoverIds, firstRequest } from './discover.ts';
import { notApplicable, resultOf, type ScenarioResult } from './result.ts';
import { validRefused } from './responses.ts';
import { grantingToken, judgeResponse, judgeScenario, show, unenforcedByTheMock, writeProbeBlocked } from './shared.ts';

const CHECKS: readonly CheckId[] = ['valid-input-rejected', 'invalid-input-accepted'];

/**
 * The seed of the request every boundary is placed into: fixed, so each run sends the same probes whatever its
 * own seed (a bound found in one run in ten is a bound missed in nine).
 */
export const BOUNDARY_SEED = 0;

/**
 * Boundaries, sent on purpose rather than hoped for from random generation: every documented bound of every
 * parameter and body field, at the bound (valid: never refused as bad input — `valid-input-rejected`) and one step
 * past it (invalid: refused with a 4xx — `invalid-input-accepted`; a guessed bound only probes). A 5xx on any of
 * them is `server-error`. Deterministic, and at most a few dozen requests per operation.
 */
export async function checkBoundaries(ctx: RunContext, op: Operation, name: string): Promise<ScenarioResult> {
  const token = grantingToken(ctx, op);
  if (!token) return notApplicable(name, op.key, CHECKS, 'no token in the matrix grants this operation');
  const blocked = writeProbeBlocked(ctx, op);
  if (blocked) return notApplicable(name, op.key, CHECKS, blocked);
  const pathValues = ctx.target.kind === 'live' ? await discoverIds(ctx, op, token) : undefined;
  const base = firstRequest(ctx, op, pathValues, token, BOUNDARY_SEED);
  if (base.unsatisfiable) return notApplicable(name, op.key, CHECKS, `could not generate a valid request: ${base.unsatisfiable.join('; ')}`);
  const probes = boundaryProbes(ctx.spec, op, base);
  if (!probes.length)
    return notApplicable(
      name,
      op.key,
      CHECKS,
      'no parameter or body field states a bound (minimum, maximum, length, item count) or admits the empty string, the empty array or zero',
    );
  const ledger = new Ledger();
  const auth = tokenAuth(ctx, token);
  await Promise.all(
    probes.map(async ({ request, target, boundary }) => {
      const exchange = await ctx.transport.send(op, request, auth);
      const note = `${target} = ${show(boundary.value, 40)}, ${boundary.valid ? 'at' : 'one past'} ${boundary.bound}`;
      if (boundary.valid) judgeScenario(ctx, ledger, 'valid-input-rejected', op, exchange, noting(validRefused(ctx, exchange, boundary.basis), note));
      else judgeScenario(ctx, ledger, 'invalid-input-accepted', op, exchange, unenforcedByTheMock(ctx, noting(expectRejected(exchange, boundary.basis), note)));
      judgeResponse(ctx, ledger, op, exchange);
    }),
  );
  return resultOf(name, ledger);
}
