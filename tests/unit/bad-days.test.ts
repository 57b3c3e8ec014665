import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { readSettings, type RunSettings } from '../../src/config/env.ts';
import { retryAfterMs } from '../../src/client/transport.ts';
import { consoleSummary } from '../../src/report/summary.ts';
import { buildSpecModel, createContext, tokenAuth } from '../../src/run/context.ts';
import { verdictOf } from '../../src/report/aggregate.ts';
import { badCredentials, checkAuthentication } from '../../src/run/scenarios/auth.ts';
import { checkResponses } from '../../src/run/scenarios/responses.ts';
import { productionWriteBlocked } from '../../src/run/scenarios/shared.ts';
import { FIXTURE_TOKENS, startAccountServer, type AccountServer, type Fault } from '../fixtures/account-server.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const spec = await buildSpecModel('spec/salesive-account.yaml');
const op = (id: string) => spec.operations.find((o) => o.id === id)!;
let server: AccountServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function contextFor(faults: Fault[], settings: Partial<RunSettings> = {}, baseUrl?: string, delayMs?: number) {
  server = await startAccountServer({ faults, ...(delayMs ? { delayMs } : {}) });
  return createContext({ spec, target: { kind: 'live', baseUrl: baseUrl ?? server.url }, settings: { ...readSettings({}), runs: 12, ...settings }, runSeed: 5, tokens: FIXTURE_TOKENS });
}

describe('rate limits', () => {
  test('a 429 with Retry-After is waited out and retried, and is no violation', async () => {
    const ctx = await contextFor(['rate-limit']);
    const result = await checkResponses(ctx, op('listRoles'), 'rl');
    expect(result.errors).toEqual([]);
    expect(result.rateLimited).toBeGreaterThan(0);
  });

  test('a server that only ever answers 429 gets no contract verdict from it (after a bounded number of retries)', async () => {
    const ctx = await contextFor(['rate-limit-forever'], { runs: 4 });
    const result = await checkAuthentication(ctx, op('listDomains'), 'rl-forever');
    expect(result.errors).toEqual([]);
    // Each run sends every bad credential; each request is tried at most 1 + 3 times.
    const variants = badCredentials(ctx, op('listDomains'), spec.rules.schemes['AppToken']!, FIXTURE_TOKENS[0]).length;
    expect(ctx.transport.sent).toBeLessThanOrEqual(result.runs! * variants * 4);
    expect(result.outcomes.find((o) => o.check === 'auth-not-enforced')?.status).toBe('not-applicable');
  });

  test.each([
    ['2', 2000],
    ['0', 0],
    [undefined, 1000],
    ['soon', 1000],
    ['Sun, 22 Nov 2026 06:00:03 GMT', 3000],
    ['Sun, 22 Nov 2026 05:59:00 GMT', 0],
  ])('Retry-After %s → wait %i ms', (header, ms) => {
    expect(retryAfterMs(header, Date.parse('Sun, 22 Nov 2026 06:00:00 GMT'))).toBe(ms);
  });
});

describe('request budget and concurrency', () => {
  test('CONTRACT_MAX_REQUESTS stops sending, and the run says so instead of passing silently', async () => {
    const ctx = await contextFor([], { maxRequests: 5, runs: 20 });
    const result = await checkResponses(ctx, op('listRoles'), 'budget');
    expect(ctx.transport.sent).toBe(5);
    expect(result.errors).toEqual([]);
    expect(result.unsent).toBeGreaterThanOrEqual(10);
    const base = {
      tool: 'kyc-contract-suite' as const, reportVersion: 2 as const, spec: 's', target: { kind: 'live', baseUrl: 'u' }, runSeed: 1, runs: 20, startedAt: '', durationMs: 1,
      policy: { inferred: 'warn' as const, nullable: 'strict' as const }, replay: { env: [] }, findings: [], inferences: [], gaps: [], skipped: [],
      outcomes: result.outcomes, violations: [], warnings: [], errors: [], cutShort: [{ test: 'budget', unsent: 15 }], rateLimited: 0,
    };
    const verdict = verdictOf({ ...base, ran: 1 });
    // Cut short is its own verdict: never "holds".
    expect(verdict.verdict).toBe('incomplete');
    expect(result.outcomes.some((o) => o.status === 'not-reached')).toBe(true);
    const text = consoleSummary({ ...base, ...verdict });
    expect(text).toMatch(/REQUEST BUDGET SPENT: 1 test\(s\) stopped short, 15 request\(s\) not sent/);
    expect(text).toMatch(/INCOMPLETE/);
  });

  test('no more requests in flight than CONTRACT_CONCURRENCY', async () => {
    const ctx = await contextFor([], { concurrency: 2 }, undefined, 30);
    const req = { path: {}, query: {}, headers: {} };
    const auth = tokenAuth(ctx, FIXTURE_TOKENS[0]!);
    await Promise.all(Array.from({ length: 10 }, () => ctx.transport.send(op('listDomains'), req, auth)));
    expect(server!.inFlight.max).toBeLessThanOrEqual(2);
    expect(server!.inFlight.max).toBe(2);
  });
});

