import { checkTenant } from '../../src/run/scenarios/tenant.ts';
import { contract, perOperation } from './harness.ts';

const ctx = await contract();

perOperation(
  'tenant binding: the token decides the tenant, never an id in the request',
  ctx.spec.operations,
  (op) => `${op.key} › bound to the token's tenant`,
  (op, name) => checkTenant(ctx, op, name),
  'the spec has no operation',
);
