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
  NOT_SHOWN,
  FAULT_TOKENS,
  FAULTS,
  FIXTURE_ENTITIES,
  FIXTURE_TOKENS,
  ORG_A,
  startGu1Server,
  tokensWithJourney,
  type Fault,
  type Gu1Server,
} from '../fixtures/gu1-server.ts';

/**
 * The gu1 fixture server against spec/gu1-kyc.yaml: the conforming server's answers are documented and validate,
 * its flow reaches every terminal state, and each fault changes the answer it should. (The engine's fire/silent
 * tests over FAULT_CASES are wired where the engine reads the declarations.)
 */
const SPEC = 'spec/gu1-kyc.yaml';
const [A, B] = FIXTURE_TOKENS as [(typeof FIXTURE_TOKENS)[0], (typeof FIXTURE_TOKENS)[0]];
const ENTITY = {
  review: A.values.entityId,
  abandon: 'aaaaaaaa-0000-4000-8000-000000000002',
  expire: 'aaaaaaaa-0000-4000-8000-000000000003',
  providerApprove: 'aaaaaaaa-0000-4000-8000-000000000004',
};
const UNKNOWN_ID = '9e9e9e9e-0000-4000-8000-000000000000';

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

/** A thin client of the fixture: one function per operation, each answer tagged with its operationId. */
function client(server: Gu1Server, token: string | null = A.token, extraHeaders: Record<string, string> = {}) {
  async function call(op: string, method: string, path: string, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = { ...extraHeaders };
    if (token !== null) headers['authorization'] = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(server.url + path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    return { op, status: res.status, json: text ? JSON.parse(text) : undefined };
  }
  return {
    create: (entityId: string, extra: Record<string, unknown> = {}) =>
      call('createValidation', 'POST', '/api/kyc/validations', { entityId, integrationCode: 'global_gueno_validation_kyc', ...extra }),
    createRaw: (body: unknown) => call('createValidation', 'POST', '/api/kyc/validations', body),
    get: (id: string) => call('getValidation', 'GET', `/api/kyc/validations/${id}`),
    sync: (id: string, body: unknown = {}) => call('syncValidation', 'POST', `/api/kyc/validations/${id}/sync`, body),
    approve: (id: string, reason = 'Manual review completed') => call('approveValidation', 'POST', `/api/kyc/validations/${id}/approve`, { reason }),
    reject: (id: string, reason = 'Document authenticity failed') => call('rejectValidation', 'POST', `/api/kyc/validations/${id}/reject`, { reason }),
    cancel: (id: string, reason = 'User requested to cancel') => call('cancelValidation', 'DELETE', `/api/kyc/validations/${id}/cancel`, { reason }),
    current: (entityId: string) => call('getCurrentValidation', 'GET', `/api/kyc/entities/${entityId}/current`),
  };
}

/** What is wrong with an answer by the spec: an undocumented status, or a body that does not validate. */
function problems(answer: Answer): string[] {
  const op = operations.find((o) => o.id === answer.op)!;
  const documented = op.responses.get(String(answer.status));
  if (!documented) return [`${answer.op}: status ${answer.status} is not documented`];
  return validators.validate(documented.schemaPointer!, answer.json).map((e) => `${answer.op} ${answer.status} ${e.location} ${e.message}`);
}

/** Creates a validation on the review-journey entity and syncs it twice: pending → in_progress → in_review. */
async function inReview(api: ReturnType<typeof client>, entityId = ENTITY.review): Promise<string> {
  const id = (await api.create(entityId)).json.id as string;
  await api.sync(id);
  const synced = await api.sync(id, { force: true });
  expect(synced.json.status).toBe('in_review');
  return id;
}

describe('the conforming gu1 fixture', () => {
  let server: Gu1Server;
  const seen: Answer[] = [];
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    server = await startGu1Server();
    const raw = client(server);
    // Every answer of this block is kept and judged against the spec at the end.
    api = Object.fromEntries(
      Object.entries(raw).map(([k, fn]) => [
        k,
        async (...args: unknown[]) => {
          const answer = await (fn as (...a: unknown[]) => Promise<Answer>)(...args);
          seen.push(answer);
          return answer;
        },
      ]),
    ) as typeof raw;
  });
  afterAll(() => server.close());

  test("create answers 201 with a pending, current validation of the key's organization", async () => {
    const created = await api.create(ENTITY.review, { metadata: { source: 'unit' } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ status: 'pending', isCurrent: true, organizationId: ORG_A, entityId: ENTITY.review, metadata: { source: 'unit' } });
    expect((await api.get(created.json.id)).json.status).toBe('pending');
  });

  test('sync walks the provider journey deterministically, then approve and reject work from in_review only', async () => {
    const id = (await api.create(ENTITY.review)).json.id as string;
    expect((await api.approve(id)).status).toBe(400); // pending
    expect((await api.sync(id)).json.status).toBe('in_progress');
    expect((await api.reject(id)).status).toBe(400); // in_progress
    expect((await api.sync(id, { force: true })).json.status).toBe('in_review');
    expect((await api.sync(id)).json.status).toBe('in_review'); // the provider waits for the compliance team
    const approved = await api.approve(id);
    expect(approved.status).toBe(200);
    expect(approved.json).toMatchObject({ status: 'approved', isCurrent: true });
    expect(approved.json.verifiedAt).toEqual(expect.any(String));
  });

  test.each([
    [
      'approved',
      async (api: ReturnType<typeof client>) => {
        const id = await inReview(api);
        await api.approve(id);
        return id;
      },
    ],
    [
      'rejected',
      async (api: ReturnType<typeof client>) => {
        const id = await inReview(api);
        await api.reject(id);
        return id;
      },
    ],
    [
      'cancelled',
      async (api: ReturnType<typeof client>) => {
        const id = (await api.create(ENTITY.review)).json.id as string;
        await api.cancel(id);
        return id;
      },
    ],
    [
      'cancelled',
      async (api: ReturnType<typeof client>) => {
        const id = await inReview(api);
        await api.cancel(id);
        return id;
      },
    ],
    [
      'expired',
      async (api: ReturnType<typeof client>) => {
        const id = (await api.create(ENTITY.expire)).json.id as string;
        await api.sync(id);
        return id;
      },
    ],
    [
      'abandoned',
      async (api: ReturnType<typeof client>) => {
        const id = (await api.create(ENTITY.abandon)).json.id as string;
        await api.sync(id);
        await api.sync(id);
        return id;
      },
    ],
    [
      'approved',
      async (api: ReturnType<typeof client>) => {
        const id = (await api.create(ENTITY.providerApprove)).json.id as string;
        await api.sync(id);
        await api.sync(id);
        return id;
      },
    ],
  ] as const)('reaches %s, and nothing moves it out of there', async (state, reach) => {
    const id = await reach(api);
    expect((await api.get(id)).json.status).toBe(state);
    for (const body of [{}, { force: false }, { force: true }]) {
      const synced = await api.sync(id, body);
      expect([synced.status, synced.json.status]).toEqual([200, state]);
    }
    expect((await api.approve(id)).status).toBe(400);
    expect((await api.reject(id)).status).toBe(400);
    expect((await api.cancel(id)).status).toBe(400);
    expect((await api.get(id)).json.status).toBe(state);
  });

  test('reject and cancel make the validation not current; the entity then has none', async () => {
    const rejected = await inReview(api);
    expect((await api.reject(rejected)).json.isCurrent).toBe(false);
    expect((await api.current(ENTITY.review)).status).toBe(404);
    const cancelled = (await api.create(ENTITY.review)).json.id as string;
    expect((await api.current(ENTITY.review)).json.id).toBe(cancelled);
    expect((await api.cancel(cancelled)).json.isCurrent).toBe(false);
    expect((await api.current(ENTITY.review)).status).toBe(404);
  });

  test('a reason under 5 characters is 400 on approve, reject and cancel', async () => {
    const id = await inReview(api);
    for (const answer of [await api.approve(id, 'abcd'), await api.reject(id, 'abcd'), await api.cancel(id, 'abcd')]) {
      expect([answer.status, answer.json.code]).toEqual([400, 'INVALID_REASON']);
    }
    expect((await api.get(id)).json.status).toBe('in_review');
  });

  test("unknown ids are 404 on every operation; so is another organization's validation", async () => {
    for (const answer of [
      await api.get(UNKNOWN_ID),
      await api.sync(UNKNOWN_ID),
      await api.approve(UNKNOWN_ID),
      await api.reject(UNKNOWN_ID),
      await api.cancel(UNKNOWN_ID),
    ]) {
      expect(answer.status).toBe(404);
    }
    const theirs = (await client(server, B.token).create(B.values.entityId)).json.id as string;
    expect((await api.get(theirs)).status).toBe(404);
    expect((await api.sync(theirs)).status).toBe(404);
    expect((await client(server, A.token, { 'x-organization-id': B.store }).get(theirs)).status).toBe(404);
    expect((await api.current(B.values.entityId)).status).toBe(404);
    expect((await api.create(B.values.entityId)).status).toBe(404);
  });

  test('invalid bodies are 400; a missing or unknown key is 401', async () => {
    for (const body of [{}, { entityId: 'not-a-uuid' }, { entityId: ENTITY.review, integrationCode: 'other' }, { entityId: ENTITY.review, metadata: [] }, []]) {
      expect((await api.createRaw(body)).status).toBe(400);
    }
    expect((await api.sync((await api.create(ENTITY.review)).json.id, { force: 'yes' })).status).toBe(400);
    for (const answer of [await client(server, null).get(UNKNOWN_ID), await client(server, 'gk_sandbox_not_a_key').create(ENTITY.review)]) {
      seen.push(answer);
      expect(answer.status).toBe(401);
    }
  });

  test('every answer above is documented for its operation and validates against the spec', () => {
    expect(seen.length).toBeGreaterThan(50);
    expect(new Set(seen.map((a) => a.op))).toEqual(new Set(operations.map((o) => o.id)));
    expect(seen.flatMap(problems)).toEqual([]);
    expect(new Set(seen.map((a) => a.json?.status).filter((s) => typeof s === 'string'))).toEqual(
      new Set(['pending', 'in_progress', 'in_review', 'approved', 'rejected', 'expired', 'abandoned', 'cancelled']),
    );
  });

  test("the spec's negative cases are refused as declared", async () => {
    const patched = { approveValidation: 'approve', rejectValidation: 'reject', cancelValidation: 'cancel' } as const;
    let count = 0;
    for (const op of operations) {
      for (const c of (op.extensions['x-negative-cases'] as Array<{ patch: { reason: string }; status: number }> | undefined) ?? []) {
        const id = await inReview(api); // a state every one of these transitions is allowed from
        const answer = await api[patched[op.id as keyof typeof patched]](id, c.patch.reason);
        expect([op.id, answer.status]).toEqual([op.id, c.status]);
        count++;
      }
    }
    expect(count).toBe(3);
  });
});

