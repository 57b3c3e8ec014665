import { checkNegativeCases, negativeCasesOf } from '../../src/run/scenarios/negatives.ts';
import { contract, perOperation } from './harness.ts';

const ctx = await contract();

perOperation(
  'documented errors: each case of the error matrix gets its documented status',
  ctx.spec.operations.filter((op) => negativeCasesOf(op).length),
  (op) => `${op.key} › documented error cases are refused`,
  (op, name) => checkNegativeCases(ctx, op, name),
  'no operation declares x-negative-cases',
);
