import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import getPort from 'get-port';
import { describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import { FIXTURE_TOKENS, startAccountServer, type Fault } from '../fixtures/account-server.ts';
import { cleanEnv, ROOT, runContract, tokensFile } from './support/cli.ts';

/**
 * Every line the suite prints can be acted on: the replay line and the curl line run as printed, a fault is one
 * finding however many requests show it, a misconfigured run says so in one line instead of blaming the API, and an
 * incomplete run never says it holds.
 */

/** Runs a printed command line in bash, as a user pasting it would (npm on the PATH, the project as cwd). */
function bash(script: string, env: Record<string, string> = {}): Promise<{ status: number | null; out: string }> {
  return new Promise((done) => {
    const child = spawn('bash', ['-c', script], { cwd: ROOT, env: { ...cleanEnv(), ...env } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (status) => done({ status, out }));
  });
}

/** A fixture server on a port that stays the same when it is restarted (so a printed line still points at it). */
async function serverOn(port: number, faults: Fault[]) {
  return startAccountServer({ port, faults });
}

const printed = (out: string, label: RegExp) =>
  out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => label.test(l));

describe('replay that replays', () => {
  test.each<[string, Fault, RegExp]>([
    ['a property test (seed and fast-check path)', 'schema-wrong-type', /GET \/domains › valid requests get documented responses/],
    ['a stateful flow test (seed)', 'kyc-new-session-each-time', /flow kyc-verification › states move only as declared/],
  ])('%s: the printed line, run as printed in bash, gives the same finding on the same operation', async (_kind, fault, test) => {
    const port = await getPort({ host: '127.0.0.1' });
    const server = await serverOn(port, [fault]);
    const tokens = tokensFile(FIXTURE_TOKENS);
    try {
      const first = await runContract([], { CONTRACT_BASE_URL: server.url, CONTRACT_TOKENS_FILE: tokens, CONTRACT_RUNS: '15' });
      expect(first.status).toBe(1);
      const finding = first.report().findings.find((f: { tests: string[]; severity: string }) => f.severity === 'error' && f.tests.some((t) => test.test(t)));
      expect(finding, 'the failing test has a finding').toBeTruthy();
      const line = first.report().violations.find((v: { finding: string }) => v.finding === finding.id).replay as string;
      expect(line).toContain(`CONTRACT_BASE_URL=${server.url}`);
      expect(line).toContain(`CONTRACT_TOKENS_FILE=${tokens}`);
      expect(first.out).toContain(line);
      const reports = mkdtempSync(join(tmpdir(), 'contract-replayed-'));
      const again = await bash(`${line} --reports ${reports}`);
      expect(again.status, again.out.slice(-1500)).toBe(1);
      const replayed = JSON.parse(readFileSync(join(reports, 'contract.json'), 'utf8')) as { findings: Array<{ id: string }> };
      expect(replayed.findings.map((f) => f.id)).toContain(finding.id);
      expect(replayed.findings.length).toBeLessThanOrEqual(3);
    } finally {
      await server.close();
    }
  });

  test('npm run contract -- replay <id>: STILL FAILING while the server is faulty, FIXED once it is not', async () => {
    const port = await getPort({ host: '127.0.0.1' });
    let server = await serverOn(port, ['enum-expired']);
    const tokens = tokensFile(FIXTURE_TOKENS);
    const reports = mkdtempSync(join(tmpdir(), 'contract-reports-'));
    try {
      // This seed once had the finding's first test be the flow (stateful: no path) while another test held a path.
      const first = await runContract(['--reports', reports], {
        CONTRACT_BASE_URL: server.url,
        CONTRACT_TOKENS_FILE: tokens,
        CONTRACT_RUNS: '10',
        CONTRACT_SEED: '433986588',
      });
      expect(first.status).toBe(1);
      const id = first.report().findings.find((f: { check: string }) => f.check === 'enum-value-undocumented').id as string;
      const still = await bash(`npm run contract -- replay ${id} --reports ${reports}`);
      expect(still.out, still.out.slice(-2500)).toMatch(new RegExp(`STILL FAILING: ${id} enum-value-undocumented · GET /kyc/status`));
      expect(still.status).toBe(1);
      // Gone because nothing could judge it (the server now answers HTML) is not fixed.
      await server.close();
      server = await serverOn(port, ['html-body']);
      const unjudged = await bash(`npm run contract -- replay ${id} --reports ${reports}`);
      expect(unjudged.out, unjudged.out.slice(-1500)).toMatch(
        new RegExp(
          `NOT JUDGED: ${id} enum-value-undocumented · GET /kyc/status .* the replay could not judge it \\(not-applicable: no response it could judge`,
        ),
      );
      expect(unjudged.status).toBe(3);
      await server.close();
      server = await serverOn(port, []);
      const fixed = await bash(`npm run contract -- replay ${id} --reports ${reports}`);
      expect(fixed.out).toMatch(new RegExp(`FIXED: ${id} enum-value-undocumented`));
      expect(fixed.status).toBe(0);
    } finally {
      await server.close();
    }
  });
});

describe('curl that runs', () => {
  test('the printed export and curl lines, run in bash, send the request with the real token and get its answer', async () => {
    const server = await startAccountServer({ faults: ['schema-wrong-type'] });
    const tokens = tokensFile(FIXTURE_TOKENS);
    try {
      const run = await runContract([], { CONTRACT_BASE_URL: server.url, CONTRACT_TOKENS_FILE: tokens, CONTRACT_RUNS: '5' });
      const exports = printed(run.out, /^export CONTRACT_TOKEN_[A-Z0-9_]+=/);
      const curls = printed(run.out, /^curl -sS -X GET "http:\/\/127\.0\.0\.1:\d+\/api\/v1\/domains"/);
      expect(exports.length).toBeGreaterThan(0);
      expect(curls.length).toBeGreaterThan(0);
      expect(run.out).not.toContain(FIXTURE_TOKENS[0]!.token);
      const sent = await bash(`${exports[0]}\n${curls[0]}`);
      expect(sent.status).toBe(0);
      expect(JSON.parse(sent.out)).toMatchObject({ status: 200, success: true });
    } finally {
      await server.close();
    }
  });
});

describe('curl that runs, for the credentials the suite made up', () => {
  test('an auth probe prints the made-up credential it sent (no secret), so its curl line gets the same answer', async () => {
    const server = await startAccountServer({ faults: ['auth-prefix-ignored'] });
    try {
      const run = await runContract(['--only', 'GET /domains › bad credentials get 401'], {
        CONTRACT_BASE_URL: server.url,
        CONTRACT_TOKENS_FILE: tokensFile(FIXTURE_TOKENS),
        CONTRACT_RUNS: '10',
        CONTRACT_SEED: '4',
      });
      expect(run.status).toBe(1);
      const curls = printed(run.out, /^curl -sS -X GET .*-H "Authorization: Bearer sk_unissued_[a-z0-9]+"$/);
      expect(curls.length, run.out.slice(-2000)).toBeGreaterThan(0);
      expect(run.out).not.toMatch(/Authorization: <[^>]+>/);
      const sent = await bash(`${curls[0]} -o /dev/null -w '%{http_code}'`);
      // The faulty server takes a credential without the app_ prefix: the pasted line shows it doing so.
      expect(sent.out.trim()).toBe('200');
    } finally {
      await server.close();
    }
  });
});

describe('one finding per fault', () => {
  test('a fault that breaks one rule on every response is printed once, with its count; counts agree everywhere', async () => {
    const server = await startAccountServer({ faults: ['envelope-message'] });
    try {
      const run = await runContract([], { CONTRACT_BASE_URL: server.url, CONTRACT_TOKENS_FILE: tokensFile(FIXTURE_TOKENS), CONTRACT_RUNS: '10' });
      expect(run.status).toBe(1);
      const section = run.stdout.slice(run.stdout.indexOf('\nFindings ('), run.stdout.indexOf('\nthe contract is violated'));
      const heads = section.split('\n').filter((l) => /^ {2}violation /.test(l));
      expect(heads.filter((l) => l.includes('envelope-message-empty'))).toHaveLength(1);
      expect(section).toMatch(/envelope-message-empty · .* · (\d+) occurrences · tokens [^·]+ · id \w+\n\s+expected[\s\S]*?on 13 operations/);
      const report = run.report();
      const findings = report.findings.filter((f: { severity: string }) => f.severity === 'error');
      const occurrences = findings.reduce((n: number, f: { count: number }) => n + f.count, 0);
      expect(run.stdout).toMatch(new RegExp(`Findings \\(${findings.length} findings?, ${occurrences} occurrences?\\)`));
      expect(run.stdout).toMatch(new RegExp(`the contract is violated — .*; ${findings.length} findings? \\(${occurrences} occurrences?\\)`));
      const junitFailures = Number(/<testsuites [^>]*failures="(\d+)"/.exec(run.file('junit.xml'))![1]);
      expect(junitFailures).toBe(new Set(findings.flatMap((f: { tests: string[] }) => f.tests)).size);
      const tableFindings = /envelope-message-empty\s+\d+\s+\d+\s+\d+\s+\d+\s+\d+\s+\d+\s+(\d+) \((\d+)\)/.exec(run.stdout)!;
      const own = findings.filter((f: { check: string }) => f.check === 'envelope-message-empty');
      expect([Number(tableFindings[1]), Number(tableFindings[2])]).toEqual([own.length, own.reduce((n: number, f: { count: number }) => n + f.count, 0)]);
      // The test's own failure text names each finding once, with the token it was seen with.
      expect(run.out).not.toMatch(/harness\.ts:\d+/);
    } finally {
      await server.close();
    }
  });
});

describe('misconfiguration is said as such, in one line, exit 2', () => {
  test('a base URL without the API path: every documented path answers 404', async () => {
    const server = await startAccountServer();
    try {
      const run = await runContract([], { CONTRACT_BASE_URL: server.url.replace(/\/api\/v1$/, ''), CONTRACT_TOKENS_FILE: tokensFile(FIXTURE_TOKENS) });
      expect(run.status).toBe(2);
      expect(run.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(/every documented path answers 404 .* does CONTRACT_BASE_URL include the API's base path \(the spec's servers use \/api\/v1\)\?/),
      ]);
    } finally {
      await server.close();
    }
  });

  test('tokens the server does not know: each refused with 401 on a read it is granted', async () => {
    const server = await startAccountServer();
    try {
      const stale = FIXTURE_TOKENS.map((t, i) => ({ ...t, token: `app_revoked_${i}_9a8b7c6d` }));
      const run = await runContract([], { CONTRACT_BASE_URL: server.url, CONTRACT_TOKENS_FILE: tokensFile(stale) });
      expect(run.status).toBe(2);
      expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/every token is refused \(401\) on a read it is granted/)]);
      const one = await runContract([], {
        CONTRACT_BASE_URL: server.url,
        CONTRACT_TOKENS_FILE: tokensFile([...FIXTURE_TOKENS.slice(1), { ...FIXTURE_TOKENS[0]!, token: 'app_expired_token_5f5f' }]),
      });
      expect(one.status).toBe(2);
      expect(one.stderr).toMatch(/token 'full-a' on GET \/domains is refused \(401\), a read it is granted — expired, revoked/);
    } finally {
      await server.close();
    }
  });

  test.each([
    [
      'the example matrix as shipped (placeholders)',
      readFileSync(join(ROOT, 'tokens.example.json'), 'utf8'),
      /token 'full-a' is a placeholder, not a credential/,
    ],
    [
      'two entries with the same value',
      JSON.stringify({
        tokens: [
          { name: 'a', token: 'app_live_1234abcd', scopes: [] },
          { name: 'b', token: 'app_live_1234abcd', scopes: [] },
        ],
      }),
      /tokens 'a' and 'b' hold the same value/,
    ],
    [
      'an unknown scheme',
      JSON.stringify({ tokens: [{ name: 'a', token: 'app_live_1234abcd', scheme: 'ApiKey' }] }),
      /is for scheme "ApiKey", which the spec does not define — one of AppToken/,
    ],
  ])('%s is refused at load', async (_name, matrix, message) => {
    const run = await runContract([], { CONTRACT_BASE_URL: 'http://127.0.0.1:9/api/v1', CONTRACT_TOKENS: matrix });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
  });
});