/** How each fault shows: a probe run on a conforming and on a faulted server, and what each answers. */
const PROBES: Record<Fault, { probe: (api: ReturnType<typeof client>, server: Gu1Server) => Promise<unknown>; conforming: unknown; faulted: unknown }> = {
  'sync-overwrites-decision': {
    probe: async (api) => {
      const id = await inReview(api);
      await api.approve(id);
      return (await api.sync(id, {})).json.status;
    },
    conforming: 'approved',
    faulted: 'in_review',
  },
  'sync-force-overwrites-decision': {
    probe: async (api) => {
      const id = await inReview(api);
      await api.reject(id);
      return [(await api.sync(id, {})).json.status, (await api.sync(id, { force: true })).json.status];
    },
    conforming: ['rejected', 'rejected'],
    faulted: ['rejected', 'in_review'],
  },
  'sync-revives-terminal': {
    probe: async (api) => {
      const id = (await api.create(ENTITY.expire)).json.id;
      await api.sync(id);
      return (await api.sync(id)).json.status;
    },
    conforming: 'expired',
    faulted: 'in_progress',
  },

  'approve-from-any-state': {
    probe: async (api) => {
      const id = (await api.create(ENTITY.review)).json.id;
      return (await api.approve(id)).status;
    },
    conforming: 400,
    faulted: 200,
  },
  'approve-wrong-state': {
    probe: async (api) => {
      const id = await inReview(api);
      const approved = await api.approve(id);
      return [approved.status, approved.json.status];
    },
    conforming: [200, 'approved'],
    faulted: [200, 'in_review'],
  },
  'get-stale-state': { probe: async (api) => (await api.get(await inReview(api))).json.status, conforming: 'in_review', faulted: 'pending' },
  'cancel-approved': {
    probe: async (api) => {
      const id = await inReview(api);
      await api.approve(id);
      return (await api.cancel(id)).status;
    },
    conforming: 400,
    faulted: 200,
  },
  'reject-short-reason': {
    probe: async (api) => {
      const id = await inReview(api);
      return [(await api.reject(id, 'abc')).status, (await api.reject(id, 'abcd')).status];
    },
    conforming: [400, 400],
    faulted: [400, 200],
  },
  'unknown-id-500': { probe: async (api) => (await api.get(UNKNOWN_ID)).status, conforming: 404, faulted: 500 },
  'unknown-id-200': { probe: async (api) => (await api.get(UNKNOWN_ID)).status, conforming: 404, faulted: 200 },
  'cross-org-readable': {
    probe: async (api, server) => {
      const theirs = (await client(server, B.token).create(B.values.entityId)).json.id;
      return (await api.get(theirs)).status;
    },
    conforming: 404,
    faulted: 200,
  },
  'org-header-honored': {
    probe: async (_api, server) => {
      const theirs = (await client(server, B.token).create(B.values.entityId)).json.id;
      return (await client(server, A.token, { 'x-organization-id': B.store }).get(theirs)).status;
    },
    conforming: 404,
    faulted: 200,
  },
  'status-outside-enum': {
    probe: async (api) => (await api.get((await api.create(ENTITY.review)).json.id)).json.status,
    conforming: 'pending',
    faulted: 'created',
  },
  'timestamp-not-iso': { probe: async (api) => /^\d{4}-\d\d-\d\dT/.test((await api.create(ENTITY.review)).json.createdAt), conforming: true, faulted: false },
  'iscurrent-after-reject': {
    probe: async (api) => {
      const id = await inReview(api);
      return (await api.reject(id)).json.isCurrent;
    },
    conforming: false,
    faulted: true,
  },
  'iscurrent-string': { probe: async (api) => typeof (await api.create(ENTITY.review)).json.isCurrent, conforming: 'boolean', faulted: 'string' },
  'create-accepts-invalid': {
    probe: async (api) => (await api.createRaw({ entityId: ENTITY.review, metadata: 'not an object' })).status,
    conforming: 400,
    faulted: 201,
  },
  'sync-moves-backwards': {
    probe: async (api) => {
      const id = (await api.create(ENTITY.review)).json.id;
      return [(await api.sync(id)).json.status, (await api.sync(id)).json.status];
    },
    conforming: ['in_progress', 'in_review'],
    faulted: ['in_progress', 'pending'],
  },
  'get-advances-state': {
    probe: async (api) => {
      const id = (await api.create(ENTITY.review)).json.id;
      return [(await api.get(id)).json.status, (await api.get(id)).json.status];
    },
    conforming: ['pending', 'pending'],
    faulted: ['in_progress', 'in_review'],
  },
  'auth-missing-accepted': { probe: async (_api, server) => (await client(server, null).create(ENTITY.review)).status, conforming: 401, faulted: 201 },
  'unknown-key-accepted': {
    probe: async (_api, server) => (await client(server, 'gk_sandbox_forged').create(ENTITY.review)).status,
    conforming: 401,
    faulted: 201,
  },
};

