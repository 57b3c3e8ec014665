import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SpecModel } from '../../src/checks/types.ts';
import { evaluateInvariant, type Invariant } from '../../src/checks/invariants.ts';
import { buildSpecModel } from '../../src/run/spec-model.ts';
import { escapeToken, getAt } from '../../src/spec/pointer.ts';
import { CONTRADICTIONS, DOCS_FIXTURE_TOKENS, NOT_CONTRADICTABLE, startAccountDocsServer, type AccountDocsServer } from '../fixtures/account-docs-server.ts';

/**
 * The docs-only server (tests/fixtures/account-docs-server.ts) and the spec's x-inferred markings stay in step:
 * every marking is contradicted by the server or says why it cannot be; the server answers every documented
 * operation as the pages say; and nothing it sends breaks a part of the spec that is *not* marked — so each
 * difference between the two is one of our guesses, never a documented rule.
 */
const SPEC_FILE = 'spec/salesive-account.yaml';
type Json = Record<string, any>;
const raw = parse(readFileSync(SPEC_FILE, 'utf8')) as Json;

/** Every x-inferred marking: the pointer of the object carrying it, `#member` for each member of the map form. */
function markings(doc: unknown): string[] {
  const out: string[] = [];
  const walk = (node: unknown, at: string): void => {
    if (Array.isArray(node)) return node.forEach((v, i) => walk(v, `${at}/${i}`));
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key !== 'x-inferred') walk(value, `${at}/${escapeToken(key)}`);
      else if (typeof value === 'string') out.push(at);
      else for (const member of Object.keys(value as object)) out.push(`${at}#${member}`);
    }
  };
  walk(doc, '');
  return out;
}

describe('(a) every x-inferred marking of the spec is contradicted by the docs server, or says why it cannot be', () => {
  const inSpec = markings(raw);
  const listed = [...CONTRADICTIONS.map((c) => c.marking), ...NOT_CONTRADICTABLE.map((n) => n.marking)];

  test('the spec has markings, each a non-empty reason', () => {
    expect(inSpec.length).toBeGreaterThan(30);
    for (const m of inSpec) {
      const [at, member] = m.split('#');
      const mark = getAt(raw, `${at}/x-inferred`);
      const reason = member === undefined ? mark : (mark as Json)[member];
      expect(typeof reason === 'string' && reason.trim().length > 10, m).toBe(true);
    }
  });

  test('each marking is in CONTRADICTIONS or NOT_CONTRADICTABLE', () => {
    expect(inSpec.filter((m) => !listed.includes(m))).toEqual([]);
  });

  test('no entry names a marking the spec no longer has', () => {
    expect(listed.filter((m) => !inSpec.includes(m))).toEqual([]);
  });

  test('no marking is listed twice, and every entry says what the server does (or why not)', () => {
    expect(listed.filter((m, i) => listed.indexOf(m) !== i)).toEqual([]);
    for (const c of CONTRADICTIONS) expect(c.how.length, c.marking).toBeGreaterThan(10);
    for (const n of NOT_CONTRADICTABLE) expect(n.why.length, n.marking).toBeGreaterThan(10);
  });

  test('a map-form member names something the object states (a misspelt keyword would mark nothing)', () => {
    for (const m of inSpec.filter((x) => x.includes('#'))) {
      const [at, member] = m.split('#') as [string, string];
      expect(getAt(raw, `${at}/${member}`), m).toBeDefined();
    }
  });
});

/** The documented operations: method, path, the scope the page names (the first requirement), success status. */
interface DocumentedOp {
  key: string;
  method: string;
  path: string;
  scope: string;
  success: number;
  query: Record<string, string>;
  body?: unknown;
}

function documentedOperations(): DocumentedOp[] {
  const ops: DocumentedOp[] = [];
  for (const [path, item] of Object.entries(raw['paths'] as Json)) {
    for (const [method, op] of Object.entries(item as Json)) {
      const params = ((op['parameters'] ?? []) as Json[]).map((p) => (p['$ref'] ? getAt(raw, (p['$ref'] as string).slice(1)) : p) as Json);
      const query = Object.fromEntries(params.filter((p) => p['in'] === 'query' && p['required']).map((p) => [p['name'], String(p['example'])]));
      const body = op['requestBody']?.content?.['application/json']?.example;
      ops.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        scope: (op['security'] as Array<Record<string, string[]>>)[0]!['AppToken']![0]!,
        success: Number(Object.keys(op['responses']).find((s) => /^2\d\d$/.test(s))),
        query,
        ...(body !== undefined ? { body } : {}),
      });
    }
  }
  return ops;
}

let server: AccountDocsServer;
let spec: SpecModel;
beforeAll(async () => {
  [server, spec] = await Promise.all([startAccountDocsServer(), buildSpecModel(SPEC_FILE)]);
});
afterAll(() => server.close());