describe('incomplete is its own verdict', () => {
  test("a run the request budget cuts short exits 3, says so everywhere, and keeps every check's row as not reached", async () => {
    const server = await startAccountServer();
    try {
      const run = await runContract([], {
        CONTRACT_BASE_URL: server.url,
        CONTRACT_TOKENS_FILE: tokensFile(FIXTURE_TOKENS),
        CONTRACT_MAX_REQUESTS: '40',
        CONTRACT_RUNS: '20',
      });
      expect(run.status).toBe(3);
      expect(run.stdout).toMatch(/INCOMPLETE — the contract was not fully checked/);
      expect(run.stdout).toMatch(/REQUEST BUDGET SPENT/);
      const report = run.report();
      expect(report.verdict).toBe('incomplete');
      expect(report.outcomes.some((o: { status: string }) => o.status === 'not-reached')).toBe(true);
      expect(run.file('summary.md')).toMatch(/# Contract run — incomplete[\s\S]*\*\*Incomplete:\*\*/);
      expect(run.file('junit.xml')).toMatch(/type="incomplete"/);
      // vitest's own tally never counts a cut-short test as passed.
      const tally = /Tests\s+(?:\d+ failed \| )?(?:(\d+) passed)?(?: \| )?(?:\d+ skipped)? \((\d+)\)/.exec(run.stdout.replace(/\x1b\[[0-9;]*m/g, ''))!;
      expect(Number(tally[1] ?? 0)).toBeLessThanOrEqual(Number(tally[2]) - report.cutShort.length);
    } finally {
      await server.close();
    }
  });
});

describe('the rest', () => {
  test('settings from an env file (CONTRACT_ENV_FILE or .env), set variables winning; a missing one named is an error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'contract-env-'));
    writeFileSync(join(dir, 'ci.env'), 'CONTRACT_RUNS=7\nCONTRACT_SEED=99\n');
    const run = await runContract([], { CONTRACT_ENV_FILE: join(dir, 'ci.env'), CONTRACT_SEED: '5' });
    expect(run.stdout).toMatch(/settings read from .*ci\.env/);
    expect(run.stdout).toMatch(/seed 5 · 7 runs per property/);
    const missing = await runContract(['--dotenv', join(dir, 'nope.env')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim()).toMatch(/--dotenv: .*nope\.env does not exist/);
  });

  test('--allow-production-writes says loudly that writes go to production', async () => {
    const server = await startAccountServer();
    try {
      const doc = parse(readFileSync(join(ROOT, 'spec/salesive-account.yaml'), 'utf8')) as Record<string, any>;
      doc['servers'] = [{ url: server.url, description: 'Production', 'x-production': true }];
      const dir = mkdtempSync(join(tmpdir(), 'contract-prod-'));
      writeFileSync(join(dir, 'spec.yaml'), stringify(doc));
      const env = {
        CONTRACT_SPEC: join(dir, 'spec.yaml'),
        CONTRACT_BASE_URL: server.url,
        CONTRACT_TOKENS_FILE: tokensFile(FIXTURE_TOKENS),
        CONTRACT_RUNS: '5',
      };
      const guarded = await runContract(['--only', 'POST /kyc/session › valid requests get documented responses'], env);
      expect(guarded.report().skipped[0].reason).toMatch(/write operation not sent to production host/);
      expect(server.received['POST'] ?? 0).toBe(0);
      const allowed = await runContract(['--allow-production-writes', '--only', 'POST /kyc/session › valid requests get documented responses'], env);
      expect(allowed.stderr).toMatch(/WARNING — --allow-production-writes: write operations WILL be sent to the production host 127\.0\.0\.1:\d+/);
      expect(server.received['POST']).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });

  test('npm run sandbox on a port already in use: one line, exit 2', async () => {
    const busy = createServer();
    const port = await getPort({ host: '127.0.0.1' });
    await new Promise<void>((r) => busy.listen(port, '127.0.0.1', r));
    try {
      const run = await bash(`npm run -s sandbox -- --port ${port}`);
      expect(run.status).toBe(2);
      expect(
        run.out
          .trim()
          .split('\n')
          .filter((l) => l.trim()),
      ).toEqual([`sandbox: port ${port} is in use on 127.0.0.1 — pick another with --port`]);
    } finally {
      busy.close();
    }
  });

  test('invalid YAML is named with its line and column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'contract-yaml-'));
    writeFileSync(join(dir, 'bad.yaml'), 'openapi: 3.1.0\ninfo:\n  title: x\n   version: 1\n');
    const run = await runContract([], { CONTRACT_SPEC: join(dir, 'bad.yaml') });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toMatch(/bad\.yaml:3:10 is not valid YAML\/JSON — /);
  });
});
