import { checkMalformed } from '../../src/run/scenarios/malformed.ts';
import { contract, perOperation } from './harness.ts';

const ctx = await contract();

perOperation(
  'malformed requests: refused with a 4xx, never a 5xx',
  ctx.spec.operations,
  (op) => `${op.key} › malformed requests are refused`,
  (op, name) => checkMalformed(ctx, op, name),
  'the spec has no operation',
);
