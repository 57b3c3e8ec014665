import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { SpecModel } from '../../src/checks/types.ts';
import { flowsOf, unknownId } from '../../src/run/flows/declaration.ts';
import { buildSpecModel } from '../../src/run/spec-model.ts';

const read = (path: string, operationId: string, schema: unknown) => ({
  [path]: {
    get: {
      operationId,
      parameters: [{ name: 'id', in: 'path', required: true, schema }],
      responses: { '200': { description: 'it', content: { 'application/json': { schema: { type: 'object' } } } }, '404': { description: 'none' } },
    },
  },
});
const create = (path: string, operationId: string) => ({
  [path]: { post: { operationId, responses: { '201': { description: 'made', content: { 'application/json': { schema: { type: 'object' } } } } } } },
});
const flow = (id: string, createId: string, readId: string) => ({
  id,
  statePointer: '/status',
  idPointer: '/id',
  states: ['open'],
  create: { operationId: createId },
  read: { operationId: readId, idParam: 'id' },
});

/**
 * The unknown-id walk asks for a record that surely does not exist. An id of a form the parameter's schema refuses
 * would rightly be answered 400 as malformed — judged as "an unknown id did not answer 404", that is a red on a
 * correct server — and a small integer may name a real record.
 */
describe('an unknown id fits the id parameter and surely names no record', () => {
  let spec: SpecModel;
  beforeAll(async () => {
    const doc = {
      openapi: '3.1.0',
      info: { title: 'ids', version: '1' },
      paths: {
        ...read('/uuid/{id}', 'uuid', { type: 'string', format: 'uuid' }),
        ...read('/text/{id}', 'text', { type: 'string' }),
        ...read('/prefixed/{id}', 'prefixed', { type: 'string', pattern: '^kyc_[a-z0-9]{8}$' }),
        ...read('/int/{id}', 'int', { type: 'integer', minimum: 1 }),
        ...read('/short/{id}', 'short', { type: 'string', maxLength: 20 }),
        ...read('/small/{id}', 'small', { type: 'integer', minimum: 1, maximum: 100 }),
        ...create('/uuid', 'makeUuid'),
        ...create('/prefixed', 'makePrefixed'),
      },
      'x-flows': [flow('by-uuid', 'makeUuid', 'uuid'), flow('by-prefix', 'makePrefixed', 'prefixed')],
    };
    const file = join(mkdtempSync(join(tmpdir(), 'unknown-id-')), 'ids.json');
    writeFileSync(file, JSON.stringify(doc));
    spec = await buildSpecModel(file);
  });
  const of = (id: string) =>
    unknownId(
      spec,
      spec.operations.find((o) => o.id === id)!,
      'id',
    );

  test.each([
    ['uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-/],
    ['text', /^[0-9a-f]{8}-[0-9a-f]{4}-/],
    ['int', /^\d{10}$/],
    ['short', /^[0-9a-f]{16}$/],
  ])('%s: an id of its form', (id, form) => {
    const got = of(id);
    expect('id' in got && form.test(String(got.id))).toBe(true);
  });

  test.each(['prefixed', 'small'])('%s: none fits, and the reason says why', (id) => {
    expect(of(id)).toEqual({ why: expect.stringMatching(/no id that surely names no record fits GET \/\w+\/\{id\}'s id/) });
  });

  test("a flow whose read's id no made-up id fits reports its unknown-id rule not applicable, with that reason", () => {
    const flows = flowsOf(spec);
    expect(flows.find((f) => f.decl.id === 'by-uuid')!.rules.get('notFound')).toBe(true);
    expect(flows.find((f) => f.decl.id === 'by-prefix')!.rules.get('notFound')).toMatch(/refused as malformed, not as unknown/);
  });
});
