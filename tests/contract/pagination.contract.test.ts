import { checkPagination } from '../../src/run/scenarios/pagination.ts';
import { contract, perOperation } from './harness.ts';

const ctx = await contract();

perOperation(
  'pagination: pages are bounded, disjoint and add up to total',
  ctx.spec.operations.filter((op) => op.extensions['x-pagination']),
  (op) => `${op.key} › pages add up`,
  (op, name) => checkPagination(ctx, op, name),
  'no operation declares x-pagination',
);
