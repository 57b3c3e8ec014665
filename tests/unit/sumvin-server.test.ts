import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadSpec } from '../../src/spec/load.ts';
import type { OpenApiDocument } from '../../src/spec/types.ts';
import { Validators } from '../../src/spec/validators.ts';
import {
  SUMVIN_FAULT_CASES,
  SUMVIN_FAULTS,
  SUMVIN_FIXTURE_TOKENS,
  SUMVIN_INFERRED_CASES,
  SUMVIN_WARNING_CASES,
  startSumvinServer,
  type SumvinFault,
  type SumvinServer,
  type SumvinToken,
} from '../fixtures/sumvin-server.ts';

/**
 * The Sumvin fixture is what the fire/silent tests will stand on, so it is checked here against the extracted
 * contract itself: the conforming server answers every extracted operation as the spec documents (bodies
 * validated with Ajv against the spec's own response schemas), and each fault changes exactly the answer it
 * is named for. The engine's checks are not used: this proves the fixture, not the checks.
 */
const SPEC = 'spec/sumvin-kyc.yaml';
let doc: OpenApiDocument;
let validators: Validators;
let server: SumvinServer;

beforeAll(async () => {
  doc = (await loadSpec(SPEC)).doc;
  validators = new Validators(doc);
  server = await startSumvinServer();
});
afterAll(() => server.close());

const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
const tokenNamed = (name: string) => SUMVIN_FIXTURE_TOKENS.find((t) => t.name === name)!;

interface Answer {
  status: number;
  type: string;
  body: Record<string, unknown>;
}

/** A request as a client sends it: the credential in its scheme's header. */
async function get(base: string, path: string, token?: SumvinToken, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  const auth: Record<string, string> = !token ? {} : token.scheme === 'SumvinPAT' ? { 'x-sumvin-pat': token.token } : { 'x-juno-jwt': token.token };
  const res = await fetch(base + path, { method, headers: { ...auth, ...headers } });
  const type = res.headers.get('content-type') ?? '';
  const text = await res.text();
  return { status: res.status, type, body: type === 'application/json' ? (JSON.parse(text) as Record<string, unknown>) : { text } };
}

/** The extracted operations: [path, operation] for each GET. */
function operations(): Array<[string, Record<string, unknown>]> {
  return Object.entries(doc.paths ?? {}).map(([path, item]) => [path, (item as Record<string, Record<string, unknown>>)['get']!]);
}

/**
 * Validates an answer against the response the operation documents for its status. A documented status with no
 * body schema (the 404s of /kyc/status and /kyc/details) is held to ProblemDetail: "Every error follows RFC 7807".
 */
function schemaErrors(path: string, op: Record<string, unknown>, answer: Answer): string[] {
  const responses = op['responses'] as Record<string, { content?: Record<string, unknown> }>;
  const documented = responses[String(answer.status)];
  if (!documented) return [`status ${answer.status} is not documented for GET ${path} (${Object.keys(responses).join(', ')})`];
  const pointer = documented.content?.['application/json']
    ? `/paths/${escape(path)}/get/responses/${answer.status}/content/application~1json/schema`
    : '/components/schemas/ProblemDetail';
  return validators.validate(pointer, answer.body).map((e) => `${e.location || '/'} ${e.message}`);
}

