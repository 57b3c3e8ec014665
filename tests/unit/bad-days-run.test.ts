import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { FIXTURE_TOKENS, startAccountServer } from '../fixtures/account-server.ts';
import { startBadDayProxy } from '../fixtures/bad-days.ts';
import { cleanEnv, ROOT, runContract, tokensFile } from './support/cli.ts';

/**
 * Bad days, end to end through `npm run contract`: one operation that never answers, a time budget that runs out,
 * a deep run that goes on until its budget, and a run that leaves no process behind. Timings are asserted with
 * generous bounds (the machine is shared), against a baseline measured in the same test where it matters.
 */

const timed = async <T>(run: () => Promise<T>): Promise<T & { wallMs: number }> => {
  const started = performance.now();
  const result = await run();
  return { ...result, wallMs: performance.now() - started };
};

describe('one operation that never answers', () => {
  test('the run goes on without it and ends within about 3× CONTRACT_TIMEOUT_MS of a run without the fault; one finding says how many requests were not sent', async () => {
    const server = await startAccountServer();
    const proxy = await startBadDayProxy(server.url, { hang: (m, p) => m === 'GET' && p.endsWith('/payouts/fee') });
    const tokens = tokensFile(FIXTURE_TOKENS);
    const timeoutMs = 3000;
    try {
      const env = { CONTRACT_TOKENS_FILE: tokens, CONTRACT_TIMEOUT_MS: String(timeoutMs) };
      const baseline = await timed(() => runContract([], { ...env, CONTRACT_BASE_URL: server.url }));
      expect(baseline.status).toBe(0);
      const run = await timed(() => runContract([], { ...env, CONTRACT_BASE_URL: proxy.url }));
      expect(run.status, run.out.slice(-2000)).toBe(1);
      expect(run.wallMs - baseline.wallMs).toBeLessThan(3 * timeoutMs);
      const report = run.report();
      const timeouts = report.findings.filter((f: { check: string }) => f.check === 'response-timeout');
      expect(timeouts).toEqual([expect.objectContaining({ operation: 'GET /payouts/fee', notSent: expect.any(Number) })]);
      expect(timeouts[0].notSent).toBeGreaterThan(10);
      expect(report.circuits).toEqual([{ operation: 'GET /payouts/fee', kind: 'timeout', after: expect.any(Number), notSent: timeouts[0].notSent }]);
      expect(run.stdout).toMatch(/CIRCUIT OPEN: GET \/payouts\/fee — \d timeouts in a row, so its other \d+ request\(s\) were not sent/);
      expect(run.stdout).toMatch(/circuit breaker: GET \/payouts\/fee was not asked again — \d+ request\(s\) to it not sent/);
      // Its checks of what an answer says are not reached — never passed (the transport checks did judge the
      // requests that went out: no refused connection, no oversized body); every other operation was judged.
      const rows = report.outcomes as Array<{ check: string; operation: string; status: string; reason?: string }>;
      const transport = ['response-timeout', 'response-too-large', 'connection-failed'];
      const hung = rows.filter((o) => o.operation === 'GET /payouts/fee' && !transport.includes(o.check) && o.status !== 'not-applicable');
      expect(hung.length).toBeGreaterThan(3);
      for (const o of hung) expect(o.status).toBe('not-reached');
      for (const other of ['GET /roles', 'GET /domains', 'GET /kyc/status'])
        expect(rows.find((o) => o.operation === other && o.check === 'response-schema-mismatch')?.status).toBe('passed');
      expect(proxy.counts.held).toBeLessThanOrEqual(4);
    } finally {
      await proxy.close();
      await server.close();
    }
  });
});

