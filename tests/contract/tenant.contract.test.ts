import { describe, test } from 'vitest';
import { checkTenant } from '../../src/run/scenarios/tenant.ts';
import { contract, verdict } from './harness.ts';

const ctx = await contract();

describe('tenant binding: the token decides the store, never a shop id in the request', () => {
  for (const op of ctx.spec.operations) {
    const name = `${op.key} › bound to the token's store`;
    test(name, async ({ task }) => verdict(task, await checkTenant(ctx, op, name)));
  }
});
