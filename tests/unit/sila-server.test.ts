import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CHECKS } from '../../src/checks/catalogue.ts';
import { loadSpec } from '../../src/spec/load.ts';
import { indexOperations, type Operation } from '../../src/spec/operations.ts';
import type { OpenApiDocument } from '../../src/spec/types.ts';
import { Validators } from '../../src/spec/validators.ts';
import {
  FAULT_CASES,
  INFERRED_CASES,
  FAULTS,
  FIXTURE_JWT_SECRET,
  FIXTURE_TOKENS,
  signFixtureJwt,
  startSilaServer,
  type Fault,
  type SilaServer,
  type SilaToken,
} from '../fixtures/sila-server.ts';

/**
 * The Sila fixture server against spec/sila-kyc.yaml: the conforming server's answers are documented and
 * validate, its header rules (clock, version, handles) and error matrix hold, ids flow from get_verifications to
 * resume_verification, and each fault changes the answer it should.
 */
const SPEC = 'spec/sila-kyc.yaml';
const [A, B] = FIXTURE_TOKENS as [SilaToken, SilaToken];
const UNKNOWN_UUID = '00000000-0000-4000-8000-000000000000';

let doc: OpenApiDocument;
let operations: Operation[];
let validators: Validators;
beforeAll(async () => {
  ({ doc } = await loadSpec(SPEC));
  operations = indexOperations(doc);
  validators = new Validators(doc);
});

interface Answer {
  op: string;
  status: number;
  json: any;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
/** A fresh header for the user (its own handles, `created` now), with overrides. */
const header = (who: SilaToken = A, extra: Record<string, unknown> = {}) => ({
  created: nowSeconds(),
  app_handle: who.values.app_handle,
  user_handle: who.values.user_handle,
  ...extra,
});

function client(server: SilaServer, token: string | null = A.token) {
  async function call(op: string, method: string, path: string, body: unknown): Promise<Answer> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token !== null) headers['authorization'] = `Bearer ${token}`;
    const res = await fetch(server.url + path, { method, headers, body: JSON.stringify(body) });
    return { op, status: res.status, json: await res.json() };
  }
  return {
    list: (body: unknown = { header: header() }) => call('getVerifications', 'POST', '/0.2/get_verifications', body),
    one: (uuid: string, body: unknown = { header: header() }) => call('getVerification', 'POST', `/0.2/get_verifications/${uuid}`, body),
    resume: (body: unknown) => call('resumeVerification', 'PUT', '/0.2/resume_verification', body),
  };
}
type Api = ReturnType<typeof client>;

function problems(answer: Answer): string[] {
  const op = operations.find((o) => o.id === answer.op)!;
  const documented = op.responses.get(String(answer.status));
  if (!documented) return [`${answer.op}: status ${answer.status} is not documented`];
  return validators.validate(documented.schemaPointer!, answer.json).map((e) => `${answer.op} ${answer.status} ${e.location} ${e.message}`);
}

/** The user's verifications, as get_verifications lists them: [resumable, passed]. */
async function ids(api: Api, who: SilaToken = A): Promise<{ waiting: string; passed: string }> {
  const list = (await api.list({ header: header(who) })).json.verifications as Array<{ verification_uuid: string; verification_status: string }>;
  return {
    waiting: list.find((v) => v.verification_status === 'documents_required')!.verification_uuid,
    passed: list.find((v) => v.verification_status === 'passed')!.verification_uuid,
  };
}

