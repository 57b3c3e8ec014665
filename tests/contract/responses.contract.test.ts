import { checkResponses } from '../../src/run/scenarios/responses.ts';
import { contract, perOperation } from './harness.ts';

const ctx = await contract();

perOperation(
  'documented responses: schema, enums, timestamps, invariants, conventions, status codes',
  ctx.spec.operations,
  (op) => `${op.key} › valid requests get documented responses`,
  (op, name) => checkResponses(ctx, op, name),
  'the spec has no operation',
);
