import { checkInvalidInputs } from '../../src/run/scenarios/inputs.ts';
import { contract, perOperation } from './harness.ts';

const ctx = await contract();

perOperation(
  'inputs: a request that breaks the spec is refused with a 4xx',
  ctx.spec.operations,
  (op) => `${op.key} › invalid input is rejected`,
  (op, name) => checkInvalidInputs(ctx, op, name),
  'the spec has no operation',
);
