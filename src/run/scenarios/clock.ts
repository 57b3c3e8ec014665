import { withValueAt } from '../../spec/merge-patch.ts';
import { clockFields, clockProbes, type ClockField } from '../../arbitraries/clock.ts';
import type { RequestCase } from '../../arbitraries/requests.ts';
import { judgeClockRefusal } from '../../checks/judges/clock.ts';
import type { Operation } from '../../spec/operations.ts';
import { tokenAuth, type RunContext } from '../context.ts';
import { Ledger } from '../ledger.ts';
import { discoverIds, firstRequest } from './discover.ts';
import { notApplicable, resultOf, type ScenarioResult } from './result.ts';
import { grantingToken, judgeResponse, judgeScenario, productionWriteBlocked } from './shared.ts';

/**
 * Clock-bound request fields (`x-clock`, e.g. Sila's `header.created`: epoch seconds, "must not be future-dated and
 * must not be dated more than 5 minutes in the past"): a valid request carries "now" read at send time; the same
 * request stale by a minute past the window, and dated ahead, must be refused with a 4xx.
 */
export async function checkClock(ctx: RunContext, op: Operation, name: string): Promise<ScenarioResult> {
  const fields = clockFields(ctx.spec, op);
  if (!fields.length) return notApplicable(name, op.key, ['clock-bound-not-enforced'], 'the operation has no x-clock field');
  if (ctx.target.kind === 'mock')
    return notApplicable(name, op.key, ['clock-bound-not-enforced'], 'Prism has no clock rule to enforce; clock-bound fields need a live target');
  const token = grantingToken(ctx, op);
  if (!token) return notApplicable(name, op.key, ['clock-bound-not-enforced'], 'no token in the matrix grants this operation');
  const blocked = productionWriteBlocked(ctx, op);
  if (blocked) return notApplicable(name, op.key, ['clock-bound-not-enforced'], blocked);
  const valid = firstRequest(ctx, op, await discoverIds(ctx, op, token), token);
  if (valid.unsatisfiable)
    return notApplicable(name, op.key, ['clock-bound-not-enforced'], `could not generate a valid request: ${valid.unsatisfiable.join('; ')}`);
  const ledger = new Ledger();
  for (const field of fields) {
    const basis = ctx.spec.provenance.at(`${field.schemaPointer}/x-clock`);
    for (const probe of clockProbes(field.rule)) {
      const e = await ctx.transport.send(op, withClock(valid, field, probe.value), tokenAuth(ctx, token));
      judgeResponse(ctx, ledger, op, e);
      judgeScenario(ctx, ledger, 'clock-bound-not-enforced', op, e, judgeClockRefusal(e, field, probe.label, basis));
    }
  }
  return resultOf(name, ledger);
}

function withClock(c: RequestCase, field: ClockField, value: unknown): RequestCase {
  if (field.in === 'query') return { ...c, query: { ...c.query, [field.at]: value } };
  if (field.in === 'path') return { ...c, path: { ...c.path, [field.at]: value } };
  if (field.in === 'header') return { ...c, headers: { ...c.headers, [field.at]: String(value) } };
  return { ...c, body: withValueAt(c.body, field.at, value) };
}
