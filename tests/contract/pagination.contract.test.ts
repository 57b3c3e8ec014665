import { describe, test } from 'vitest';
import { checkPagination } from '../../src/run/scenarios/pagination.ts';
import { contract, verdict } from './harness.ts';

const ctx = await contract();
const paginated = ctx.spec.operations.filter((op) => op.extensions['x-pagination']);

describe('pagination: pages are bounded, disjoint and add up to total', () => {
  for (const op of paginated) {
    const name = `${op.key} › pages add up`;
    test(name, async ({ task }) => verdict(task, await checkPagination(ctx, op, name)));
  }
});
