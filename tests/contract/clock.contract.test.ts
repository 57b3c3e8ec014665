import { clockFields } from '../../src/arbitraries/clock.ts';
import { checkClock } from '../../src/run/scenarios/clock.ts';
import { contract, perOperation } from './harness.ts';

const ctx = await contract();

perOperation(
  'clock-bound fields: stale and future-dated values are refused',
  ctx.spec.operations.filter((op) => clockFields(ctx.spec, op).length),
  (op) => `${op.key} › clock-bound fields are enforced`,
  (op, name) => checkClock(ctx, op, name),
  'no request field declares x-clock',
);