/** RFC 7386 merge patch, as x-negative-cases applies it. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

describe('the conforming Sila fixture', () => {
  let server: SilaServer;
  const seen: Answer[] = [];
  let api: Api;
  const track = (raw: Api): Api =>
    Object.fromEntries(
      Object.entries(raw).map(([k, fn]) => [
        k,
        async (...args: unknown[]) => {
          const answer = await (fn as (...a: unknown[]) => Promise<Answer>)(...args);
          seen.push(answer);
          return answer;
        },
      ]),
    ) as Api;
  beforeAll(async () => {
    server = await startSilaServer();
    api = track(client(server));
  });
  afterAll(() => server.close());

  test('the fixture tokens are HS256 JWTs signed with the fixture secret, one user each', () => {
    for (const t of FIXTURE_TOKENS) {
      const [head, payload, signature] = t.token.split('.') as [string, string, string];
      expect(JSON.parse(Buffer.from(head, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
      expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toMatchObject({ app_handle: t.values.app_handle, user_handle: t.values.user_handle });
      expect(createHmac('sha256', FIXTURE_JWT_SECRET).update(`${head}.${payload}`).digest('base64url')).toBe(signature);
      expect(t.scheme).toBe('bearerAuth');
    }
    expect(new Set(FIXTURE_TOKENS.map((t) => t.values.user_handle)).size).toBe(FIXTURE_TOKENS.length);
  });

  test('ids flow from get_verifications to get_verification and resume_verification', async () => {
    const { waiting, passed } = await ids(api);
    const one = await api.one(waiting);
    expect(one.json).toMatchObject({ success: true, verification_id: waiting, verification_status: 'documents_required' });
    const resumed = await api.resume({ header: header(A, { version: '0.2', reference: 'unit-1' }), verification_uuid: waiting, update: 'entity' });
    expect(resumed.status).toBe(200);
    expect(resumed.json).toMatchObject({ success: true, verification_uuid: waiting, reference: 'unit-1', message: 'Verification successfully resumed.' });
    const withDocs = await api.resume({ header: header(), verification_uuid: waiting, update: 'document', doc_ids: A.values.doc_ids });
    expect(withDocs.status).toBe(200);
    expect((await api.resume({ header: header(), verification_uuid: waiting, update: 'entity' })).status).toBe(200); // still resumable
    const notReady = await api.resume({ header: header(), verification_uuid: passed, update: 'entity' });
    expect([notReady.status, notReady.json.message]).toEqual([404, 'Journey application not ready to be resumed.']);
  });

  test("the seed page's error matrix", async () => {
    const { waiting } = await ids(api);
    const base = { header: header(), verification_uuid: waiting, update: 'entity' };
    const cases: Array<[string, unknown, number, string]> = [
      ['missing data', { header: header(), update: 'entity' }, 400, 'Missing required data: verification_uuid.'],
      ['document update without doc_ids', { ...base, update: 'document' }, 400, 'No documents provided for resuming verification.'],
      ['document update with no documents', { ...base, update: 'document', doc_ids: [] }, 400, 'No documents provided for resuming verification.'],
      [
        'duplicate document sides',
        { ...base, update: 'document', doc_ids: [A.values.doc_ids![0], A.values.doc_ids![0]] },
        400,
        'Duplicate document sides provided.',
      ],
      ['unknown verification_uuid', { ...base, verification_uuid: UNKNOWN_UUID }, 404, `Verification ${UNKNOWN_UUID} not found.`],
    ];
    for (const [name, body, status, message] of cases) {
      const answer = await api.resume(body);
      expect([name, answer.status, answer.json.message]).toEqual([name, status, message]);
    }
  });

  test('header.created: epoch seconds, not older than 5 minutes, not in the future', async () => {
    const at = (created: unknown) => api.list({ header: header(A, { created }) });
    expect((await at(nowSeconds())).status).toBe(200);
    expect((await at(nowSeconds() - 240)).status).toBe(200);
    for (const created of [nowSeconds() - 360, nowSeconds() + 60, Date.now(), '1753312400', 1.5, null]) {
      expect([created, (await at(created)).status]).toEqual([created, 400]);
    }
    expect((await api.list({ header: { app_handle: A.values.app_handle, user_handle: A.values.user_handle } })).status).toBe(400);
  });

  test('header.version: absent or one of 0.2, v0.2, V0.2 — never null', async () => {
    expect((await api.list({ header: header() })).status).toBe(200);
    for (const version of ['0.2', 'v0.2', 'V0.2']) expect((await api.list({ header: header(A, { version }) })).status).toBe(200);
    for (const version of [null, '0.3', 0.2, '']) expect([version, (await api.list({ header: header(A, { version }) })).status]).toEqual([version, 400]);
  });

  test("a token reaches only its own user: other handles are 403, another user's verification is 404", async () => {
    const theirs = await ids(track(client(server, B.token)), B);
    expect((await api.list({ header: header(B) })).status).toBe(403);
    expect((await api.one(theirs.waiting)).status).toBe(404);
    expect((await api.resume({ header: header(), verification_uuid: theirs.waiting, update: 'entity' })).status).toBe(404);
  });

  test('a missing, forged or tampered token is 401', async () => {
    const forged = signFixtureJwt({ app_handle: A.values.app_handle, user_handle: A.values.user_handle }, 'another-secret');
    const [head, , signature] = A.token.split('.');
    const tampered = `${head}.${Buffer.from(JSON.stringify({ user_handle: B.values.user_handle })).toString('base64url')}.${signature}`;
    for (const token of [null, forged, tampered, 'not-a-jwt']) {
      const answer = await track(client(server, token)).list();
      expect(answer.status).toBe(401);
    }
  });

  test('every answer above is documented, validates, has success true exactly on 2xx and a non-empty message', () => {
    expect(seen.length).toBeGreaterThan(30);
    expect(new Set(seen.map((a) => a.op))).toEqual(new Set(operations.map((o) => o.id)));
    expect(seen.flatMap(problems)).toEqual([]);
    for (const a of seen) {
      expect([a.op, a.status, a.json.success]).toEqual([a.op, a.status, a.status >= 200 && a.status < 300]);
      expect(a.json.message).toMatch(/\S/);
      expect(a.json).not.toHaveProperty('status', a.status);
    }
    const times = seen
      .flatMap((a) => [a.json.requested_at, a.json.updated_at, ...(a.json.verifications ?? []).map((v: { requested_at: number }) => v.requested_at)])
      .filter((t) => t !== undefined);
    expect(times.length).toBeGreaterThan(0);
    expect(times.every((t) => Number.isInteger(t) && t < 1e11)).toBe(true); // epoch seconds, not ms
  });

  test("the spec's negative cases are refused as declared", async () => {
    let count = 0;
    for (const op of operations) {
      for (const c of (op.extensions['x-negative-cases'] as Array<{ name: string; patch: unknown; status: number | number[] }> | undefined) ?? []) {
        const { waiting } = await ids(api);
        const valid = op.id === 'resumeVerification' ? { header: header(), verification_uuid: waiting, update: 'entity' } : { header: header() };
        const body = mergePatch(valid, c.patch);
        const answer = op.id === 'resumeVerification' ? await api.resume(body) : await api.list(body);
        expect([c.name, [c.status].flat().includes(answer.status)]).toEqual([c.name, true]);
        count++;
      }
    }
    expect(count).toBe(7);
  });

  test('a stale and a future-dated created are refused, as x-clock declares', async () => {
    const clock = (doc.components!['schemas'] as any).Header.properties.created['x-clock'];
    expect(clock).toEqual({ unit: 'epoch-seconds', maxAgeSeconds: 300, future: false });
    const stale = nowSeconds() - clock.maxAgeSeconds - 60;
    const { waiting } = await ids(api);
    for (const created of [stale, nowSeconds() + 60]) {
      expect((await api.resume({ header: header(A, { created }), verification_uuid: waiting, update: 'entity' })).status).toBe(400);
    }
  });
});

/** How each fault shows: a probe run on a conforming and on a faulted server, and what each answers. */
const PROBES: Record<Fault, { probe: (api: Api, server: SilaServer) => Promise<unknown>; conforming: unknown; faulted: unknown }> = {
  'stale-created-accepted': {
    probe: async (api) => (await api.list({ header: header(A, { created: nowSeconds() - 360 }) })).status,
    conforming: 400,
    faulted: 200,
  },
  'future-created-accepted': {
    probe: async (api) => {
      const { waiting } = await ids(api);
      return (await api.resume({ header: header(A, { created: nowSeconds() + 60 }), verification_uuid: waiting, update: 'entity' })).status;
    },
    conforming: 400,
    faulted: 200,
  },
  'null-version-accepted': { probe: async (api) => (await api.list({ header: header(A, { version: null }) })).status, conforming: 400, faulted: 200 },
  'success-true-on-error': { probe: async (_api, server) => (await client(server, null).list()).json.success, conforming: false, faulted: true },
  'message-empty': {
    probe: async (api) => {
      const { waiting } = await ids(api);
      return (await api.resume({ header: header(), verification_uuid: waiting, update: 'entity' })).json.message;
    },
    conforming: 'Verification successfully resumed.',
    faulted: '',
  },
  'success-missing': { probe: async (api) => 'success' in (await api.list()).json, conforming: true, faulted: false },
  'timestamp-ms': {
    probe: async (api) => {
      const { waiting } = await ids(api);
      return (await api.one(waiting)).json.requested_at;
    },
    conforming: 1_753_312_417,
    faulted: 1_753_312_417_000,
  },
  'doc-update-without-doc-ids-accepted': {
    probe: async (api) => {
      const { passed } = await ids(api);
      return (await api.resume({ header: header(), verification_uuid: passed, update: 'document' })).status;
    },
    conforming: 400,
    faulted: 200,
  },
  'unknown-uuid-200': {
    probe: async (api) => (await api.resume({ header: header(), verification_uuid: UNKNOWN_UUID, update: 'entity' })).status,
    conforming: 404,
    faulted: 200,
  },
  'cross-user-verification': {
    probe: async (api, server) => {
      const theirs = await ids(client(server, B.token), B);
      return [(await api.one(theirs.waiting)).status, (await api.resume({ header: header(), verification_uuid: theirs.waiting, update: 'entity' })).status];
    },
    conforming: [404, 404],
    faulted: [200, 200],
  },
  'handle-mismatch-accepted': {
    probe: async (api, server) => {
      const theirs = await ids(client(server, B.token), B);
      const answer = await api.list({ header: header(B) });
      return [
        answer.status,
        answer.json.verifications?.[0]?.verification_uuid === theirs.waiting || answer.json.verifications?.[0]?.verification_uuid === theirs.passed,
      ];
    },
    conforming: [403, false],
    faulted: [200, true],
  },
  'auth-missing-accepted': { probe: async (_api, server) => (await client(server, null).list()).status, conforming: 401, faulted: 200 },
  'jwt-signature-ignored': {
    probe: async (_api, server) => (await client(server, signFixtureJwt({ user_handle: A.values.user_handle }, 'forged')).list()).status,
    conforming: 401,
    faulted: 200,
  },
  'server-error': { probe: async (api) => (await api.list()).status, conforming: 200, faulted: 500 },
  'array-body-crash': { probe: async (api) => (await api.list([header()])).status, conforming: 400, faulted: 500 },
  'schema-wrong-type': { probe: async (api) => typeof (await api.list()).json.verifications[0].flow, conforming: 'string', faulted: 'number' },
};

