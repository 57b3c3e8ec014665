import { describe, test } from 'vitest';
import { checkInvalidInputs } from '../../src/run/scenarios/inputs.ts';
import { contract, verdict } from './harness.ts';

const ctx = await contract();

describe('inputs: a request that breaks the spec is refused with a 4xx', () => {
  for (const op of ctx.spec.operations) {
    const name = `${op.key} › invalid input is rejected`;
    test(name, async ({ task }) => verdict(task, await checkInvalidInputs(ctx, op, name)));
  }
});
