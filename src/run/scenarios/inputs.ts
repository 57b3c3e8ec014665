import fc from 'fast-check';
import { invalidRequestFamilies, type RequestCase } from '../../arbitraries/requests.ts';
import { expectRejected } from '../../checks/judges/status.ts';
import type { Violation } from '../../checks/types.ts';
import type { Operation } from '../../spec/operations.ts';
import { tokenAuth, type RunContext } from '../context.ts';
import { Ledger } from '../ledger.ts';
import { checkProperty, propertyRun, seedFor, type PropertyResult } from '../property.ts';
import { notApplicable, resultOf, type ScenarioResult } from './result.ts';
import { grantingToken, judgeResponse, judgeScenario, productionWriteBlocked, unenforcedByTheMock } from './shared.ts';

/**
 * Check `invalid-input-accepted`: input that breaks one rule of the spec is refused with a 4xx (never 2xx,
 * never 5xx). A rule the spec only infers is a probe: a server that accepts it contradicts the inference, and that
 * is reported as one, not as a violation. An undocumented 4xx is reported by status-code-undocumented as a warning.
 */
export async function checkInvalidInputs(ctx: RunContext, op: Operation, name: string): Promise<ScenarioResult> {
  const token = grantingToken(ctx, op);
  if (!token) return notApplicable(name, op.key, ['invalid-input-accepted'], 'no token in the matrix grants this operation');
  const families = invalidRequestFamilies(ctx.spec, op, { identity: token.values });
  if (!families) return notApplicable(name, op.key, ['invalid-input-accepted'], 'the operation takes no input that can be invalid');
  const blocked = productionWriteBlocked(ctx, op);
  if (blocked) return notApplicable(name, op.key, ['invalid-input-accepted'], blocked);
  const ledger = new Ledger();
  const auth = tokenAuth(ctx, token);
  const probe = async (request: RequestCase) => {
    const exchange = await ctx.transport.send(op, request, auth);
    const rejected = expectRejected(exchange, request.invalid?.basis).map((f) => ({
      ...f,
      expected: `${f.expected} (${request.invalid?.target} breaks ${request.invalid?.rule})`,
    }));
    const findings = unenforcedByTheMock(ctx, rejected);
    return [...judgeScenario(ctx, ledger, 'invalid-input-accepted', op, exchange, findings), ...judgeResponse(ctx, ledger, op, exchange)];
  };
  const property = await checkProperty({
    arbitrary: fc.oneof(...families),
    ...propertyRun(ctx.settings, ctx.runSeed, name, { clock: ctx.clock, label: op.key }),
    probe,
  });
  if (!ctx.settings.deep || property.errors.length || ctx.settings.replay?.test === name) return resultOf(name, ledger, property);
  return resultOf(name, ledger, await sweep(ctx, op, name, families, probe, property));
}

/**
 * A deep run breaks the request every way the spec allows, not only the ways the draws happened to pick: a few
 * requests of each rule and input (boundary values included: one past a minimum, a maximum, a length), drawn from
 * the run's seed — so replaying the test deep sends them again. A failure found here is reported as drawn.
 */
async function sweep(
  ctx: RunContext,
  op: Operation,
  name: string,
  families: Array<fc.Arbitrary<RequestCase>>,
  probe: (r: RequestCase) => Promise<Violation[]>,
  property: PropertyResult<RequestCase>,
): Promise<PropertyResult<RequestCase>> {
  const requests = families.flatMap((family, i) => fc.sample(family, { seed: seedFor(ctx.runSeed, `${name} #${i}`), numRuns: 3 }));
  const found = await Promise.all(requests.map(async (r) => (ctx.clock.countCase(op.key), await probe(r))));
  const at = found.findIndex((vs) => vs.some((v) => v.severity === 'error'));
  if (at < 0) return property;
  return { ...property, counterexample: requests[at]!, errors: found[at]!.filter((v) => v.severity === 'error') };
}