describe('each fault changes the answer it should', () => {
  test.each(FAULTS.map((f) => [f]))('%s', async (fault) => {
    const { probe, conforming, faulted } = PROBES[fault];
    for (const [faults, want] of [
      [[], conforming],
      [[fault], faulted],
    ] as const) {
      const server = await startSilaServer({ faults: [...faults] });
      try {
        expect(await probe(client(server), server)).toEqual(want);
      } finally {
        await server.close();
      }
    }
  });

  test('faulted answers break the spec or the envelope where the fault is about them', async () => {
    for (const [fault, field] of [
      ['success-missing', "required property 'success'"],
      ['schema-wrong-type', '/verifications/0/flow'],
    ] as const) {
      const server = await startSilaServer({ faults: [fault] });
      try {
        expect(problems(await client(server).list()).some((p) => p.includes(field))).toBe(true);
      } finally {
        await server.close();
      }
    }
  });
});

describe('the fault table', () => {
  test('one row per fault, on operations of the spec, naming published or declared check ids', () => {
    expect([...FAULT_CASES, ...INFERRED_CASES].map((c) => c[0]).sort()).toEqual([...FAULTS].sort());
    const opIds = new Set(operations.map((o) => o.id));
    expect([...FAULT_CASES, ...INFERRED_CASES].filter((c) => !opIds.has(c[2]))).toEqual([]);
    const extensions = readFileSync('docs/extensions.md', 'utf8');
    const known = (id: string) => CHECKS.some((c) => c.id === id) || extensions.includes(`\`${id}\``) || extensions.includes(`(${id})`);
    expect([...FAULT_CASES, ...INFERRED_CASES].map((c) => c[3]).filter((id) => !known(id))).toEqual([]);
  });

  test('tokens.sila.example.json has the matrix shape, one user per token, with placeholders', () => {
    const example = JSON.parse(readFileSync('tokens.sila.example.json', 'utf8')) as { tokens: Array<Record<string, any>> };
    expect(example.tokens.length).toBeGreaterThanOrEqual(2);
    expect(new Set(example.tokens.map((t) => t['values'].user_handle)).size).toBe(example.tokens.length);
    for (const t of example.tokens) {
      expect(Object.keys(t).sort()).toEqual(['name', 'scheme', 'token', 'values']);
      expect(t['scheme']).toBe('bearerAuth');
      expect(t['token']).toMatch(/REPLACE/);
      expect(Object.keys(t['values']).sort()).toEqual(['app_handle', 'user_handle']);
    }
  });
});
