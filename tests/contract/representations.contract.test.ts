import { checkRepresentations, negotiatedFor } from '../../src/run/scenarios/representations.ts';
import { contract, perOperation } from './harness.ts';

const ctx = await contract();

perOperation(
  'negotiated representations: each form honoured, the same instants, unknown values fall back',
  ctx.spec.operations.filter((op) => negotiatedFor(ctx, op).length),
  (op) => `${op.key} › representations agree`,
  (op, name) => checkRepresentations(ctx, op, name),
  'the spec declares no x-negotiated-representations',
);
