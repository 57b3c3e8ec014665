import fc from 'fast-check';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, test } from 'vitest';
import { arbitraryFor, Unsatisfiable } from '../../src/arbitraries/from-schema.ts';
import { badValues } from '../../src/arbitraries/requests.ts';
import { Provenance } from '../../src/spec/provenance.ts';
import type { OpenApiDocument } from '../../src/spec/types.ts';
import { Validators } from '../../src/spec/validators.ts';

const doc = { openapi: '3.1.0', info: { title: 't', version: '1' } } as OpenApiDocument;
const ajv = new Ajv2020({ strict: false, unicodeRegExp: false });
addFormats.default(ajv);

describe('generated values validate against their schema — real specs\' corner cases', () => {
  test.each([
    ['int64 bounds written as doubles', { type: 'integer', minimum: 10, maximum: 9223372036854776000 }],
    ['int64 lower bound', { type: 'integer', minimum: -9223372036854776000, maximum: 0 }],
    ['uri', { type: 'string', format: 'uri' }],
    ['pattern with a length cap', { type: 'string', pattern: '^[A-Z_]*(,[A-Z_]+)*$', maxLength: 12 }],
    ['nullable enum', { type: ['string', 'null'], enum: ['a', 'b', null] }],
    ['object with required and optional', { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[0-9a-f]{24}$' }, at: { type: ['string', 'null'], format: 'date-time' } } }],
  ])('%s', (_name, schema) => {
    const validate = ajv.compile(schema);
    fc.assert(fc.property(arbitraryFor(doc, schema), (v) => validate(v) === true), { numRuns: 200, seed: 9 });
  });
});

describe('generation never hangs', () => {
  test('a pattern fast-check cannot generate from, with no example, says so instead of yielding invalid values', () => {
    const values = fc.sample(arbitraryFor(doc, { type: 'string', pattern: '^(?=.*[0-9])(?=.*[a-z]).{40}\\b$' }), 5);
    expect(values).toHaveLength(5);
    for (const v of values) expect(v).toBeInstanceOf(Unsatisfiable);
    expect((values[0] as Unsatisfiable).reason).toMatch(/cannot produce strings matching/);
  });
  test('invalid-value families respect huge and very negative bounds', () => {
    const low = badValues(withSchema({ type: 'integer', minimum: -5000 }), '/components/schemas/S').find((b) => b.rule === 'minimum')!;
    expect(fc.sample(low.value, 20).every((v) => (v as number) < -5000)).toBe(true);
    expect(badValues(withSchema({ type: 'integer', maximum: 9223372036854776000 }), '/components/schemas/S').some((b) => b.rule === 'maximum')).toBe(false);
  });
});

/** A one-schema document and what generators need of it. */
function withSchema(schema: object) {
  const d = { ...doc, components: { schemas: { S: schema } } } as OpenApiDocument;
  return { doc: d, validators: new Validators(d), provenance: new Provenance(d) };
}