describe('the conforming Sumvin fixture answers as the extracted spec documents', () => {
  test('the spec extracted the four KYC reads the fixture serves', () => {
    expect(operations().map(([path, op]) => `${String(op['operationId'])} ${path}`)).toEqual([
      'getKycStatus /v0/kyc/status',
      'getKycDetails /v0/kyc/details',
      'listKycDocuments /v0/kyc/documents',
      'getKycRequiredDocs /v0/kyc/documents/required',
    ]);
  });

  test.each(SUMVIN_FIXTURE_TOKENS.map((t) => [t.name, t] as const))('every operation, every variant, for the %s token', async (_, token) => {
    for (const [path, op] of operations()) {
      const variants: Array<[string, Record<string, string>]> = [
        ['', {}],
        ['?refresh=false', {}],
        ['?refresh=true', {}],
        ['', { 'x-timestamp-format': 'iso8601' }],
        ['', { 'x-timestamp-format': 'unix' }],
      ];
      for (const [query, headers] of variants) {
        const answer = await get(server.url, path + query, token, headers);
        expect(answer.type, `${path}${query}`).toBe('application/json');
        // The iso8601 form is validated in its default form, as the engine reads it back before validation.
        const body = headers['x-timestamp-format'] === 'iso8601' ? (toEpochMs(answer.body) as Record<string, unknown>) : answer.body;
        expect(schemaErrors(path, op, { ...answer, body }), `${token.name} GET ${path}${query} ${JSON.stringify(headers)}`).toEqual([]);
      }
    }
  });

  test.each([
    ['approved', 'approved', true, false, false],
    ['rejected', 'rejected', false, true, true],
    ['retry', 'retry', false, false, true],
    ['in-progress', 'in_progress', false, false, false],
    ['pending', 'pending', false, false, false],
    ['approved-jwt', 'approved', true, false, false],
  ] as const)('the %s user: status %s, and the documented null rules hold', async (name, status, verified, rejected, reason) => {
    const { body } = await get(server.url, '/v0/kyc/status', tokenNamed(name));
    expect(body['status']).toBe(status);
    expect([body['verified_at'] !== null, body['rejected_at'] !== null, body['reject_reason'] !== null]).toEqual([verified, rejected, reason]);
  });

  test('a user who never started: /kyc/status answers with nulls, refresh=true and the other reads a 404 problem', async () => {
    const pending = tokenNamed('pending');
    expect((await get(server.url, '/v0/kyc/status', pending)).status).toBe(200);
    for (const path of ['/v0/kyc/status?refresh=true', '/v0/kyc/details', '/v0/kyc/documents', '/v0/kyc/documents/required']) {
      const answer = await get(server.url, path, pending);
      expect([answer.status, answer.body['status'], answer.body['instance']]).toEqual([404, 404, path.split('?')[0]]);
    }
  });

  test('X-Timestamp-Format: iso8601 switches every *_at field to YYYY-MM-DDTHH:MM:SSZ naming the same second; other values give epoch ms', async () => {
    const approved = tokenNamed('approved');
    let compared = 0;
    for (const [path] of operations()) {
      const epoch = await get(server.url, path, approved);
      const isoForm = await get(server.url, path, approved, { 'x-timestamp-format': 'iso8601' });
      const unknown = await get(server.url, path, approved, { 'x-timestamp-format': 'ISO8601' });
      expect(unknown.body, path).toEqual(epoch.body);
      for (const [ms, text] of timestampPairs(epoch.body, isoForm.body)) {
        expect(text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
        expect(Math.floor(ms / 1000) * 1000).toBe(Date.parse(text));
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(5); // verified_at; started_at, verified_at, submitted_at; added_at
  });

  test('_links.self names the resource itself: followed with the same credentials it answers 2xx with the same body', async () => {
    for (const token of SUMVIN_FIXTURE_TOKENS.filter((t) => t.name !== 'pending')) {
      for (const path of ['/v0/kyc/status', '/v0/kyc/details']) {
        const first = await get(server.url, `${path}?refresh=false`, token);
        const href = (first.body['_links'] as { self: { href: string } }).self.href;
        expect(await get(server.url, href, token)).toEqual(first);
      }
    }
  });

  test('errors are RFC 7807 problem details as documented: status, instance = the request path, an absolute type, a title', async () => {
    const { status, type, body } = await get(server.url, '/v0/kyc/details?refresh=true');
    expect([status, type]).toEqual([401, 'application/json']);
    expect(validators.validate('/components/schemas/ProblemDetail', body)).toEqual([]);
    expect(body).toMatchObject({ status: 401, instance: '/v0/kyc/details', type: expect.stringMatching(/^https:\/\//), title: expect.stringMatching(/./) });
  });

  test('a refresh that is not a boolean is refused with the documented 422 HTTPValidationError', async () => {
    const answer = await get(server.url, '/v0/kyc/status?refresh=maybe', tokenNamed('approved'));
    expect(answer.status).toBe(422);
    expect(schemaErrors('/v0/kyc/status', operations()[0]![1], answer)).toEqual([]);
  });

  test.each([
    ['no credential', {}, 401],
    ['an empty PAT', { 'x-sumvin-pat': '' }, 401],
    ['an unknown PAT', { 'x-sumvin-pat': 'sumvin_pat_fixture_unknown_9999' }, 401],
    ['the PAT as a Bearer', { authorization: `Bearer ${tokenNamed('approved').token}` }, 401],
    ['the JWT as a Bearer (documented: also accepted)', { authorization: `Bearer ${tokenNamed('approved-jwt').token}` }, 200],
    ['the JWT in x-juno-jwt', { 'x-juno-jwt': tokenNamed('approved-jwt').token }, 200],
    ['the PAT in x-sumvin-pat', { 'x-sumvin-pat': tokenNamed('approved').token }, 200],
  ] as const)('auth: %s → %i', async (_, headers, status) => {
    expect((await get(server.url, '/v0/kyc/status', undefined, headers)).status).toBe(status);
  });

  test('a PAT in the query string is not a credential', async () => {
    expect((await get(server.url, `/v0/kyc/status?x-sumvin-pat=${tokenNamed('approved').token}`)).status).toBe(401);
  });
});

/** The iso8601 body read back into epoch ms (seconds precision), as the engine does before validating it. */
function toEpochMs(node: unknown, key = ''): unknown {
  if (typeof node === 'string' && (key.endsWith('_at') || key === 'timestamp' || key === 'period_start' || key === 'period_end')) return Date.parse(node);
  if (Array.isArray(node)) return node.map((n) => toEpochMs(n, key));
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, toEpochMs(v, k)]));
}

/** [epoch ms, iso string] for every timestamp field present in both forms of one resource. */
function timestampPairs(epoch: unknown, isoForm: unknown, key = ''): Array<[number, string]> {
  if (typeof epoch === 'number' && typeof isoForm === 'string' && key.endsWith('_at')) return [[epoch, isoForm]];
  if (!epoch || typeof epoch !== 'object' || !isoForm || typeof isoForm !== 'object') return [];
  return Object.entries(epoch).flatMap(([k, v]) => timestampPairs(v, (isoForm as Record<string, unknown>)[k], Array.isArray(epoch) ? key : k));
}

// ---------------------------------------------------------------------------------------------------- faults

type Probe = [path: string, token: string | undefined, headers?: Record<string, string>, method?: string];
/** Each fault: one request, and what about its answer must differ from the conforming server's. */
const FAULT_EFFECTS: Record<SumvinFault, { probe: Probe; shows: (faulty: Answer, conforming: Answer) => void }> = {
  'timestamp-epoch-seconds': {
    probe: ['/v0/kyc/status', 'approved'],
    shows: (f, c) => expect(f.body['verified_at']).toBe(Math.floor((c.body['verified_at'] as number) / 1000)),
  },
  'iso8601-ignored': {
    probe: ['/v0/kyc/status', 'approved', { 'x-timestamp-format': 'iso8601' }],
    shows: (f, c) => {
      expect(typeof c.body['verified_at']).toBe('string');
      expect(typeof f.body['verified_at']).toBe('number');
    },
  },
  'iso8601-instant-shifted': {
    probe: ['/v0/kyc/details', 'approved', { 'x-timestamp-format': 'iso8601' }],
    shows: (f, c) => expect(Date.parse(f.body['started_at'] as string) - Date.parse(c.body['started_at'] as string)).toBe(3_600_000),
  },
  'timestamp-format-unknown-rejected': {
    probe: ['/v0/kyc/status', 'approved', { 'x-timestamp-format': 'rfc3339' }],
    shows: (f, c) => expect([c.status, f.status]).toEqual([200, 400]),
  },
  'problem-status-lies': {
    probe: ['/v0/kyc/status', undefined],
    shows: (f, c) => expect([c.body['status'], f.body['status'], f.status]).toEqual([401, 400, 401]),
  },
  'problem-instance-wrong': {
    probe: ['/v0/kyc/details', undefined],
    shows: (f, c) => expect([c.body['instance'], f.body['instance']]).toEqual(['/v0/kyc/details', '/v0/kyc']),
  },
  'problem-type-relative': { probe: ['/v0/kyc/documents', undefined], shows: (f) => expect(f.body['type']).toMatch(/^\/errors\//) },
  'problem-title-empty': {
    probe: ['/v0/kyc/documents/required', undefined],
    shows: (f, c) => expect([c.body['title'] !== '', f.body['title']]).toEqual([true, '']),
  },
  'auth-401-not-problem': {
    probe: ['/v0/kyc/status', undefined],
    shows: (f) => expect([f.status, f.type, f.body]).toEqual([401, 'text/plain', { text: 'Unauthorized' }]),
  },
  'auth-401-fastapi-detail': {
    probe: ['/v0/kyc/details', undefined],
    shows: (f) => expect([f.status, f.type, f.body]).toEqual([401, 'application/json', { detail: 'Not authenticated' }]),
  },
  'status-unknown': { probe: ['/v0/kyc/status', 'approved'], shows: (f) => expect([f.body['status'], f.body['verified_at']]).toEqual(['under_review', null]) },
  'verified-at-while-pending': {
    probe: ['/v0/kyc/status', 'pending'],
    shows: (f, c) => expect([c.body['verified_at'], f.body['status'], typeof f.body['verified_at']]).toEqual([null, 'pending', 'number']),
  },
  'reject-reason-while-approved': {
    probe: ['/v0/kyc/status', 'approved'],
    shows: (f, c) => expect([c.body['reject_reason'], f.body['status'], typeof f.body['reject_reason']]).toEqual([null, 'approved', 'string']),
  },
  'self-link-broken': {
    probe: ['/v0/kyc/status', 'approved'],
    shows: (f) => expect((f.body['_links'] as { self: { href: string } }).self.href).toBe('/v0/kyc/status/self'),
  },
  'schema-wrong-type': { probe: ['/v0/kyc/status', 'approved'], shows: (f) => expect(f.body['has_passport']).toBe('no') },
  'nullable-omitted': {
    probe: ['/v0/kyc/details', 'approved'],
    shows: (f, c) => expect(['rejected_at' in c.body, 'rejected_at' in f.body]).toEqual([true, false]),
  },
  'server-error': { probe: ['/v0/kyc/status', 'approved'], shows: (f) => expect([f.status, f.body['status']]).toEqual([500, 500]) },
  'undocumented-2xx': { probe: ['/v0/kyc/documents', 'approved'], shows: (f, c) => expect([c.status, f.status]).toEqual([200, 201]) },
  'refresh-invalid-accepted': { probe: ['/v0/kyc/details?refresh=maybe', 'approved'], shows: (f, c) => expect([c.status, f.status]).toEqual([422, 200]) },
  'auth-missing-accepted': { probe: ['/v0/kyc/status', undefined], shows: (f, c) => expect([c.status, f.status]).toEqual([401, 200]) },
  'auth-unknown-pat-accepted': {
    probe: ['/v0/kyc/status', undefined, { 'x-sumvin-pat': 'sumvin_pat_fixture_unknown_9999' }],
    shows: (f, c) => expect([c.status, f.status]).toEqual([401, 200]),
  },
  'auth-pat-in-query': {
    probe: [`/v0/kyc/details?x-sumvin-pat=${tokenNamed('rejected').token}`, undefined],
    shows: (f, c) => expect([c.status, f.status, f.body['status']]).toEqual([401, 200, 'rejected']),
  },
  'method-405-without-allow': { probe: ['/v0/kyc/status', 'approved', {}, 'DELETE'], shows: (f, c) => expect([c.status, f.status]).toEqual([404, 405]) },
  'auth-pat-as-bearer': {
    probe: ['/v0/kyc/status', undefined, { authorization: `Bearer ${tokenNamed('retry').token}` }],
    shows: (f, c) => expect([c.status, f.status, f.body['status']]).toEqual([401, 200, 'retry']),
  },
};

describe('each Sumvin fault changes the answer it is named for', () => {
  test.each(SUMVIN_FAULTS.map((f) => [f]))('%s', async (fault) => {
    const {
      probe: [path, name, headers = {}, method],
      shows,
    } = FAULT_EFFECTS[fault];
    const token = name ? tokenNamed(name) : undefined;
    const faulty = await startSumvinServer({ faults: [fault] });
    try {
      shows(await get(faulty.url, path, token, headers, method), await get(server.url, path, token, headers, method));
    } finally {
      await faulty.close();
    }
  });

  test('the fault table names every fault once, real operations, and the check ids of docs/extensions.md', () => {
    const rows = [...SUMVIN_FAULT_CASES, ...SUMVIN_WARNING_CASES, ...SUMVIN_INFERRED_CASES];
    expect(rows.map((r) => r[0]).sort()).toEqual([...SUMVIN_FAULTS].sort());
    const ids = new Set(operations().map(([, op]) => op['operationId']));
    expect(rows.filter((r) => !ids.has(r[2]))).toEqual([]);
    const vocabulary = readFileSync('docs/extensions.md', 'utf8');
    const existing = [
      'invariant-violated',
      'response-schema-mismatch',
      'server-error',
      'status-code-undocumented',
      'nullable-field-omitted',
      'invalid-input-accepted',
      'auth-not-enforced',
      'auth-token-not-validated',
    ];
    expect(rows.map((r) => r[3]).filter((id) => !existing.includes(id) && !vocabulary.includes(`\`${id}\``))).toEqual([]);
  });
});
