import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { boundaryProbes, boundaryValues, MAX_BOUNDARY_PROBES, type Place } from '../../src/arbitraries/boundaries.ts';
import { readSettings } from '../../src/config/env.ts';
import { validateTokens } from '../../src/config/tokens.ts';
import { createContext } from '../../src/run/context.ts';
import { buildSpecModel, mockTokens } from '../../src/run/spec-model.ts';
import { BOUNDARY_SEED, checkBoundaries } from '../../src/run/scenarios/boundaries.ts';
import { firstRequest } from '../../src/run/scenarios/discover.ts';
import { checkMalformed, malformedProbes } from '../../src/run/scenarios/malformed.ts';
import { checkMethods } from '../../src/run/scenarios/methods.ts';
import { checkTenant } from '../../src/run/scenarios/tenant.ts';
import { Provenance } from '../../src/spec/provenance.ts';
import { schemesOf } from '../../src/spec/rules.ts';
import type { OpenApiDocument } from '../../src/spec/types.ts';
import { Validators } from '../../src/spec/validators.ts';
import { knownApis } from '../../src/config/apis.ts';
import { FIXTURE_TOKENS, startAccountServer } from '../fixtures/account-server.ts';

/** A one-schema document and what the boundary generator needs of it. */
function withSchema(schema: object) {
  const doc = { openapi: '3.1.0', info: { title: 't', version: '1' }, components: { schemas: { S: schema } } } as OpenApiDocument;
  return { doc, validators: new Validators(doc), provenance: new Provenance(doc) };
}

const values = (schema: object, place: Place = 'body', sample?: unknown) =>
  boundaryValues(withSchema(schema), '/components/schemas/S', place, { sample }).map((b) => [b.value, b.valid, b.bound]);

describe('boundary values: at each documented bound (valid) and one step past it (invalid)', () => {
  test.each<[string, { schema: object; place?: Place; sample?: unknown; want: unknown[] }]>([
    [
      'integer minimum and maximum',
      {
        schema: { type: 'integer', minimum: 1, maximum: 100 },
        want: [
          [1, true, 'minimum 1'],
          [0, false, 'minimum 1'],
          [100, true, 'maximum 100'],
          [101, false, 'maximum 100'],
        ],
      },
    ],
    [
      'exclusive bounds',
      {
        schema: { type: 'integer', exclusiveMinimum: 0, exclusiveMaximum: 10 },
        want: [
          [1, true, 'exclusiveMinimum 0'],
          [0, false, 'exclusiveMinimum 0'],
          [9, true, 'exclusiveMaximum 10'],
          [10, false, 'exclusiveMaximum 10'],
        ],
      },
    ],
    ['zero where nothing bounds it', { schema: { type: 'number' }, want: [[0, true, 'zero']] }],
    [
      'string lengths, the sample lengthened and cut',
      {
        schema: { type: 'string', minLength: 2, maxLength: 4 },
        sample: 'abc',
        want: [
          ['ab', true, 'minLength 2'],
          ['a', false, 'minLength 2'],
          ['abcc', true, 'maxLength 4'],
          ['abccc', false, 'maxLength 4'],
        ],
      },
    ],
    ['a length that cannot hold the pattern is not sent as the bound', { schema: { type: 'string', pattern: '^[A-Z]{3}$', maxLength: 5 }, want: [] }],
    ['the empty string, in a body', { schema: { type: 'string' }, want: [['', true, 'the empty string']] }],
    ['no empty string in a query (allowEmptyValue is false by default)', { schema: { type: 'string' }, place: 'query', want: [] }],
    [
      'no blank path segment, even past a bound',
      {
        schema: { type: 'string', minLength: 1, maxLength: 2 },
        place: 'path',
        want: [
          ['a', true, 'minLength 1'],
          ['aa', true, 'maxLength 2'],
          ['aaa', false, 'maxLength 2'],
        ],
      },
    ],
    [
      "item counts, from the sample's own items",
      {
        schema: { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 3 },
        sample: ['x', 'y'],
        want: [
          [['x', 'y'], true, 'minItems 2'],
          [['x'], false, 'minItems 2'],
          [['x', 'y', 'x'], true, 'maxItems 3'],
          [['x', 'y', 'x', 'y'], false, 'maxItems 3'],
        ],
      },
    ],
    [
      'unique items: a repeated item would break uniqueItems too, so no count is probed that it cannot reach alone',
      { schema: { type: 'array', items: { type: 'string' }, maxItems: 2, uniqueItems: true }, sample: ['x'], want: [[[], true, 'the empty array']] },
    ],
    ['the empty array, in a body', { schema: { type: 'array', items: { type: 'integer' } }, sample: [1], want: [[[], true, 'the empty array']] }],
    [
      'no empty array in a query (the parameter would be missing), past minItems or at none',
      { schema: { type: 'array', items: { type: 'integer' }, minItems: 1 }, place: 'query', sample: [7], want: [[[7], true, 'minItems 1']] },
    ],
    [
      'no item to repeat, no count probed: an item made up here could break a rule of its own',
      { schema: { type: 'array', items: { type: 'integer' }, minItems: 2 }, want: [] },
    ],
    [
      'items without a prototype (as fast-check makes objects): counted like any other',
      {
        schema: { type: 'array', items: { type: 'object' }, maxItems: 1 },
        sample: [Object.assign(Object.create(null) as object, { a: 1 })],
        want: [
          [[{ a: 1 }], true, 'maxItems 1'],
          [[{ a: 1 }, { a: 1 }], false, 'maxItems 1'],
          [[], true, 'the empty array'],
        ],
      },
    ],
    [
      'an array in a path is one serialized string: no count',
      { schema: { type: 'array', items: { type: 'integer' }, maxItems: 2 }, place: 'path', sample: [1], want: [] },
    ],
    ['an enum has no bound', { schema: { type: 'integer', enum: [1, 2] }, want: [] }],
    ["an identity value is the identity's, never probed", { schema: { type: 'string', maxLength: 3, 'x-identity-value': 'entityId' }, want: [] }],
  ])('%s', (_name, { schema, place, sample, want }) => {
    expect(values(schema, place, sample)).toEqual(want);
  });

  test('a guessed bound only probes: its past-bound value carries the inference, its at-bound value too', () => {
    const [at, past] = boundaryValues(withSchema({ type: 'integer', maximum: 100, 'x-inferred': { maximum: 'a guess' } }), '/components/schemas/S', 'query');
    expect([at!.basis.basis, past!.basis.basis]).toEqual(['inferred', 'inferred']);
    expect(boundaryValues(withSchema({ type: 'integer', minimum: 1 }), '/components/schemas/S', 'query')[1]!.basis.basis).toBe('documented');
    // An item count too (Sila's guessed `minItems: 1` on doc_ids): an empty list past it is an inference, never a failure.
    const guessed = { type: 'array', items: { type: 'string' }, minItems: 1, 'x-inferred': { minItems: 'a guess' } };
    const items = boundaryValues(withSchema(guessed), '/components/schemas/S', 'body', { sample: ['d1'] });
    expect(items.map((b) => [b.value, b.valid, b.basis.basis])).toEqual([
      [['d1'], true, 'inferred'],
      [[], false, 'inferred'],
    ]);
  });
});

