import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { armDeadline, parseDuration, readSettings, type RunSettings } from '../../src/config/env.ts';
import { replayCommand, replayContext } from '../../src/config/replay.ts';
import { retryAfterMs } from '../../src/client/transport.ts';
import { AdaptiveLimit } from '../../src/client/throttle.ts';
import { consoleSummary } from '../../src/report/summary.ts';
import { createContext, tokenAuth } from '../../src/run/context.ts';
import { buildSpecModel } from '../../src/run/spec-model.ts';
import { verdictOf } from '../../src/report/aggregate.ts';
import { alteredTokens, badCredentials, checkAuthentication, otherSchemes } from '../../src/run/scenarios/auth.ts';
import { checkResponses } from '../../src/run/scenarios/responses.ts';
import { checkInvalidInputs } from '../../src/run/scenarios/inputs.ts';
import { invalidRequestFamilies } from '../../src/arbitraries/requests.ts';
import { productionWriteBlocked } from '../../src/run/scenarios/shared.ts';
import { FIXTURE_TOKENS, startAccountServer, type AccountServer, type Fault } from '../fixtures/account-server.ts';
import { startBadDayProxy } from '../fixtures/bad-days.ts';

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
  return createContext({
    spec,
    target: { kind: 'live', baseUrl: baseUrl ?? server.url },
    settings: { ...readSettings({}), runs: 12, ...settings },
    runSeed: 5,
    tokens: FIXTURE_TOKENS,
  });
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
    // Each run sends every bad credential, and each variant of the real token is sent once beside the property;
    // each request is tried at most 1 + 3 times.
    const bad = badCredentials(ctx, op('listDomains'), spec.rules.schemes['AppToken']!, FIXTURE_TOKENS[0]).length;
    const variants = otherSchemes('t').length + alteredTokens('t').length;
    expect(ctx.transport.sent).toBeLessThanOrEqual((result.runs! * bad + variants) * 4);
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
      tool: 'kyc-contract-suite' as const,
      reportVersion: 2 as const,
      spec: 's',
      target: { kind: 'live', baseUrl: 'u' },
      runSeed: 1,
      runs: 20,
      startedAt: '',
      durationMs: 1,
      policy: { inferred: 'warn' as const, nullable: 'strict' as const },
      replay: { env: [] },
      findings: [],
      inferences: [],
      gaps: [],
      skipped: [],
      outcomes: result.outcomes,
      violations: [],
      warnings: [],
      errors: [],
      cutShort: [{ test: 'budget', unsent: 15 }],
      rateLimited: 0,
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
      const ctx = createContext({
        spec,
        target: { kind: 'live', baseUrl: `http://127.0.0.1:${(tiny.address() as AddressInfo).port}` },
        settings: readSettings({}),
        runSeed: 1,
        tokens: FIXTURE_TOKENS,
      });
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
    const prod = (settings: Partial<RunSettings> = {}) =>
      ({ spec, target: { kind: 'live' as const, baseUrl: 'https://api.salesive.com/api/v1' }, settings: { ...readSettings({}), ...settings } }) as never;
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
    const child = spawn(args[0]!.endsWith('.mjs') ? process.execPath : join(ROOT, 'node_modules/.bin/tsx'), args, {
      cwd: ROOT,
      env: { ...process.env, CONTRACT_BASE_URL: '', ...env },
    });
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
  /** The pids whose parent is `pid` (Linux). */
  function childrenOf(pid: number): number[] {
    try {
      return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
    } catch {
      return [];
    }
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

  test('SIGKILL, which runs no exit hook: the mock sees its run gone and ends itself', async () => {
    const run = runUntilMock([join(ROOT, 'tests/fixtures/hold-prism.ts')]);
    await run.url;
    // tsx runs the fixture in a child of its own, and the fixture runs Prism.
    const fixture = childrenOf(run.child.pid!);
    const prism = fixture.flatMap(childrenOf);
    expect(prism).toHaveLength(1);
    for (const pid of fixture) process.kill(pid, 'SIGKILL');
    run.child.kill('SIGKILL');
    await run.closed;
    // Watched, not asked: a request would make an orphaned Prism log, and die of the closed pipe, either way.
    let alive = true;
    for (let i = 0; i < 100 && alive; i++) {
      alive = existsSync(`/proc/${prism[0]}`) && !readFileSync(`/proc/${prism[0]}/stat`, 'utf8').includes(') Z ');
      if (alive) await new Promise((r) => setTimeout(r, 50));
    }
    expect(alive).toBe(false);
  });

  test('an uncaught exception', async () => {
    const run = runUntilMock([join(ROOT, 'tests/fixtures/crash-with-prism.ts')]);
    const url = await run.url;
    expect(await run.closed).not.toBe(0);
    expect(await gone(url)).toBe(true);
  });
});

