import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readSettings } from '../../src/config/env.ts';
import { createContext } from '../../src/run/context.ts';
import { discoverIds } from '../../src/run/scenarios/discover.ts';
import { responsesProperty } from '../../src/run/scenarios/responses.ts';
import { buildSpecModel } from '../../src/run/spec-model.ts';
import { linkedSources } from '../../src/spec/links.ts';
import type { SpecModel } from '../../src/checks/types.ts';

const thing = { $ref: '#/components/schemas/Thing' };
const json = (schema: unknown) => ({ 'application/json': { schema } });
const byId = (operationId: string, name: string) => ({
  get: {
    operationId,
    parameters: [{ name, in: 'path', required: true, schema: { type: 'string' } }],
    responses: { '200': { description: 'the thing', content: json(thing) }, '404': { description: 'no such thing' } },
  },
});
/**
 * A spec with no extension of ours: where ids come from is said by OpenAPI links — from the list (by operationId,
 * and by an operationRef kept in components), and from a create, which a run must not call to find ids.
 */
const SPEC = {
  openapi: '3.1.0',
  info: { title: 'Things', version: '1' },
  paths: {
    '/things': {
      get: {
        operationId: 'listThings',
        responses: {
          '200': {
            description: 'the things',
            content: json({ type: 'object', required: ['items'], properties: { items: { type: 'array', items: thing } } }),
            links: {
              GetThing: { operationId: 'getThing', parameters: { id: '$response.body#/items/0/id' } },
              ByRef: { $ref: '#/components/links/ByRef' },
              // A link to a write is no licence to delete a real record.
              Delete: { operationId: 'deleteThing', parameters: { id: '$response.body#/items/0/id' } },
              // A number where the parameter's schema wants a t- string: never sent as a valid request.
              Ranked: { operationId: 'getRanked', parameters: { id: '$response.body#/items/0/rank' } },
              // Two operations share this operationId: the link names neither.
              Dup: { operationId: 'dup', parameters: { id: '$response.body#/items/0/id' } },
              // A pointer is RFC 6901: % is a character of the key, not an escape.
              Percent: { operationId: 'getPercent', parameters: { id: '$response.body#/a%25b' } },
            },
          },
        },
      },
      post: {
        operationId: 'createThing',
        responses: {
          '201': { description: 'made', content: json(thing), links: { Other: { operationId: 'getOther', parameters: { id: '$response.body#/id' } } } },
        },
      },
    },
    '/things/{id}': {
      ...byId('getThing', 'id'),
      delete: {
        operationId: 'deleteThing',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '204': { description: 'gone' } },
      },
      // A read that needs an id of its own links on: it would be called with a made-up id, so it is no source.
      get: {
        ...byId('getThing', 'id').get,
        responses: {
          ...byId('getThing', 'id').get.responses,
          '200': { description: 'the thing', content: json(thing), links: { Deep: { operationId: 'getOther', parameters: { id: '$response.body#/id' } } } },
        },
      },
    },
    '/others/{id}': byId('getOther', 'id'),
    '/refs/{ref_id}': byId('getByRef', 'ref_id'),
    '/ranked/{id}': {
      get: {
        operationId: 'getRanked',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^t-' } }],
        responses: { '200': { description: 'the thing', content: json(thing) }, '404': { description: 'no such thing' } },
      },
    },
    '/dup-a/{id}': byId('dup', 'id'),
    '/dup-b/{id}': byId('dup', 'id'),
    '/percent/{id}': byId('getPercent', 'id'),
  },
  components: {
    schemas: { Thing: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } },
    links: { ByRef: { operationRef: '#/paths/~1refs~1%7Bref_id%7D/get', parameters: { 'path.ref_id': '$response.body#/items/1/id' } } },
  },
};