describe('each fault changes the answer it should', () => {
  test.each(FAULTS.map((f) => [f]))('%s', async (fault) => {
    const { probe, conforming, faulted } = PROBES[fault];
    for (const [faults, want] of [
      [[], conforming],
      [[fault], faulted],
    ] as const) {
      const server = await startGu1Server({ faults: [...faults] });
      try {
        expect(await probe(client(server), server)).toEqual(want);
      } finally {
        await server.close();
      }
    }
  });

  test('with the abandon-journey tokens, sync alone takes a validation to a terminal state the fault then leaves', async () => {
    const tokens = tokensWithJourney('abandon');
    for (const [faults, want] of [
      [[], 'abandoned'],
      [['sync-revives-terminal'], 'in_progress'],
    ] as const) {
      const server = await startGu1Server({ faults: [...faults], tokens });
      try {
        const api = client(server, tokens[0]!.token);
        const id = (await api.create(tokens[0]!.values.entityId)).json.id;
        const states = [];
        for (let i = 0; i < 3; i++) states.push((await api.sync(id)).json.status);
        expect(states).toEqual(['in_progress', 'abandoned', want]);
      } finally {
        await server.close();
      }
    }
  });

  test('a faulted answer breaks the spec where the fault is about the schema', async () => {
    for (const [fault, field] of [
      ['status-outside-enum', '/status'],
      ['timestamp-not-iso', '/createdAt'],
      ['iscurrent-string', '/isCurrent'],
    ] as const) {
      const server = await startGu1Server({ faults: [fault] });
      try {
        const answer = await client(server).create(ENTITY.review);
        expect(problems(answer).some((p) => p.includes(field))).toBe(true);
      } finally {
        await server.close();
      }
    }
  });
});