/** A record of store a for each path with an id. */
const ownId = (path: string): string => {
  const store = server.stores['a']!;
  if (path === '/roles/{id}') return String(store.roles[0]!['_id']);
  if (path === '/payouts/{id}') return String(store.payouts[0]!['id']);
  return '';
};

async function call(method: string, path: string, options: { token?: string; query?: Record<string, string>; body?: unknown } = {}) {
  const url = new URL(`${server.url}${path}`);
  for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
  const response = await fetch(url, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as Json };
}

const send = (op: DocumentedOp, token?: string) =>
  call(op.method, op.path.replace('{id}', ownId(op.path)), {
    ...(token ? { token } : {}),
    query: op.query,
    ...(op.body !== undefined ? { body: op.body } : {}),
  });

describe('(b) every documented operation answers as its page says', () => {
  const ops = documentedOperations();
  const full = DOCS_FIXTURE_TOKENS.find((t) => t.name === 'full-a')!;

  test('the spec documents the 13 operations', () => {
    expect(ops).toHaveLength(13);
  });

  test.each(ops.map((o) => [o.key, o] as const))(
    '%s: its success status with the full-scope token, 401 without a token, 403 without its scope',
    async (_key, op) => {
      expect((await send(op, full.token)).status).toBe(op.success);
      const anonymous = await send(op);
      expect(anonymous).toEqual({ status: 401, body: { status: 401, success: false, message: 'Authentication required', data: null } });
      // Every token of the matrix: admitted exactly when it holds the scope the page names.
      for (const token of DOCS_FIXTURE_TOKENS.filter((t) => t.store === 'a')) {
        const answer = await send(op, token.token);
        if (token.scopes.includes(op.scope)) expect(answer.status, token.name).toBe(op.success);
        else expect(answer, token.name).toEqual({ status: 403, body: { status: 403, success: false, message: 'Insufficient scope', data: null } });
      }
    },
  );

  test("another store's record is 404, and its records are its own", async () => {
    const b = DOCS_FIXTURE_TOKENS.find((t) => t.name === 'full-b')!;
    expect((await call('GET', `/roles/${ownId('/roles/{id}')}`, { token: b.token })).status).toBe(404);
    expect((await call('GET', `/payouts/${ownId('/payouts/{id}')}`, { token: b.token })).status).toBe(404);
    const domains = await call('GET', '/domains', { token: b.token, query: {} });
    expect(domains.body['data'].every((d: Json) => d['shop'] === server.stores['b']!.shop)).toBe(true);
    expect((await call('GET', '/domains', { token: 'sk_not_an_app_token' })).status).toBe(401);
  });
});

/**
 * Which node a schema error rests on: the schema is walked along the body's path (through `$ref`, `allOf`,
 * `properties`, `items`, `additionalProperties`), and each node that states the failing keyword is found. The error
 * is covered when every such node that the value breaks is marked — a string on it or above it, or its keyword (or
 * the member leading to it) in a map. Ajv's own `schemaPath` cannot be used: it is relative to whichever `$ref`
 * target Ajv compiled separately (`#/properties/permissions/items/pattern` inside Role).
 */
interface Reached {
  node: Json;
  inferred: boolean;
}

function reach(doc: unknown, at: string, tokens: string[], inferred: boolean, out: Reached[], depth = 0): void {
  const node = getAt(doc, at) as Json | undefined;
  if (!node || typeof node !== 'object' || depth > 40) return;
  const mark = node['x-inferred'];
  const here = inferred || typeof mark === 'string';
  const via = (member: string) => here || (!!mark && typeof mark === 'object' && member in mark);
  if (typeof node['$ref'] === 'string') reach(doc, node['$ref'].slice(1), tokens, here, out, depth + 1);
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    if (Array.isArray(node[key])) node[key].forEach((_: unknown, i: number) => reach(doc, `${at}/${key}/${i}`, tokens, via(key), out, depth + 1));
  }
  if (!tokens.length) return void out.push({ node, inferred: here });
  const [token, ...rest] = tokens as [string, ...string[]];
  if (node['properties'] && token in node['properties']) reach(doc, `${at}/properties/${escapeToken(token)}`, rest, via('properties'), out, depth + 1);
  else if (node['items'] && /^\d+$/.test(token)) reach(doc, `${at}/items`, rest, via('items'), out, depth + 1);
  else if (node['additionalProperties'] && typeof node['additionalProperties'] === 'object')
    reach(doc, `${at}/additionalProperties`, rest, via('additionalProperties'), out, depth + 1);
}

