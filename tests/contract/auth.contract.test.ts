import { checkAuthentication } from '../../src/run/scenarios/auth.ts';
import { contract, perOperation } from './harness.ts';

const ctx = await contract();

perOperation(
  'authentication: every bad credential gets 401',
  ctx.spec.operations,
  (op) => `${op.key} › bad credentials get 401`,
  (op, name) => checkAuthentication(ctx, op, name),
  'the spec has no operation',
);