describe('the fault table', () => {
  test('one row per fault, on operations of the spec, naming published or declared check ids', () => {
    expect([...[...FAULT_CASES, ...INFERRED_CASES].map((c) => c[0]), ...Object.keys(NOT_SHOWN)].sort()).toEqual([...FAULTS].sort());
    const ids = new Set(operations.map((o) => o.id));
    expect([...FAULT_CASES, ...INFERRED_CASES].filter((c) => !ids.has(c[2]))).toEqual([]);
    // Published ids, or ids docs/extensions.md names for rules the engine does not check yet.
    const extensions = readFileSync('docs/extensions.md', 'utf8');
    const known = (id: string) => CHECKS.some((c) => c.id === id) || extensions.includes(`\`${id}\``);
    expect([...FAULT_CASES, ...INFERRED_CASES].map((c) => c[3]).filter((id) => !known(id))).toEqual([]);
  });

  test('the fixture tokens follow the matrix format: one key per organization, an entity of that organization', () => {
    expect(new Set(FIXTURE_TOKENS.map((t) => t.store)).size).toBe(FIXTURE_TOKENS.length);
    for (const t of [...FIXTURE_TOKENS, ...Object.values(FAULT_TOKENS).flat()]) {
      expect(t.scheme).toBe('bearerAuth');
      expect(FIXTURE_ENTITIES[t.values.entityId]?.organizationId).toBe(t.store);
    }
  });

  test('tokens.gu1.example.json has the same shape, with placeholders', () => {
    const example = JSON.parse(readFileSync('tokens.gu1.example.json', 'utf8')) as { tokens: Array<Record<string, any>> };
    expect(example.tokens.length).toBeGreaterThanOrEqual(2);
    expect(new Set(example.tokens.map((t) => t['store'])).size).toBe(example.tokens.length);
    for (const t of example.tokens) {
      expect(Object.keys(t).sort()).toEqual(['name', 'scheme', 'store', 'token', 'values']);
      expect(t['scheme']).toBe('bearerAuth');
      expect(t['token']).toMatch(/REPLACE/);
      expect(Object.keys(t['values'])).toEqual(['entityId']);
    }
  });
});
