import fc from 'fast-check';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, test } from 'vitest';
import { arbitraryFor, Unsatisfiable } from '../../src/arbitraries/from-schema.ts';
import { badValues, invalidRequests, validRequests } from '../../src/arbitraries/requests.ts';
import { indexOperations } from '../../src/spec/operations.ts';
import { routedElsewhere } from '../../src/spec/routes.ts';
import { Provenance } from '../../src/spec/provenance.ts';
import type { OpenApiDocument } from '../../src/spec/types.ts';
import { Validators } from '../../src/spec/validators.ts';

const doc = { openapi: '3.1.0', info: { title: 't', version: '1' } } as OpenApiDocument;
const ajv = new Ajv2020({ strict: false, unicodeRegExp: false });
addFormats.default(ajv);

describe("generated values validate against their schema — real specs' corner cases", () => {
  test.each([
    ['int64 bounds written as doubles', { type: 'integer', minimum: 10, maximum: 9223372036854776000 }],
    ['int64 lower bound', { type: 'integer', minimum: -9223372036854776000, maximum: 0 }],
    ['uri', { type: 'string', format: 'uri' }],
    ['pattern with a length cap', { type: 'string', pattern: '^[A-Z_]*(,[A-Z_]+)*$', maxLength: 12 }],
    ['nullable enum', { type: ['string', 'null'], enum: ['a', 'b', null] }],
    [
      'object with required and optional',
      {
        type: 'object',
        required: ['id'],
        properties: { id: { type: 'string', pattern: '^[0-9a-f]{24}$' }, at: { type: ['string', 'null'], format: 'date-time' } },
      },
    ],
  ])('%s', (_name, schema) => {
    const validate = ajv.compile(schema);
    fc.assert(
      fc.property(arbitraryFor(doc, schema), (v) => validate(v) === true),
      { numRuns: 200, seed: 9 },
    );
  });
});

describe("numeric formats hold their range (validators that enforce formats — Prism's — refuse values past it)", () => {
  test.each([
    ['float', { type: 'number', format: 'float' }, -3.4028234663852886e38, 3.4028234663852886e38],
    ['int32', { type: 'integer', format: 'int32' }, -(2 ** 31), 2 ** 31 - 1],
    ['float with its own tighter bound', { type: 'number', format: 'float', maximum: 1 }, -3.4028234663852886e38, 1],
  ])('%s', (_name, schema, min, max) => {
    fc.assert(
      fc.property(arbitraryFor(doc, schema), (v) => (v as number) >= min && (v as number) <= max),
      { numRuns: 500, seed: 3 },
    );
  });
});

