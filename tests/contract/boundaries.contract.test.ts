import { checkBoundaries } from '../../src/run/scenarios/boundaries.ts';
import { contract, perOperation } from './harness.ts';

const ctx = await contract();

perOperation(
  'boundaries: a value at a documented bound is accepted, one step past it is refused',
  ctx.spec.operations,
  (op) => `${op.key} › boundaries hold`,
  (op, name) => checkBoundaries(ctx, op, name),
  'the spec has no operation',
);