describe('the time budget', () => {
  test('a hanging server and a short budget: the run stops sending, ends incomplete (exit 3) and says so on every check it did not reach', async () => {
    const server = await startAccountServer({ faults: ['hang'] });
    try {
      const run = await timed(() =>
        runContract(['--max-time', '2s'], { CONTRACT_BASE_URL: server.url, CONTRACT_TOKENS_FILE: tokensFile(FIXTURE_TOKENS), CONTRACT_TIMEOUT_MS: '4000' }),
      );
      expect(run.status, run.out.slice(-2000)).toBe(3);
      // Generous: the budget, the request in flight at that moment (its timeout), start-up and reports.
      expect(run.wallMs).toBeLessThan(2000 + 4000 + 25_000);
      const report = run.report();
      expect(report.verdict).toBe('incomplete');
      expect(report.timeBudget).toMatchObject({ label: '2s', ranOut: true });
      const notReached = (report.outcomes as Array<{ status: string; reason?: string }>).filter((o) => o.status === 'not-reached');
      expect(notReached.length).toBeGreaterThan(50);
      for (const o of notReached) expect(o.reason).toBe('the time budget (2s) ran out');
      expect(run.stdout).toMatch(/not reached: the time budget \(2s\) ran out/);
      expect(run.stdout).toMatch(/TIME BUDGET RAN OUT \(2s\)/);
      expect(run.stdout).toMatch(/INCOMPLETE — the contract was not fully checked — the time budget \(2s\) ran out/);
      expect(run.file('junit.xml')).toMatch(/type="incomplete"/);
      expect(run.file('summary.md')).toMatch(/## Time budget ran out \(2s\)/);
    } finally {
      await server.close();
    }
  });
});

describe('a deep run', () => {
  test('--deep --max-time: explores further until the budget, stops within a few seconds of it with a complete report, and a failure it finds replays from its printed line', async () => {
    const server = await startAccountServer({ faults: ['timestamp-naive'] });
    // The issue's own figure: against a 15 s budget on a busy 2-core machine the base runs alone take half of it.
    const budget = 30;
    try {
      const tokens = tokensFile(FIXTURE_TOKENS);
      const env = { CONTRACT_BASE_URL: server.url, CONTRACT_TOKENS_FILE: tokens, CONTRACT_PROGRESS: '2' };
      const run = await timed(() => runContract(['--deep', '--max-time', `${budget}s`], env));
      expect(run.status, run.out.slice(-2500)).toBe(1);
      // It stops within a few seconds of the budget. How much of the budget it fills depends on the machine's load (a
      // busy one spends the shares on base runs): that is measured, not asserted — what it explored is, below.
      expect(run.wallMs).toBeLessThan(budget * 1000 + 20_000);
      const report = run.report();
      expect(report.deep).toBe(true);
      expect(report.replay.flags).toEqual(['--deep', '--max-time', `${budget}s`]);
      // It explored further than a normal run (100 runs per property) somewhere, and says per operation how far it got.
      const ops = report.operations as Array<{ operation: string; cases: number; requests: number }>;
      expect(ops.map((o) => o.operation)).toEqual(expect.arrayContaining(['GET /roles', 'GET /payouts/fee', 'flow kyc-verification']));
      expect(Math.max(...ops.map((o) => o.cases))).toBeGreaterThan(100);
      expect(run.stdout).toMatch(/Deep run — how far it got per operation/);
      // Progress on stderr: time left and cases run.
      expect(run.stderr).toMatch(new RegExp(`contract: deep run · \\d+s left of ${budget}s · \\d+/\\d+ tests · [\\d,]+ cases · [\\d,]+ requests`));
      // Each test does a normal run's work before exploring further, so on a quiet machine every check is reached; on
      // a busy one the budget may end before the last ones — and each of those says so.
      for (const o of report.outcomes.filter((x: { status: string }) => x.status === 'not-reached'))
        expect(o.reason).toBe(`the time budget (${budget}s) ran out`);

      const finding = report.findings.find((f: { check: string; severity: string }) => f.check === 'timestamp-not-rfc3339' && f.severity === 'error');
      const line = report.violations.find((v: { finding: string }) => v.finding === finding.id).replay as string;
      expect(line).toContain(`npm run contract -- --deep --max-time ${budget}s --only `);
      expect(run.stdout).toContain(line);
      const reports = mkdtempSync(join(tmpdir(), 'contract-deep-replay-'));
      const again = await new Promise<{ status: number | null; out: string }>((done) => {
        const child = spawn('bash', ['-c', `${line} --reports ${reports}`], { cwd: ROOT, env: { ...cleanEnv() } });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.on('close', (status) => done({ status, out }));
      });
      expect(again.status, again.out.slice(-1500)).toBe(1);
      const replayed = JSON.parse(readFileSync(join(reports, 'contract.json'), 'utf8')) as { findings: Array<{ id: string }> };
      expect(replayed.findings.map((f) => f.id)).toContain(finding.id);
    } finally {
      await server.close();
    }
  });
});

describe('process hygiene: npm run contract leaves nothing behind', () => {
  /** `npm run contract` in a process group of its own; the group's processes (zombies too) the moment it exits. */
  function runInGroup(env: Record<string, string>): Promise<{ status: number | null; left: string[]; out: string }> {
    return new Promise((done) => {
      const child = spawn('npm', ['run', 'contract', '--', '--reports', mkdtempSync(join(tmpdir(), 'contract-group-'))], {
        cwd: ROOT,
        detached: true,
        env: { ...cleanEnv(), CONTRACT_RUNS: '10', ...env },
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('exit', (status) => {
        let left: string[] = [];
        try {
          left = execFileSync('ps', ['-o', 'pid=,stat=,args=', '-g', String(child.pid)], { encoding: 'utf8' })
            .trim()
            .split('\n')
            .filter(Boolean);
        } catch {
          // ps exits 1 when the group is empty
        }
        done({ status, left, out });
      });
    });
  }

  test.each([
    ['cold (empty tsx and vitest caches, as in a fresh clone)', true],
    ['warm', false],
  ])('%s', async (_name, cold) => {
    const fresh = mkdtempSync(join(tmpdir(), 'contract-cold-'));
    const run = await runInGroup(cold ? { TMPDIR: fresh, CONTRACT_MODULE_CACHE: join(fresh, 'vitest-cache') } : {});
    expect(run.status, run.out.slice(-1500)).toBe(0);
    expect(run.left).toEqual([]);
  });
});
