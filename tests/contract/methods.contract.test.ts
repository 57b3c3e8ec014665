import { checkMethods, pathRepresentatives } from '../../src/run/scenarios/methods.ts';
import { contract, perOperation } from './harness.ts';

const ctx = await contract();

perOperation(
  'methods: a method a path does not document is refused',
  pathRepresentatives(ctx.spec.operations),
  (op) => `${op.path} › undocumented methods are refused`,
  (op, name) => checkMethods(ctx, op, name),
  'the spec has no path',
);
