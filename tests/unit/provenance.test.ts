import { describe, expect, test } from 'vitest';
import { Provenance } from '../../src/spec/provenance.ts';
import { keywordBasis, walk } from '../../src/spec/schema-walk.ts';
import { Validators } from '../../src/spec/validators.ts';
import { indexOperations } from '../../src/spec/operations.ts';
import { readRules } from '../../src/spec/rules.ts';
import { runResponseChecks } from '../../src/checks/registry.ts';
import type { SpecModel } from '../../src/checks/types.ts';
import type { OpenApiDocument } from '../../src/spec/types.ts';

/** A small contract with every kind of marking: whole node, keyword, relative path, $ref site, allOf-split required. */
const doc = {
  openapi: '3.1.0',
  info: { title: 't', version: '1' },
  'x-envelope': { statusField: 'status', nullDataOnError: true, 'x-inferred': { nullDataOnError: 'guessed from two examples' } },
  paths: {
    '/things': {
      get: {
        operationId: 'listThings',
        'x-inferred': { 'security/1': 'the second requirement is a guess' },
        security: [{ K: ['READ'] }, { K: ['WRITE'] }],
        parameters: [
          {
            name: 'limit',
            in: 'query',
            schema: { type: 'integer', minimum: 1, maximum: 100, 'x-inferred': { maximum: 'the page gives only the lower bound' } },
          },
        ],
        responses: {
          '200': {
            description: 'ok',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    status: { type: 'integer' },
                    thing: { $ref: '#/components/schemas/Thing' },
                    guessed: { $ref: '#/components/schemas/Thing', 'x-inferred': 'this field is never shown' },
                    choice: {
                      oneOf: [
                        { type: 'string', enum: ['a', 'b'] },
                        { type: 'integer', enum: [1, 2], 'x-inferred': 'numbers are a guess' },
                      ],
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
  components: {
    securitySchemes: { K: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Thing: {
        allOf: [
          { type: 'object', required: ['id'], properties: { id: { $ref: '#/components/schemas/Id' }, kind: { type: 'string', enum: ['x', 'y'] } } },
          { required: ['kind'], 'x-inferred': 'kind is never shown' },
        ],
      },
      Id: { type: 'string', pattern: '^[a-f]{4}$', 'x-inferred': { pattern: 'read from the examples' } },
    },
  },
} as unknown as OpenApiDocument;

const provenance = new Provenance(doc);
const spec: SpecModel = { doc, operations: indexOperations(doc), rules: readRules(doc), validators: new Validators(doc), provenance };

describe('Provenance.at: the nearest marking that covers a place', () => {
  test.each([
    ['a keyword marked in a map', '/paths/~1things/get/parameters/0/schema/maximum', 'inferred'],
    ['the same node, another keyword', '/paths/~1things/get/parameters/0/schema/minimum', 'documented'],
    ['a relative path member of an operation', '/paths/~1things/get/security/1', 'inferred'],
    ['the requirement beside it', '/paths/~1things/get/security/0', 'documented'],
    ['an x- rule member', '/x-envelope/nullDataOnError', 'inferred'],
    ['another member of that rule', '/x-envelope/statusField', 'documented'],
    ['beneath a node marked whole', '/components/schemas/Thing/allOf/1/required', 'inferred'],
    ['its sibling branch', '/components/schemas/Thing/allOf/0/required', 'documented'],
    ['the operation itself (a map marking is not the whole)', '/paths/~1things/get', 'documented'],
  ] as const)('%s', (_name, place, basis) => {
    expect(provenance.at(place).basis).toBe(basis);
  });

  test('the inferred basis names its reason and where the marking is', () => {
    expect(provenance.at('/paths/~1things/get/parameters/0/schema/maximum')).toEqual({
      basis: 'inferred',
      reason: 'the page gives only the lower bound',
      marking: '/paths/~1things/get/parameters/0/schema#maximum',
    });
  });
});

describe('along a body: $ref sites, allOf-split required lists, oneOf branches', () => {
  const root = '/paths/~1things/get/responses/200/content/application~1json/schema';
  const visits = walk(spec, root, { status: 200, thing: { id: 'abcd', kind: 'x' }, guessed: { id: 'abcd', kind: 'x' }, choice: 1 });
  const at = (location: string) => visits.find((v) => v.location === location)!;

  test.each([
    ['a documented field', '/thing/kind', 'enum', 'documented'],
    ['the same schema reached through a marked $ref site', '/guessed/kind', 'enum', 'inferred'],
    ['a pattern marked on the referenced schema', '/thing/id', 'pattern', 'inferred'],
    ['the oneOf branch the value is an instance of', '/choice', 'enum', 'inferred'],
  ] as const)('%s', (_name, location, keyword, basis) => {
    const matching = visits.filter((v) => v.location === location && v.keywordAt.has(keyword));
    expect(matching.length, `${location} visited with ${keyword}`).toBeGreaterThan(0);
    expect(keywordBasis(spec, matching[matching.length - 1]!, keyword).basis).toBe(basis);
  });

  test('a property required by a marked allOf branch is inferred; one required by the other is documented', () => {
    const thing = at('/thing');
    expect(keywordBasis(spec, thing, 'required', 'kind').basis).toBe('inferred');
    expect(keywordBasis(spec, thing, 'required', 'id').basis).toBe('documented');
  });
});

describe('findings carry the basis of the rule they rest on', () => {
  const op = spec.operations[0]!;
  const exchange = (body: unknown) => ({
    request: { operation: op.key, method: 'GET', url: 'http://x/things', headers: {} },
    response: { status: 200, headers: { 'content-type': 'application/json' }, text: JSON.stringify(body), json: body },
    ms: 1,
  });
  const judge = (body: unknown, inferred: 'warn' | 'fail' | 'off' = 'warn') =>
    runResponseChecks(op, exchange(body), spec, { nullable: 'strict', inferred }).violations;

  test.each([
    ['a documented enum broken', { status: 200, thing: { id: 'abcd', kind: 'z' } }, 'enum-value-undocumented', 'error', 'documented'],
    [
      'an inferred pattern broken: an unconfirmed inference',
      { status: 200, thing: { id: 'ZZZZ', kind: 'x' } },
      'response-schema-mismatch',
      'inference',
      'inferred',
    ],
    ['a required field the docs never show, missing', { status: 200, thing: { id: 'abcd' } }, 'response-schema-mismatch', 'inference', 'inferred'],
    ['a documented required field missing', { status: 200, thing: { kind: 'x' } }, 'response-schema-mismatch', 'error', 'documented'],
    ['through a marked $ref site', { status: 200, guessed: { id: 'abcd', kind: 'z' } }, 'enum-value-undocumented', 'inference', 'inferred'],
    ['into the matching oneOf branch', { status: 200, choice: 'c' }, 'response-schema-mismatch', 'error', 'documented'],
  ] as const)('%s', (_name, body, check, severity, basis) => {
    const found = judge(body).filter((v) => v.check === check);
    expect(found.map((v) => [v.severity, v.basis])).toContainEqual([severity, basis]);
  });

  test('fail makes an inference a violation; off drops it', () => {
    const body = { status: 200, thing: { id: 'ZZZZ', kind: 'x' } };
    expect(judge(body, 'fail').some((v) => v.severity === 'error' && v.basis === 'inferred')).toBe(true);
    expect(judge(body, 'off').filter((v) => v.basis === 'inferred')).toEqual([]);
  });
});