describe('the probes are deterministic and cheap, for every API', () => {
  test.each(knownApis().map((a) => [a.name, a.spec] as const))(
    '%s: the same requests whatever the run seed, a few dozen per operation at most',
    async (_api, file) => {
      const spec = await buildSpecModel(file);
      const context = (runSeed: number) =>
        createContext({ spec, target: { kind: 'live', baseUrl: 'http://127.0.0.1:9' }, settings: readSettings({}), runSeed, tokens: mockTokens(spec) });
      const [one, other] = [context(1), context(987654)];
      for (const op of spec.operations) {
        const probes = (ctx: typeof one) => {
          const base = firstRequest(ctx, op, undefined, ctx.tokens[0], BOUNDARY_SEED);
          return JSON.stringify([boundaryProbes(spec, op, base), malformedProbes(ctx, op, base)]);
        };
        expect(probes(one), op.key).toBe(probes(other));
        const base = firstRequest(one, op, undefined, one.tokens[0], BOUNDARY_SEED);
        expect(boundaryProbes(spec, op, base).length).toBeLessThanOrEqual(MAX_BOUNDARY_PROBES);
        expect(malformedProbes(one, op, base).length).toBeLessThanOrEqual(5);
      }
    },
  );
});

describe('--no-write-probes', () => {
  test('sends no probe that writes: no boundary or malformed body to a write, no write method, no tenant write', async () => {
    const server = await startAccountServer();
    try {
      const spec = await buildSpecModel('spec/salesive-account.yaml');
      const tokens = validateTokens({ tokens: FIXTURE_TOKENS }, 'fixture tokens', spec.rules, [...new Set(spec.operations.flatMap(schemesOf))]);
      const ctx = createContext({
        spec,
        target: { kind: 'live', baseUrl: server.url },
        settings: readSettings({ CONTRACT_WRITE_PROBES: '0' }),
        runSeed: 3,
        tokens,
      });
      const op = (id: string) => spec.operations.find((o) => o.id === id)!;
      const reasons = async (run: Promise<{ outcomes: Array<{ reason?: string }> }>) => (await run).outcomes.map((o) => o.reason);
      expect(await reasons(checkBoundaries(ctx, op('refreshKycStatus'), 'b'))).toContain('write probes are off (--no-write-probes)');
      expect(await reasons(checkMalformed(ctx, op('createKycSession'), 'm'))).toContain('write probes are off (--no-write-probes)');
      expect(await reasons(checkTenant(ctx, op('refreshKycStatus'), 't'))).toContain('write probes are off (--no-write-probes)');
      const methods = await checkMethods(ctx, op('listDomains'), 'methods');
      expect(methods.outcomes.find((o) => o.check === 'undocumented-method-accepted')?.status).toBe('not-applicable');
      const kycSession = await checkMethods(ctx, op('createKycSession'), 'methods');
      expect(kycSession.outcomes.find((o) => o.check === 'undocumented-method-accepted')?.status).toBe('passed');
      // Only GET went out as a method probe (to the POST-only path); not one POST, PUT, PATCH or DELETE.
      expect([server.received['PUT'], server.received['PATCH'], server.received['DELETE'], server.received['POST']]).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
      ]);
    } finally {
      await server.close();
    }
  });
});