let spec: SpecModel;
const seen: string[] = [];
const server = createServer((req, res) => {
  seen.push(`${req.method} ${req.url}`);
  res.setHeader('content-type', 'application/json');
  if (req.url === '/things')
    return res.end(
      JSON.stringify({
        items: [
          { id: 't-42', rank: 7 },
          { id: 't-43', rank: 8 },
        ],
        'a%25b': 't-43',
        'a%b': 'decoded',
      }),
    );
  const id = /^\/(?:things|refs|others)\/([^/?]+)$/.exec(req.url ?? '')?.[1];
  if (id === 't-42' || id === 't-43') return res.end(JSON.stringify({ id }));
  res.statusCode = 404;
  res.end();
});
let baseUrl = '';
beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'links-')), 'things.json');
  writeFileSync(file, JSON.stringify(SPEC));
  spec = await buildSpecModel(file);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => void server.close());

const op = (id: string) => spec.operations.find((o) => o.id === id)!;
const TOKEN = { name: 'live', token: 'app_links_token_0001', scheme: 'bearer', scopes: [], store: 'a', values: {} };

describe('OpenAPI links say where a path parameter comes from', () => {
  test('from a read, by operationId or operationRef (through components); never from a write', () => {
    const sources = (id: string) => linkedSources(spec.doc, spec.operations, op(id));
    expect(sources('getThing')).toEqual([
      { operationId: 'listThings', sourceKey: 'GET /things', idPointer: '/items/0/id', param: 'id', at: '/paths/~1things/get/responses/200/links/GetThing' },
    ]);
    expect(sources('getByRef').map((l) => [l.param, l.idPointer])).toEqual([['ref_id', '/items/1/id']]);
    expect(sources('getPercent').map((l) => l.idPointer)).toEqual(['/a%25b']);
    // From a create, from a read that needs an id itself, to a write, by a shared operationId: none.
    for (const id of ['getOther', 'deleteThing', 'listThings']) expect(sources(id)).toEqual([]);
    expect(spec.operations.filter((o) => o.id === 'dup').flatMap((o) => linkedSources(spec.doc, spec.operations, o))).toEqual([]);
  });

  test("an id that breaks the parameter's schema is never sent as a valid request: the gap is named", async () => {
    const ctx = createContext({ spec, target: { kind: 'live', baseUrl }, settings: readSettings({}), runSeed: 1, tokens: [TOKEN] });
    expect(await discoverIds(ctx, op('getRanked'), TOKEN)).toEqual({ id: [7] });
    expect(await discoverIds(ctx, op('getPercent'), TOKEN)).toEqual({ id: ['t-43'] });
    seen.length = 0;
    const built = await responsesProperty(ctx, op('getRanked'));
    if ('skip' in built) throw new Error(built.skip);
    for (const value of fc.sample(built.arbitrary, { numRuns: 2, seed: 1 })) expect(await built.probe(value)).toEqual([]);
    expect(seen).toEqual(['GET /things']);
    expect([...built.gaps].join()).toMatch(/GET \/ranked\/\{id\}: path parameter id: none of the ids the server listed for it \(7\) fits its schema/);
  });

  test('a live run reads the id the link names and sends the linked read with it', async () => {
    const ctx = createContext({ spec, target: { kind: 'live', baseUrl }, settings: readSettings({}), runSeed: 1, tokens: [TOKEN] });
    expect(await discoverIds(ctx, op('getThing'), TOKEN)).toEqual({ id: ['t-42'] });
    expect(await discoverIds(ctx, op('getByRef'), TOKEN)).toEqual({ ref_id: ['t-43'] });
    // The create is never called to find ids: the other operation keeps its generated ids.
    expect(await discoverIds(ctx, op('getOther'), TOKEN)).toBeUndefined();
    seen.length = 0;
    const built = await responsesProperty(ctx, op('getThing'));
    if ('skip' in built) throw new Error(built.skip);
    for (const value of fc.sample(built.arbitrary, { numRuns: 3, seed: 1 })) await built.probe(value);
    expect(seen).toEqual(['GET /things', 'GET /things/t-42', 'GET /things/t-42', 'GET /things/t-42']);
    expect(seen).not.toContain('POST /things');
  });
});
