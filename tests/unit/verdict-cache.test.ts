import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { arbitraryFor } from '../../src/arbitraries/from-schema.ts';
import type { Exchange } from '../../src/client/exchange.ts';
import { readSettings } from '../../src/config/env.ts';
import { createContext } from '../../src/run/context.ts';
import { buildSpecModel } from '../../src/run/spec-model.ts';
import { Ledger } from '../../src/run/ledger.ts';
import { VerdictCache } from '../../src/checks/verdict-cache.ts';
import { judgeResponse } from '../../src/run/scenarios/shared.ts';
import { getAt } from '../../src/spec/pointer.ts';
import type { JsonSchema } from '../../src/spec/types.ts';

/**
 * The verdict cache may only save work: judging an exchange through it gives exactly the violations judging it
 * afresh gives — stamped with that exchange's own request — for every status, body, negotiated header
 * (X-Timestamp-Format decides what a right timestamp is) and request path (a problem's `instance`).
 */
describe('a remembered judgement is the judgement', () => {
  test.each([
    ['Sumvin: negotiated timestamps, problem details', 'spec/sumvin-kyc.yaml', 'GET /v0/kyc/status'],
    ['Account: envelope, invariants', 'spec/salesive-account.yaml', 'GET /kyc/status'],
  ])('%s', async (_name, specPath, opKey) => {
    const spec = await buildSpecModel(specPath);
    const op = spec.operations.find((o) => o.key === opKey)!;
    const settings = readSettings({});
    const base = { spec, target: { kind: 'live' as const, baseUrl: 'http://127.0.0.1:9' }, settings, runSeed: 1, tokens: [] };
    const statuses = [...op.responses.keys()].filter((s) => /^\d+$/.test(s)).map(Number);
    const bodyFor = (status: number) => {
      const pointer = op.responses.get(String(status))?.schemaPointer;
      const problem = fc.record({
        type: fc.constantFrom('https://e.x/p', 'nope'),
        title: fc.constantFrom('', 'Bad'),
        status: fc.constantFrom(status, 500),
        instance: fc.constantFrom(op.path, '/elsewhere'),
      });
      return pointer ? fc.oneof(arbitraryFor(spec.doc, getAt(spec.doc, pointer) as JsonSchema), problem) : problem;
    };
    const response = fc.constantFrom(...statuses).chain((status) => bodyFor(status).map((body) => ({ status, text: JSON.stringify(body) })));
    // The same response behind every request variant a check can read: the negotiated header and the path/query.
    const variants: Array<{ headers: Record<string, string>; base: string }> = [];
    for (const headers of [{}, { 'X-Timestamp-Format': 'iso8601' }, { 'x-timestamp-format': 'unknown' }] as Array<Record<string, string>>)
      for (const base of ['', '/api']) variants.push({ headers, base });
    const exchanges = fc.sample(response, { numRuns: 60, seed: 7 }).flatMap(({ status, text }) =>
      variants.map(({ headers, base }): Exchange => ({
        request: { operation: op.key, method: 'GET', url: `http://127.0.0.1:9${base}${op.path}`, headers },
        response: { status, headers: { 'content-type': 'application/json' }, text, json: JSON.parse(text) },
        ms: 1,
      })),
    );
    const cached = createContext(base);
    const fresh = createContext({ ...base, verdictCache: false });
    // Each exchange twice (the second time as another request object): from the cache, stamped with its own request.
    const twice = [...exchanges, ...exchanges.map((e) => ({ ...e, request: { ...e.request } }))];
    for (const e of twice) {
      const got = judgeResponse(cached, new Ledger(), op, e);
      const want = judgeResponse(fresh, new Ledger(), op, e);
      expect(got).toEqual(want);
      for (const v of got) expect(v.request).toBe(e.request);
    }
    expect(cached.verdicts!.hits).toBeGreaterThanOrEqual(exchanges.length);
    expect(fresh.verdicts).toBeUndefined();
  });
});

describe('remembering stops where it cannot pay', () => {
  test.each([
    ['a server that never repeats a body (ids, counters)', (i: number) => `{"id":${i}}`, true],
    ['a static mock repeating its examples', (i: number) => `{"id":${i % 3}}`, false],
  ])('%s', async (_name, body, off) => {
    const spec = await buildSpecModel('spec/salesive-account.yaml');
    const op = spec.operations[0]!;
    const cache = new VerdictCache(20_000, 64);
    const keys = Array.from({ length: 200 }, (_, i) => {
      const e: Exchange = {
        request: { operation: op.key, method: 'GET', url: 'http://x/', headers: {} },
        response: { status: 200, headers: {}, text: body(i) },
        ms: 1,
      };
      const key = cache.key('s', op, e, spec);
      if (key !== undefined && cache.get(key, op) === undefined) cache.set(key, {});
      return key;
    });
    expect(keys.slice(64).every((k) => k === undefined)).toBe(off);
  });
});