describe('circuit breaker: an operation that does not answer is not asked again', () => {
  test('after two timeouts in a row its remaining requests are not sent; other operations go on', async () => {
    const ctx = await contextFor([], { timeoutMs: 300, concurrency: 4 });
    const proxy = await startBadDayProxy(server!.url, { hang: (m, p) => m === 'GET' && p.endsWith('/payouts/fee') });
    try {
      const live = createContext({ spec, target: { kind: 'live', baseUrl: proxy.url }, settings: ctx.settings, runSeed: 5, tokens: FIXTURE_TOKENS });
      const auth = tokenAuth(live, FIXTURE_TOKENS[0]!);
      const req = { path: {}, query: { amount: 100, currency: 'NGN' }, headers: {} };
      const started = performance.now();
      const [hung, other] = await Promise.all([
        Promise.all(Array.from({ length: 12 }, () => live.transport.send(op('getPayoutFee'), req, auth))),
        Promise.all(Array.from({ length: 6 }, () => live.transport.send(op('listDomains'), { path: {}, query: {}, headers: {} }, auth))),
      ]);
      // The requests in flight together time out together; the next one waits for them and is then not sent.
      expect(performance.now() - started).toBeLessThan(1500);
      expect(proxy.counts.held).toBeLessThanOrEqual(4);
      expect(hung.filter((e) => e.failure?.kind === 'timeout').length).toBe(proxy.counts.held);
      expect(hung.filter((e) => e.failure?.kind === 'circuit-open').length).toBe(12 - proxy.counts.held);
      expect(hung.find((e) => e.failure?.kind === 'circuit-open')!.failure!.message).toMatch(
        /GET \/payouts\/fee was not asked again after \d timeouts in a row \(circuit breaker\)/,
      );
      expect(other.every((e) => e.response?.status === 200)).toBe(true);
      expect(live.transport.stats().operations['GET /payouts/fee']).toMatchObject({ notSent: 12 - proxy.counts.held, open: { kind: 'timeout' } });
    } finally {
      await proxy.close();
    }
  });

  test('an answer in between resets the count: a flaky operation is not cut off', async () => {
    let n = 0;
    const flaky = createServer((_req, res) => {
      // Every other request hangs: never two failures in a row.
      if (n++ % 2 === 0) return;
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
    await new Promise<void>((r) => flaky.listen(0, '127.0.0.1', r));
    try {
      const ctx = createContext({
        spec,
        target: { kind: 'live', baseUrl: `http://127.0.0.1:${(flaky.address() as AddressInfo).port}` },
        settings: { ...readSettings({}), timeoutMs: 150, concurrency: 1 },
        runSeed: 1,
        tokens: FIXTURE_TOKENS,
      });
      const all = [];
      for (let i = 0; i < 6; i++)
        all.push(await ctx.transport.send(op('listDomains'), { path: {}, query: {}, headers: {} }, tokenAuth(ctx, FIXTURE_TOKENS[0]!)));
      expect(all.map((e) => e.failure?.kind ?? e.response?.status)).toEqual(['timeout', 200, 'timeout', 200, 'timeout', 200]);
    } finally {
      flaky.closeAllConnections();
      await new Promise((r) => flaky.close(r));
    }
  });

  test('checks of an operation whose requests were not sent are "not reached", never passed', async () => {
    const ctx = await contextFor([], { timeoutMs: 300, runs: 20 });
    const proxy = await startBadDayProxy(server!.url, { hang: (m, p) => m === 'GET' && p.endsWith('/payouts/fee') });
    try {
      const live = createContext({ spec, target: { kind: 'live', baseUrl: proxy.url }, settings: ctx.settings, runSeed: 5, tokens: FIXTURE_TOKENS });
      const first = await checkResponses(live, op('getPayoutFee'), 'hung');
      expect(first.errors.map((v) => v.check)).toContain('response-timeout');
      const later = await checkAuthentication(live, op('getPayoutFee'), 'hung-auth');
      expect(later.outcomes.length).toBeGreaterThan(0);
      for (const o of later.outcomes.filter((x) => x.status !== 'not-applicable'))
        expect(o).toMatchObject({ status: 'not-reached', reason: expect.stringMatching(/circuit breaker/) });
      expect(later.notSent?.[0]).toMatchObject({ kind: 'circuit-open', operation: 'GET /payouts/fee' });
    } finally {
      await proxy.close();
    }
  });
});

describe('time budget', () => {
  test.each([
    ['90s', 90_000],
    ['10m', 600_000],
    ['600', 600_000],
    ['1h', 3_600_000],
    ['500ms', 500],
    ['1.5m', 90_000],
    ['ten', undefined],
    ['0', undefined],
    ['-5s', undefined],
  ])('CONTRACT_MAX_TIME %s → %s ms', (raw, ms) => {
    expect(parseDuration(raw)).toBe(ms);
  });

  test('15 minutes by default live and for a deep run, none on the mock unless set; off turns it off; a bad one is one line', () => {
    expect(readSettings({ CONTRACT_BASE_URL: 'http://127.0.0.1:1/api/v1' }).maxTime).toEqual({ ms: 900_000, label: '15m' });
    expect(readSettings({}).maxTime).toBeUndefined();
    expect(readSettings({ CONTRACT_DEEP: '1' }).maxTime?.label).toBe('15m');
    expect(readSettings({ CONTRACT_MAX_TIME: '90s' }).maxTime).toEqual({ ms: 90_000, label: '90s' });
    expect(readSettings({ CONTRACT_BASE_URL: 'http://127.0.0.1:1/api/v1', CONTRACT_MAX_TIME: 'off' }).maxTime).toBeUndefined();
    expect(() => readSettings({ CONTRACT_MAX_TIME: 'soon' })).toThrow(
      /CONTRACT_MAX_TIME: expected a duration like 90s, 10m or 600 \(seconds\), or off — got "soon"/,
    );
    const env: NodeJS.ProcessEnv = { CONTRACT_MAX_TIME: '2m' };
    armDeadline(env, { now: 1_000 });
    expect(env['CONTRACT_DEADLINE']).toBe(String(1_000 + 120_000));
    armDeadline(env, { now: 5_000 });
    expect(env['CONTRACT_DEADLINE']).toBe(String(121_000));
  });

  test('past the deadline nothing is sent: the exchange says the time budget ran out, and its checks are not reached', async () => {
    const ctx = await contextFor([], { maxTime: { ms: 1, label: '1ms' }, deadline: Date.now() - 1 });
    const result = await checkResponses(ctx, op('listRoles'), 'late');
    expect(ctx.transport.sent).toBe(0);
    expect(result.outcomes.length).toBeGreaterThan(0);
    for (const o of result.outcomes.filter((x) => x.status !== 'not-applicable'))
      expect(o).toMatchObject({ status: 'not-reached', reason: 'the time budget (1ms) ran out' });
    expect(ctx.transport.stats().deadlineHit).toBe('the time budget (1ms) ran out');
  });

  test('a deep run puts --deep and its budget in every replay line', () => {
    const settings = readSettings({ CONTRACT_DEEP: '1', CONTRACT_MAX_TIME: '30s' });
    expect(replayCommand(replayContext(settings, {}, 7), 'GET /roles › valid requests get documented responses', '140:2')).toBe(
      "CONTRACT_SEED=7 CONTRACT_PATH=140:2 npm run contract -- --deep --max-time 30s --only 'GET /roles › valid requests get documented responses'",
    );
    expect(replayCommand(replayContext(readSettings({}), {}, 7), 'x')).toBe('CONTRACT_SEED=7 npm run contract -- --only x');
  });
});

describe('throttling: the server sets the pace (AIMD)', () => {
  type Step = ['429' | 'ok', number];
  test.each<[string, { max: number; steps: Step[]; window: number; lowest: number }]>([
    ['a 429 halves the window', { max: 8, steps: [['429', 0]], window: 4, lowest: 4 }],
    [
      '429s of requests sent before the cut halve it once',
      {
        max: 8,
        steps: [
          ['429', 0],
          ['429', 0],
          ['429', 0],
        ],
        window: 4,
        lowest: 4,
      },
    ],
    [
      'a 429 after the cut halves it again',
      {
        max: 8,
        steps: [
          ['429', 0],
          ['429', 10],
        ],
        window: 2,
        lowest: 2,
      },
    ],
    [
      'never below one',
      {
        max: 2,
        steps: [
          ['429', 0],
          ['429', 10],
          ['429', 20],
        ],
        window: 1,
        lowest: 1,
      },
    ],
    [
      'a window of answers in a row adds one back',
      {
        max: 8,
        steps: [
          ['429', 0],
          ['ok', 10],
          ['ok', 10],
          ['ok', 10],
          ['ok', 10],
        ],
        window: 5,
        lowest: 4,
      },
    ],
    [
      'never above the configured concurrency',
      {
        max: 2,
        steps: [
          ['ok', 0],
          ['ok', 0],
          ['ok', 0],
          ['ok', 0],
        ],
        window: 2,
        lowest: 2,
      },
    ],
  ])('%s', (_name, { max, steps, window, lowest }) => {
    let clock = 0;
    const limit = new AdaptiveLimit(max, () => clock);
    for (const [what, grantedAt] of steps) {
      clock += 1;
      if (what === '429') limit.throttle(grantedAt);
      else limit.answered();
    }
    expect(limit.current).toBe(window);
    expect(limit.lowest).toBe(lowest);
  });

  test('a server that throttles past one request in flight is asked more slowly, the waits stay bounded, and the rate it allowed is reported', async () => {
    let inFlight = 0;
    const strict = createServer((_req, res) => {
      inFlight++;
      res.on('close', () => inFlight--);
      if (inFlight > 1) {
        res.writeHead(429, { 'retry-after': '0', 'content-type': 'application/json' });
        return void res.end('{}');
      }
      setTimeout(() => {
        res.setHeader('content-type', 'application/json');
        res.end('{}');
      }, 5);
    });
    await new Promise<void>((r) => strict.listen(0, '127.0.0.1', r));
    try {
      const ctx = createContext({
        spec,
        target: { kind: 'live', baseUrl: `http://127.0.0.1:${(strict.address() as AddressInfo).port}` },
        settings: { ...readSettings({}), concurrency: 4 },
        runSeed: 1,
        tokens: FIXTURE_TOKENS,
      });
      const auth = tokenAuth(ctx, FIXTURE_TOKENS[0]!);
      const all = await Promise.all(
        Array.from({ length: 60 }, (_, i) => ctx.transport.send(op('listDomains'), { path: {}, query: { page: i + 1 }, headers: {} }, auth)),
      );
      const throttle = ctx.transport.stats().throttle!;
      expect(throttle.lowest).toBeLessThan(4);
      // Learnt: once lowered, most requests go through at the first try.
      expect(throttle.answered429).toBeLessThan(60);
      expect(all.filter((e) => e.response?.status === 200).length).toBeGreaterThanOrEqual(55);
      expect(throttle.allowedPerSecond).toBeGreaterThan(0);
    } finally {
      strict.closeAllConnections();
      await new Promise((r) => strict.close(r));
    }
  });
});

describe('a deep run', () => {
  test('breaks each request every way the spec allows (each rule of each input, boundaries included), not only the ways the draws picked', async () => {
    const ctx = await contextFor([], { runs: 3, deep: true });
    const families = invalidRequestFamilies(spec, op('listRoles'), { identity: {} })!;
    const broken = new Set<string>();
    const send = ctx.transport.send.bind(ctx.transport);
    ctx.transport.send = (o, request, auth, extra) => {
      if (request.invalid) broken.add(`${request.invalid.target} ${request.invalid.rule}`);
      return send(o, request, auth, extra);
    };
    const normal = new Set<string>();
    await checkInvalidInputs(
      {
        ...ctx,
        settings: { ...ctx.settings, deep: false },
        transport: { ...ctx.transport, send: (o, r, a, e) => (r.invalid && normal.add(`${r.invalid.target} ${r.invalid.rule}`), send(o, r, a, e)) },
      },
      op('listRoles'),
      'normal',
    );
    const result = await checkInvalidInputs(ctx, op('listRoles'), 'deep');
    expect(result.errors).toEqual([]);
    expect(families.length).toBeGreaterThan(normal.size);
    expect(broken.size).toBe(families.length);
    expect(ctx.clock.traffic().cases['GET /roles']).toBeGreaterThanOrEqual(families.length * 3);
  });
});