/** Whether an object on the way to the schema (the response, its media type) marks all it holds as inferred. */
function markedAbove(doc: unknown, schemaPointer: string): boolean {
  const tokens = schemaPointer.split('/');
  for (let n = 1; n < tokens.length; n++) {
    const mark = (getAt(doc, tokens.slice(0, n).join('/')) as Json | undefined)?.['x-inferred'];
    if (typeof mark === 'string' || (mark && typeof mark === 'object' && tokens[n]!.replace(/~1/g, '/') in mark)) return true;
  }
  return false;
}

const ajv = new Ajv2020({ strict: false, unicodeRegExp: false });
addFormats.default(ajv);

/** The documented keywords a value breaks at its place in a response schema (empty: only guesses disagree). */
function documentedBreaks(doc: unknown, schemaPointer: string, location: string, keyword: string, params: Json, value: unknown): string[] {
  const reached: Reached[] = [];
  reach(
    doc,
    schemaPointer,
    location
      .split('/')
      .slice(1)
      .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~')),
    markedAbove(doc, schemaPointer),
    reached,
  );
  return reached
    .filter(({ node, inferred }) => keyword in node && !inferred && !(typeof node['x-inferred'] === 'object' && keyword in node['x-inferred']))
    .filter(({ node }) =>
      keyword === 'required' ? (node['required'] as string[]).includes(params['missingProperty']) : !ajv.validate({ [keyword]: node[keyword] }, value),
    )
    .map(({ node }) => `${keyword} ${JSON.stringify(node[keyword])}`);
}

describe('(c) nothing the docs server sends breaks a documented part of the spec', () => {
  const full = () => DOCS_FIXTURE_TOKENS.find((t) => t.name === 'full-a')!.token;
  const exchanges: Array<{ operationId: string; status: number; body: Json }> = [];

  /** Requests that reach every contradiction a single answer can show, and the KYC flow to its end. */
  beforeAll(async () => {
    const byId = (id: string) => documentedOperations().find((o) => spec.operations.find((x) => x.id === id)?.key === o.key)!;
    const record = async (operationId: string, answer: Promise<{ status: number; body: Json }>) => exchanges.push({ operationId, ...(await answer) });
    for (const op of spec.operations) await record(op.id, send(byId(op.id), full()));
    const token = full();
    await record('listRoles', call('GET', '/roles', { token, query: { limit: '500' } }));
    await record('listRoles', call('GET', '/roles', { token, query: { page: '99', limit: '7' } }));
    await record('listRoles', call('GET', '/roles', { token, query: { page: '2', limit: '3' } }));
    await record('listRoles', call('GET', '/roles', { token, query: { search: 'manager' } }));
    await record('listRoles', call('GET', '/roles', { token, query: { limit: '0' } }));
    await record('getRole', call('GET', '/roles/66b1f0a3c2d4e5f6a7b8c9d0', { token }));
    await record('getPayout', call('GET', '/payouts/66c2a1b2c3d4e5f6a7b8c9e0', { token }));
    await record('getPayoutFee', call('GET', '/payouts/fee', { token, query: { currency: 'usd' } }));
    await record('checkDomainAvailability', call('GET', '/domains/check-availability', { token, query: { domain: '' } }));
    await record('checkDomainAvailability', call('GET', '/domains/check-availability', { token }));
    await record('refreshKycStatus', call('POST', '/kyc/refresh', { token, body: { sessionId: '' } }));
    await record('createKycSession', call('POST', '/kyc/session', { token, body: {} }));
    // Through the KYC flow: declined first, a new session, then approved.
    const session = async () => {
      const answer = call('POST', '/kyc/session', { token, body: { callbackUrl: 'https://app.example.com/kyc/callback' } });
      await record('createKycSession', answer);
      return (await answer).body['data'] as Json;
    };
    const refresh = (sessionId: unknown) => record('refreshKycStatus', call('POST', '/kyc/refresh', { token, body: { sessionId } }));
    const status = () => record('getKycStatus', call('GET', '/kyc/status', { token }));
    for (let round = 0; round < 2; round++) {
      const { sessionId } = await session();
      await status();
      await refresh(sessionId);
      await status();
      expect((await session())['sessionId'], 'a session in progress is resumed').toBe(sessionId);
      await refresh(sessionId);
      await status();
    }
    expect((await session())['alreadyApproved']).toBe(true);
  });

  test('every answer is a documented status of its operation', () => {
    expect(exchanges.length).toBeGreaterThan(30);
    for (const e of exchanges) {
      const op = spec.operations.find((o) => o.id === e.operationId)!;
      expect(op.responses.has(String(e.status)), `${op.key} answered ${e.status}`).toBe(true);
    }
  });

  test('every body is the documented envelope (status echoed, success exactly on 2xx, a message)', () => {
    for (const e of exchanges) {
      expect(e.body['status']).toBe(e.status);
      expect(e.body['success']).toBe(e.status < 300);
      expect(typeof e.body['message'] === 'string' && e.body['message'] !== '').toBe(true);
    }
  });

  test('every schema error rests on an x-inferred marking', () => {
    const documented: string[] = [];
    let inferred = 0;
    for (const e of exchanges) {
      const op = spec.operations.find((o) => o.id === e.operationId)!;
      const pointer = op.responses.get(String(e.status))!.schemaPointer!;
      for (const error of spec.validators.validate(pointer, e.body)) {
        const breaks = documentedBreaks(spec.doc, pointer, error.location, error.keyword, error.params, getAt(e.body, error.location));
        if (breaks.length) documented.push(`${op.key} ${e.status} ${error.location}: ${breaks.join(', ')}`);
        else inferred++;
      }
    }
    expect(documented).toEqual([]);
    // The server does disagree with the guesses: those errors are there, only all of them inferred.
    expect(inferred).toBeGreaterThan(10);
  });

  test('the documented KYC invariants hold; the inferred ones are broken', () => {
    const invariants = getAt(spec.doc, '/components/schemas/KycStatus/x-invariants') as Array<Invariant & { 'x-inferred'?: string }>;
    const statuses = exchanges.filter((e) => e.operationId === 'getKycStatus' && e.status === 200).map((e) => e.body['data'] as Json);
    const broken = (inv: Invariant) => statuses.some((s) => evaluateInvariant(inv, s) !== undefined);
    for (const inv of invariants) expect(broken(inv), inv.id).toBe(inv['x-inferred'] !== undefined);
  });
});

