import { describe, test } from 'vitest';
import { checkResponses } from '../../src/run/scenarios/responses.ts';
import { contract, verdict } from './harness.ts';

const ctx = await contract();

describe('documented responses: schema, enums, timestamps, invariants, envelope, status codes', () => {
  for (const op of ctx.spec.operations) {
    const name = `${op.key} › valid requests get documented responses`;
    test(name, async ({ task }) => verdict(task, await checkResponses(ctx, op, name)));
  }
});
