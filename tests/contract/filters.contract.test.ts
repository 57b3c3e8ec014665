import { checkFilters, filtersOf } from '../../src/run/scenarios/filters.ts';
import { contract, perOperation } from './harness.ts';

const ctx = await contract();

perOperation(
  'filters: a declared query filter narrows the list as it says (warnings)',
  ctx.spec.operations.filter((op) => filtersOf(op).length),
  (op) => `${op.key} › filters do what they say`,
  (op, name) => checkFilters(ctx, op, name),
  'no query parameter declares x-filter',
);
