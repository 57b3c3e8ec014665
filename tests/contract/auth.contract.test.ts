import { describe, test } from 'vitest';
import { checkAuthentication } from '../../src/run/scenarios/auth.ts';
import { contract, verdict } from './harness.ts';

const ctx = await contract();

describe('authentication: every bad credential gets 401 in envelope shape', () => {
  for (const op of ctx.spec.operations) {
    const name = `${op.key} › bad credentials get 401`;
    test(name, async ({ task }) => verdict(task, await checkAuthentication(ctx, op, name)));
  }
});