describe('requests as the client sends them', () => {
  const spec = (schema: object) => {
    const d = {
      ...doc,
      paths: {
        '/things': {
          post: {
            requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } },
            responses: { '201': { description: 'created' } },
          },
        },
      },
      components: { schemas: { Thing: schema, Id: { type: 'integer', readOnly: true } } },
    } as unknown as OpenApiDocument;
    const ctx = { doc: d, validators: new Validators(d), provenance: new Provenance(d) };
    return { ctx, op: indexOperations(d)[0]! };
  };
  const thing = {
    type: 'object',
    required: ['id', 'name', 'createdAt'],
    properties: { id: { $ref: '#/components/schemas/Id' }, name: { type: 'string' }, createdAt: { type: 'string', format: 'date-time', readOnly: true } },
  };

  test('readOnly properties are never sent, and required only in responses', () => {
    const { ctx, op } = spec(thing);
    const bodies = fc.sample(validRequests(ctx, op), { numRuns: 50, seed: 1 }).map((c) => c.body as Record<string, unknown>);
    expect(bodies.every((b) => b && typeof b.name === 'string' && !('id' in b) && !('createdAt' in b))).toBe(true);
    // The response side still reads the schema as written.
    expect(ctx.validators.validate('/components/schemas/Thing', { name: 'a' }).map((e) => e.keyword)).toContain('required');
  });

  test('invalid requests never break a readOnly property (a server may ignore it)', () => {
    const { ctx, op } = spec(thing);
    const targets = new Set(fc.sample(invalidRequests(ctx, op)!, { numRuns: 200, seed: 1 }).map((c) => c.invalid!.target));
    expect([...targets].sort()).toEqual(['body field name', 'request body']);
  });

  test('a minimal request holds the required inputs only, at every depth', () => {
    const { ctx, op } = spec({
      type: 'object',
      required: ['name', 'owner'],
      properties: {
        name: { type: 'string' },
        note: { type: 'string' },
        owner: { type: 'object', required: ['id'], properties: { id: { type: 'integer' }, nick: { type: 'string' } } },
      },
    });
    const bodies = fc.sample(validRequests(ctx, op, { minimal: true }), { numRuns: 30, seed: 1 }).map((c) => c.body as Record<string, Record<string, unknown>>);
    expect(bodies.every((b) => Object.keys(b).sort().join() === 'name,owner' && Object.keys(b['owner']!).join() === 'id')).toBe(true);
    expect(fc.sample(validRequests(ctx, op), { numRuns: 30, seed: 1 }).some((c) => 'note' in (c.body as object))).toBe(true);
  });

  test('a nullable body is sent as an object: a whole body of null reads as no body', () => {
    const { ctx, op } = spec({ type: ['object', 'null'], properties: { name: { type: 'string' } } });
    expect(fc.sample(validRequests(ctx, op), { numRuns: 50, seed: 1 }).every((c) => c.body !== null)).toBe(true);
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

/**
 * OpenAPI (and Prism, and most routers) match a concrete path before a templated one: with `/apps/propose` in the
 * spec, `GET /apps/propose` is not a request to `/apps/{id}`, and judging its answer as one would blame the server
 * for our request. DigitalOcean's spec has 24 such parameters.
 */
describe('a path value never routes the request to a sibling path', () => {
  const get = { responses: { '200': { description: 'ok' } } };
  const routes = (idSchema: Record<string, unknown>) => {
    const d = {
      ...doc,
      paths: {
        '/apps/{id}': { get: { ...get, parameters: [{ name: 'id', in: 'path', required: true, schema: idSchema }] } },
        '/apps/propose': { post: get },
        '/apps/{id}/logs': { get: { ...get, parameters: [{ name: 'id', in: 'path', required: true, schema: idSchema }] } },
        '/apps/regions/logs': { get },
        '/apps/{id}/{part}': { get },
        '/other/propose': { get },
      },
    } as unknown as OpenApiDocument;
    return { ctx: { doc: d, validators: new Validators(d), provenance: new Provenance(d) }, ops: indexOperations(d) };
  };

  test.each([
    ['/apps/{id}', 'id', ['propose']],
    ['/apps/{id}/logs', 'id', ['regions']],
    // /apps/regions/logs takes only the requests whose part is logs: id=regions is fine for any other part.
    ['/apps/{id}/{part}', 'id', []],
    ['/apps/{id}/{part}', 'part', ['logs']],
    // Two templated paths are not ordered by OpenAPI: neither excludes a value of the other.
    ['/{org}/propose/{x}', 'org', []],
    ['/apps/propose', 'id', []],
    ['/other/{id}', 'id', ['propose']],
    ['/v{n}/apps', 'n', []],
  ])('%s: %s never takes %j', (path, name, literals) => {
    expect([...routedElsewhere(routes({ type: 'string' }).ctx.doc, path, name)].sort()).toEqual(literals);
  });

  test('the generator leaves those values out, and says so when nothing else is left', () => {
    const { ctx, ops } = routes({ type: 'string', enum: ['propose', 'app-1'] });
    const byId = ops.find((o) => o.path === '/apps/{id}')!;
    const ids = new Set(fc.sample(validRequests(ctx, byId), { numRuns: 100, seed: 1 }).map((c) => c.path['id']));
    expect([...ids]).toEqual(['app-1']);
    const only = routes({ type: 'string', enum: ['propose'] });
    const stuck = fc.sample(
      validRequests(
        only.ctx,
        only.ops.find((o) => o.path === '/apps/{id}')!,
      ),
      { numRuns: 1, seed: 1 },
    )[0]!;
    expect(stuck.unsatisfiable?.join()).toMatch(/keeps the request on \/apps\/\{id\} \(propose route to sibling paths\)/);
  });
});

describe('a header value is one a header can carry', () => {
  const withHeader = (schema: Record<string, unknown>, required = true) => {
    const d = {
      ...doc,
      paths: { '/a': { get: { parameters: [{ name: 'X-Tag', in: 'header', required, schema }], responses: { '200': { description: 'ok' } } } } },
    } as unknown as OpenApiDocument;
    return { ctx: { doc: d, validators: new Validators(d), provenance: new Provenance(d) }, op: indexOperations(d)[0]! };
  };

  test('values past Latin-1, control characters and edge spaces are left out', () => {
    const { ctx, op } = withHeader({ type: 'string', enum: ['ok-1', ' padded', 'line\nbreak', 'caf€', 'tab\tinside', 'é-latin1'] });
    const sent = new Set(fc.sample(validRequests(ctx, op), { numRuns: 200, seed: 3 }).map((c) => c.headers['X-Tag']));
    expect([...sent].sort()).toEqual(['ok-1', 'tab\tinside', 'é-latin1']);
  });

  test('when no value fits, the request is a named gap, never sent as valid', () => {
    const { ctx, op } = withHeader({ type: 'string', enum: ['€uro', ' '] });
    const stuck = fc.sample(validRequests(ctx, op), { numRuns: 1, seed: 1 })[0]!;
    expect(stuck.unsatisfiable?.join()).toMatch(/header parameter X-Tag: .*can travel in a header \(Latin-1, no control character, no space at either end\)/);
  });
});
