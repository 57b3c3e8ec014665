import { describe, test } from 'vitest';
import { checkScopes } from '../../src/run/scenarios/scopes.ts';
import { contract, verdict } from './harness.ts';

const ctx = await contract();

describe('scope matrix: granted → admitted, otherwise 403 in envelope shape', () => {
  for (const op of ctx.spec.operations) {
    const name = `${op.key} › scopes are enforced`;
    test(name, async ({ task }) => verdict(task, await checkScopes(ctx, op, name)));
  }
});
