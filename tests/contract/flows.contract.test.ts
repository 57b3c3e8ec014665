import { describe, test } from 'vitest';
import { flowsOf } from '../../src/run/flows/declaration.ts';
import { checkFlow } from '../../src/run/scenarios/flows.ts';
import { nothingToRun } from '../../src/run/scenarios/result.ts';
import { contract, inThisShard, noneInShard, verdict } from './harness.ts';

const ctx = await contract();
const flows = flowsOf(ctx.spec);

describe('flows: declared state machines hold (model-based)', () => {
  const mine = flows.filter((flow) => inThisShard(`flow ${flow.decl.id}`));
  if (!flows.length) {
    if (inThisShard('flows › none declared'))
      test('flows › none declared', (t) => verdict(t, nothingToRun('flows › none declared', 'the spec declares no x-flows')));
    else noneInShard('flows');
  } else if (!mine.length) noneInShard('flows');
  for (const flow of mine) {
    const name = `flow ${flow.decl.id} › states move only as declared`;
    test(name, async (t) => verdict(t, await checkFlow(ctx, flow, name)));
  }
});
