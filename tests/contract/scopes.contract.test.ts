import { checkScopes } from '../../src/run/scenarios/scopes.ts';
import { contract, perOperation } from './harness.ts';

const ctx = await contract();

perOperation(
  'scope matrix: granted → admitted, otherwise 403',
  ctx.spec.operations,
  (op) => `${op.key} › scopes are enforced`,
  (op, name) => checkScopes(ctx, op, name),
  'the spec has no operation',
);
