import { checkLinks } from '../../src/run/scenarios/links.ts';
import { contract, perOperation } from './harness.ts';

const ctx = await contract();

perOperation(
  'hypermedia: every declared link leads to the resource',
  ctx.spec.operations.filter((op) => [...op.responses.values()].some((r) => r.extensions['x-links']) || ctx.spec.doc['x-links']),
  (op) => `${op.key} › links lead somewhere`,
  (op, name) => checkLinks(ctx, op, name),
  'the spec declares no x-links',
);
