import { describe, expect, test } from 'vitest';
import { normalizeOpenApi30 } from '../../src/spec/openapi30.ts';
import type { OpenApiDocument } from '../../src/spec/types.ts';

describe('OpenAPI 3.0 schemas become 2020-12', () => {
  const doc = (): OpenApiDocument => ({
    openapi: '3.0.3',
    info: { title: 't', version: '1' },
    paths: {
      '/a': {
        get: {
          parameters: [{ name: 'n', in: 'query', schema: { type: 'integer', minimum: 0, exclusiveMinimum: true } }],
          responses: {
            '200': {
              description: '',
              content: {
                'application/json': {
                  schema: { type: 'object', properties: { at: { type: 'string', nullable: true }, kind: { type: 'string', enum: ['a'], nullable: true } } },
                },
              },
            },
          },
        },
      },
    },
    components: { schemas: { Deep: { type: 'object', properties: { items: { type: 'array', items: { type: 'number', nullable: true } } } } } },
  });
  test.each([
    ['nullable property', '/paths/~1a/get/responses/200/content/application~1json/schema/properties/at', { type: ['string', 'null'] }],
    [
      'nullable enum gains null',
      '/paths/~1a/get/responses/200/content/application~1json/schema/properties/kind',
      { type: ['string', 'null'], enum: ['a', null] },
    ],
    ['boolean exclusiveMinimum', '/paths/~1a/get/parameters/0/schema', { type: 'integer', exclusiveMinimum: 0 }],
    ['nested in components', '/components/schemas/Deep/properties/items/items', { type: ['number', 'null'] }],
  ])('%s', async (_name, ptr, want) => {
    const d = doc();
    normalizeOpenApi30(d);
    const { getAt } = await import('../../src/spec/pointer.ts');
    expect(getAt(d, ptr)).toEqual(want);
  });

  test('a 3.1 document is left alone', () => {
    const d = { ...doc(), openapi: '3.1.0' };
    const before = JSON.stringify(d);
    normalizeOpenApi30(d);
    expect(JSON.stringify(d)).toBe(before);
  });
});