describe('(d) the contradictions a single request shows', () => {
  const token = () => DOCS_FIXTURE_TOKENS.find((t) => t.name === 'full-a')!.token;
  const CASES: Array<[marking: string, request: () => ReturnType<typeof call>, expected: (answer: { status: number; body: Json }) => void]> = [
    [
      '/paths/~1roles/get/parameters/1/schema#maximum',
      () => call('GET', '/roles', { token: token(), query: { limit: '500' } }),
      (a) => expect(a.status).toBe(200),
    ],
    ['/paths/~1roles/get/parameters/2', () => call('GET', '/roles', { token: token(), query: { search: 'role' } }), (a) => expect(a.status).toBe(400)],
    [
      '/paths/~1roles/get/x-pagination#pastEnd',
      () => call('GET', '/roles', { token: token(), query: { page: '99' } }),
      (a) => expect(a.body['data'].roles.length).toBeGreaterThan(0),
    ],
    [
      '/paths/~1payouts~1fee/get/parameters/0/schema#pattern',
      () => call('GET', '/payouts/fee', { token: token(), query: { currency: 'usd' } }),
      (a) => expect(a.status).toBe(200),
    ],
    [
      '/components/schemas/PayoutFee/properties/fee#minimum',
      () => call('GET', '/payouts/fee', { token: token(), query: { currency: 'EUR' } }),
      (a) => expect(a.body['data'].fee).toBeLessThan(0),
    ],
    [
      '/paths/~1domains~1check-availability/get/parameters/0/schema#format',
      () => call('GET', '/domains/check-availability', { token: token(), query: { domain: 'not valid x' } }),
      (a) => expect(a.status).toBe(200),
    ],
    [
      '/paths/~1domains~1check-availability/get/parameters/0/schema#minLength',
      () => call('GET', '/domains/check-availability', { token: token(), query: { domain: '' } }),
      (a) => expect(a.status).toBe(200),
    ],
    [
      '/paths/~1kyc~1refresh/post/requestBody/content/application~1json/schema/properties/sessionId#minLength',
      () => call('POST', '/kyc/refresh', { token: token(), body: { sessionId: '' } }),
      (a) => expect(a.status).toBe(200),
    ],
    [
      '/x-scope-implications#WRITE_KYC',
      () => call('GET', '/kyc/status', { token: DOCS_FIXTURE_TOKENS.find((t) => t.name === 'kyc-write-a')!.token }),
      (a) => expect(a.status).toBe(403),
    ],
    ['/components/parameters/PayoutId#schema', () => call('GET', `/payouts/${ownId('/payouts/{id}')}`, { token: token() }), (a) => expect(a.status).toBe(200)],
    [
      '/components/responses/NotFound/content/application~1json',
      () => call('GET', '/roles/nope', { token: token() }),
      (a) => expect(a.body['data']).not.toBeNull(),
    ],
    [
      '/components/responses/BadRequest',
      () => call('GET', '/roles', { token: token(), query: { page: 'x' } }),
      (a) => expect(a.body['data'].errors[0].field).toBe('page'),
    ],
  ];

  test.each(CASES)('%s', async (marking, request, expected) => {
    expect(CONTRADICTIONS.map((c) => c.marking)).toContain(marking);
    expected(await request());
  });
});
