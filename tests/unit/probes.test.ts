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
    ['an enum has no bound', { schema: { type: 'integer', enum: [1, 2] }, want: [] }],
    ["an identity value is the identity's, never probed", { schema: { type: 'string', maxLength: 3, 'x-identity-value': 'entityId' }, want: [] }],
  ])('%s', (_name, { schema, place, sample, want }) => {
    expect(values(schema, place, sample)).toEqual(want);
  });

  test('a guessed bound only probes: its past-bound value carries the inference, its at-bound value too', () => {
    const [at, past] = boundaryValues(withSchema({ type: 'integer', maximum: 100, 'x-inferred': { maximum: 'a guess' } }), '/components/schemas/S', 'query');
    expect([at!.basis.basis, past!.basis.basis]).toEqual(['inferred', 'inferred']);
    expect(boundaryValues(withSchema({ type: 'integer', minimum: 1 }), '/components/schemas/S', 'query')[1]!.basis.basis).toBe('documented');
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