describe('each distinct request is sent once', () => {
  test.each([1, 4])('an operation without inputs is asked once, not once per run (concurrency %i)', async (concurrency) => {
    const ctx = await contextFor([], { concurrency, runs: 25 });
    const result = await checkResponses(ctx, op('getKycStatus'), `once-${concurrency}`);
    expect(result.errors).toEqual([]);
    expect(server!.received['GET']).toBe(1);
  });
});

describe('hostile response headers', () => {
  test('a header named __proto__ stays a header, redacted like any other', async () => {
    const tiny = createServer((_req, res) => {
      res.setHeader('__proto__', `leak ${FIXTURE_TOKENS[0]!.token}`);
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
    await new Promise<void>((r) => tiny.listen(0, '127.0.0.1', r));
    try {
      const ctx = createContext({ spec, target: { kind: 'live', baseUrl: `http://127.0.0.1:${(tiny.address() as AddressInfo).port}` }, settings: readSettings({}), runSeed: 1, tokens: FIXTURE_TOKENS });
      const exchange = await ctx.transport.send(op('listDomains'), { path: {}, query: {}, headers: {} }, tokenAuth(ctx, FIXTURE_TOKENS[0]!));
      const headers = exchange.response!.headers;
      expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
      expect(Object.prototype.hasOwnProperty.call(headers, '__proto__')).toBe(true);
      expect(JSON.stringify(headers)).not.toContain(FIXTURE_TOKENS[0]!.token);
    } finally {
      tiny.closeAllConnections();
      await new Promise((r) => tiny.close(r));
    }
  });
});

describe('production guard', () => {
  test('writes are never sent to the production host in the spec; reads are; loopback is fine', () => {
    const prod = (settings: Partial<RunSettings> = {}) => ({ spec, target: { kind: 'live' as const, baseUrl: 'https://api.salesive.com/api/v1' }, settings: { ...readSettings({}), ...settings } }) as never;
    expect(productionWriteBlocked(prod(), op('createKycSession'))).toMatch(/not sent to production host api.salesive.com .*--allow-production-writes/);
    expect(productionWriteBlocked(prod(), op('refreshKycStatus'))).toBeTruthy();
    expect(productionWriteBlocked(prod(), op('getKycStatus'))).toBeUndefined();
    expect(productionWriteBlocked(prod({ allowProductionWrites: true }), op('createKycSession'))).toBeUndefined();
    const local = { spec, target: { kind: 'live', baseUrl: 'http://127.0.0.1:8080/api/v1' }, settings: readSettings({}) } as never;
    expect(productionWriteBlocked(local, op('createKycSession'))).toBeUndefined();
  });

  test('a blocked write is reported not applicable, with nothing sent', async () => {
    const ctx = await contextFor([], {}, 'https://api.salesive.com/api/v1');
    const result = await checkResponses(ctx, op('createKycSession'), 'prod');
    expect(ctx.transport.sent).toBe(0);
    expect(result.outcomes.every((o) => o.status === 'not-applicable' && /production host/.test(o.reason ?? ''))).toBe(true);
  });
});

describe('process hygiene: the mock never outlives the run', () => {
  test('two mocks started at once each get a free port of their own', async () => {
    const { startPrism } = await import('../../src/targets/prism.ts');
    const [a, b] = await Promise.all([startPrism('spec/salesive-account.yaml'), startPrism('spec/salesive-account.yaml')]);
    try {
      expect(a.baseUrl).not.toBe(b.baseUrl);
      for (const m of [a, b]) expect((await fetch(`${m.baseUrl}/kyc/status`)).status).toBe(401);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  function runUntilMock(args: string[], env: Record<string, string> = {}) {
    const child = spawn(args[0]!.endsWith('.mjs') ? process.execPath : join(ROOT, 'node_modules/.bin/tsx'), args, { cwd: ROOT, env: { ...process.env, CONTRACT_BASE_URL: '', ...env } });
    const url = new Promise<string>((done, fail) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const m = /(?:MOCK |Prism mock is up at )(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) done(m[1]!);
      });
      child.on('close', () => fail(new Error(`exited before the mock was up: ${out}`)));
    });
    const closed = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    return { child, url, closed };
  }
  async function gone(url: string): Promise<boolean> {
    for (let i = 0; i < 30; i++) {
      try {
        await fetch(url, { signal: AbortSignal.timeout(500) });
      } catch {
        return true;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  }

  test.each(['SIGTERM', 'SIGINT'] as const)('%s during npm run contract', async (signal) => {
    const run = runUntilMock([join(ROOT, 'scripts/contract.mjs')], { CONTRACT_RUNS: '200' });
    const url = await run.url;
    await new Promise((r) => setTimeout(r, 1500));
    run.child.kill(signal);
    await run.closed;
    expect(await gone(url)).toBe(true);
  });

  test('an uncaught exception', async () => {
    const run = runUntilMock([join(ROOT, 'tests/fixtures/crash-with-prism.ts')]);
    const url = await run.url;
    expect(await run.closed).not.toBe(0);
    expect(await gone(url)).toBe(true);
  });
});