describe('item counts against servers that make different choices', () => {
  // One body field with a documented count: between 1 and 3 tags.
  const doc = {
    openapi: '3.1.0',
    info: { title: 'Tags', version: '1' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths: {
      '/tags': {
        post: {
          operationId: 'setTags',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['tags'],
                  additionalProperties: false,
                  properties: { tags: { type: 'array', items: { type: 'string', enum: ['a', 'b', 'c'] }, minItems: 1, maxItems: 3 } },
                },
              },
            },
          },
          responses: {
            '200': { description: 'saved', content: { 'application/json': { schema: { type: 'object', properties: { ok: { type: 'boolean' } } } } } },
            '422': { description: 'invalid', content: { 'application/json': { schema: { type: 'object', properties: { error: { type: 'string' } } } } } },
            '401': { description: 'no credential' },
          },
        },
      },
    },
  };
  /** How many tags the server takes: `accepts(n)`; anything else is answered 422. */
  async function tagServer(accepts: (n: number) => boolean) {
    const server = createHttpServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const tags = (JSON.parse(body || '{}') as { tags?: unknown[] }).tags;
        const ok = Array.isArray(tags) && accepts(tags.length);
        res.writeHead(ok ? 200 : 422, { 'content-type': 'application/json' });
        res.end(JSON.stringify(ok ? { ok: true } : { error: 'tags' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
  }

  test.each<[string, (n: number) => boolean, Record<string, string>]>([
    ['keeps the count: silent', (n) => n >= 1 && n <= 3, { 'valid-input-rejected': 'passed', 'invalid-input-accepted': 'passed' }],
    ['takes 4 tags: invalid-input-accepted fires', (n) => n >= 1, { 'valid-input-rejected': 'passed', 'invalid-input-accepted': 'violated' }],
    [
      'refuses 3 tags, the documented maximum: valid-input-rejected fires',
      (n) => n >= 1 && n < 3,
      { 'valid-input-rejected': 'violated', 'invalid-input-accepted': 'passed' },
    ],
  ])('a server that %s', async (_name, accepts, want) => {
    const file = join(mkdtempSync(join(tmpdir(), 'tags-')), 'tags.json');
    writeFileSync(file, JSON.stringify(doc));
    const spec = await buildSpecModel(file);
    const server = await tagServer(accepts);
    try {
      const ctx = createContext({ spec, target: { kind: 'live', baseUrl: server.url }, settings: readSettings({}), runSeed: 1, tokens: mockTokens(spec) });
      const result = await checkBoundaries(ctx, spec.operations[0]!, 'POST /tags › boundaries hold');
      const status = Object.fromEntries(result.outcomes.filter((o) => o.check in want).map((o) => [o.check, o.status]));
      expect(status).toEqual(want);
      // What was probed: the counts alone, at 1 and 3 (valid), at 0 and 4 (invalid).
      const evaluated = Object.fromEntries(result.outcomes.filter((o) => o.check in want).map((o) => [o.check, o.evaluated]));
      expect(evaluated).toEqual({ 'valid-input-rejected': 2, 'invalid-input-accepted': 2 });
      const fired = result.errors.map((v) => `${v.check}: ${v.expected}`);
      for (const [check, outcome] of Object.entries(want))
        if (outcome === 'violated')
          expect(
            fired.some((f) => f.startsWith(check) && /maxItems 3/.test(f)),
            fired.join('\n'),
          ).toBe(true);
    } finally {
      await server.close();
    }
  });
});
