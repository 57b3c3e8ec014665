import { checkSafeReads } from '../../src/run/scenarios/safety.ts';
import { contract, perOperation } from './harness.ts';

const ctx = await contract();

perOperation(
  'safe reads: the same read again gets the same answer',
  ctx.spec.operations.filter((op) => !op.writes),
  (op) => `${op.key} › reading changes nothing`,
  (op, name) => checkSafeReads(ctx, op, name),
  'the spec has no read operation',
);
