import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { checkResponses } from '../../src/run/scenarios/responses.ts';
import { FIXTURE_TOKENS, startAccountServer } from '../fixtures/account-server.ts';
import { recordedAccountRun } from './support/recorded.ts';

const ROOT = resolve(import.meta.dirname, '../..');
/** What `npm run contract` runs. */
const CONTRACT = join(ROOT, 'scripts/contract.mjs');
const dir = mkdtempSync(join(tmpdir(), 'contract-cli-'));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

function contract(env: Record<string, string>) {
  return spawnSync(process.execPath, [CONTRACT], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CONTRACT_BASE_URL: '', CONTRACT_TOKENS: '', CONTRACT_TOKENS_FILE: '', ...env },
  });
}

const goodTokens = JSON.stringify({ tokens: [{ name: 'full-a', token: 'app_secret_value_1234', scopes: ['READ_KYC'], store: 'a' }] });

describe('bad input: one clear line, exit 2, no stack trace', () => {
  test.each([
    ['missing spec', { CONTRACT_SPEC: '/nowhere/spec.yaml' }, /spec: \/nowhere\/spec.yaml does not exist/],
    ['invalid YAML', { CONTRACT_SPEC: file('bad.yaml', 'openapi: 3.1.0\ninfo: [unclosed\n') }, /is not valid YAML\/JSON/],
    [
      'Swagger 2.0',
      { CONTRACT_SPEC: file('swagger.yaml', 'swagger: "2.0"\ninfo: {title: x, version: "1"}\npaths: {}\n') },
      /swagger.yaml is Swagger 2.0, not OpenAPI 3.0\/3.1 — convert it first/,
    ],
    [
      'not OpenAPI',
      { CONTRACT_SPEC: file('asyncapi.yaml', 'asyncapi: 2.6.0\ninfo: {title: x, version: "1"}\n') },
      /is not an OpenAPI 3.0\/3.1 document \(found openapi: null\)/,
    ],
    ['OpenAPI 3.2', { CONTRACT_SPEC: file('v32.yaml', 'openapi: 3.2.0\ninfo: {title: x, version: "1"}\npaths: {}\n') }, /\(found openapi: "3.2.0"\)/],
    ['empty spec file', { CONTRACT_SPEC: file('empty.yaml', '') }, /empty.yaml is empty$/],
    [
      'no operations',
      { CONTRACT_SPEC: file('nopaths.yaml', 'openapi: 3.1.0\ninfo: {title: x, version: "1"}\npaths: {}\n') },
      /nopaths.yaml has no operations .* — nothing to test$/,
    ],
    [
      'unresolvable $ref',
      {
        CONTRACT_SPEC: file(
          'ref.yaml',
          'openapi: 3.1.0\ninfo: {title: x, version: "1"}\npaths:\n  /a:\n    get:\n      responses:\n        "200": {$ref: "#/components/responses/Nope"}\n',
        ),
      },
      /unresolvable \$ref/,
    ],
    ['CONTRACT_RUNS not a positive integer', { CONTRACT_RUNS: 'many' }, /CONTRACT_RUNS: expected a positive integer/],
    [
      'credentials in CONTRACT_BASE_URL',
      { CONTRACT_BASE_URL: 'http://admin:app_secret_value_1234@127.0.0.1:9/api', CONTRACT_TOKENS: goodTokens },
      /CONTRACT_BASE_URL: http:\/\/127\.0\.0\.1:9\/api carries a user name or password \(not shown\)/,
    ],
    [
      'a query in CONTRACT_BASE_URL',
      { CONTRACT_BASE_URL: 'http://127.0.0.1:9/api?api_key=app_secret_value_1234', CONTRACT_TOKENS: goodTokens },
      /CONTRACT_BASE_URL: http:\/\/127\.0\.0\.1:9\/api has a query string \(not shown\)/,
    ],
    ['CONTRACT_TIMEOUT_MS past a timer', { CONTRACT_TIMEOUT_MS: '3000000000' }, /CONTRACT_TIMEOUT_MS: at most 2147483647 ms/],
    ['live target without tokens', { CONTRACT_BASE_URL: 'http://127.0.0.1:9/api' }, /CONTRACT_TOKENS_FILE or CONTRACT_TOKENS is required/],
    ['tokens not JSON', { CONTRACT_BASE_URL: 'http://127.0.0.1:9/api', CONTRACT_TOKENS: '{nope' }, /CONTRACT_TOKENS: not valid JSON/],
    [
      'token without app_ prefix',
      {
        CONTRACT_BASE_URL: 'http://127.0.0.1:9/api',
        CONTRACT_TOKENS: JSON.stringify({ tokens: [{ name: 'ops', token: 'sk_live_x', scopes: [], store: 'a' }] }),
      },
      /token 'ops' has no app_ prefix/,
    ],
    [
      'unknown scope',
      {
        CONTRACT_BASE_URL: 'http://127.0.0.1:9/api',
        CONTRACT_TOKENS: JSON.stringify({ tokens: [{ name: 'x', token: 'app_live_token_9f3c', scopes: ['READ_EVERYTHING'], store: 'a' }] }),
      },
      /unknown scope READ_EVERYTHING/,
    ],
    [
      'target host does not resolve',
      { CONTRACT_BASE_URL: 'http://contract-target.invalid/api', CONTRACT_TOKENS: goodTokens },
      /is unreachable — host name does not resolve/,
    ],
    ['unreachable target', { CONTRACT_BASE_URL: 'http://127.0.0.1:59999/api', CONTRACT_TOKENS: goodTokens }, /is unreachable — connection refused/],
  ])('%s', (_name, env, message) => {
    const run = contract(env);
    expect(run.status).toBe(2);
    const lines = run.stderr.split('\n').filter((l) => l.trim() && !/npm warn/.test(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(run.stderr + run.stdout).not.toMatch(/\n\s+at /);
    expect(run.stderr + run.stdout).not.toContain('app_secret_value_1234');
  });
});

describe('a TLS target that does not speak TLS', () => {
  test('is one line naming TLS, exit 2', async () => {
    const server = await startAccountServer();
    try {
      const port = new URL(server.url).port;
      const run = await new Promise<{ status: number | null; err: string }>((done) => {
        const child = spawn(process.execPath, [CONTRACT], {
          cwd: ROOT,
          env: { ...process.env, CONTRACT_BASE_URL: `https://127.0.0.1:${port}/api/v1`, CONTRACT_TOKENS: goodTokens, CONTRACT_TOKENS_FILE: '' },
        });
        let err = '';
        child.stderr.on('data', (d) => (err += d));
        child.on('close', (status) => done({ status, err }));
      });
      expect(run.status).toBe(2);
      expect(run.err.split('\n').filter((l) => l.trim() && !/npm warn/.test(l))).toEqual([expect.stringMatching(/is unreachable — TLS failed/)]);
    } finally {
      await server.close();
    }
  });
});

describe('secrets', () => {
  test('a token echoed back by the server never reaches a result, a request record or a replay line', async () => {
    const server = await startAccountServer({ faults: ['echo-token'] });
    try {
      const { spec, ctx, seen } = await recordedAccountRun(server.url);
      const op = spec.operations.find((o) => o.id === 'refreshKycStatus')!;
      const result = await checkResponses(ctx, op, 'echo');
      expect(seen()).toContain('<redacted:full-a>');
      for (const t of FIXTURE_TOKENS) {
        expect(seen()).not.toContain(t.token);
        expect(JSON.stringify(result)).not.toContain(t.token);
      }
    } finally {
      await server.close();
    }
  });
});

describe("npm run contract against the embedded mock (the README's main command)", () => {
  test('starts Prism, runs every contract file while it boots, passes and leaves no mock behind', async () => {
    const reports = mkdtempSync(join(tmpdir(), 'contract-reports-'));
    const run = await new Promise<{ status: number | null; out: string; stdout: string }>((done) => {
      const child = spawn(process.execPath, [CONTRACT, '--reports', reports, '--runs', '5'], {
        cwd: ROOT,
        env: { ...process.env, CONTRACT_BASE_URL: '', CONTRACT_TOKENS: '', CONTRACT_TOKENS_FILE: '' },
      });
      let out = '';
      let stdout = '';
      child.stdout.on('data', (d) => ((out += d), (stdout += d)));
      child.stderr.on('data', (d) => (out += d));
      child.on('close', (status) => done({ status, out, stdout }));
    });
    expect(run.out).toMatch(/the contract holds/);
    // vitest starts before the spec is checked and its output is held meanwhile: once released, all of it is shown,
    // and the verdict is still the last line.
    expect(run.stdout).toMatch(/Test Files .* passed/);
    expect(run.stdout.trim().split('\n').at(-1)).toMatch(/^the contract holds/);
    expect(run.out).toContain(`reports in ${reports}/`);
    expect(run.status).toBe(0);
    const report = JSON.parse(readFileSync(join(reports, 'contract.json'), 'utf8')) as { target: { kind: string }; outcomes: Array<{ status: string }> };
    expect(report.target.kind).toBe('mock');
    expect(report.outcomes.filter((o) => o.status === 'passed').length).toBeGreaterThan(50);
    const url = /Prism mock is up at (http:\/\/127\.0\.0\.1:\d+)/.exec(run.out)![1]!;
    await expect(fetch(url, { signal: AbortSignal.timeout(500) })).rejects.toThrow();
  });
});

describe('npm run contract against a local server', () => {
  async function runAgainst(faults: Parameters<typeof startAccountServer>[0]) {
    const server = await startAccountServer(faults);
    const reports = mkdtempSync(join(tmpdir(), 'contract-reports-'));
    try {
      const run = await new Promise<{ status: number | null; out: string }>((done) => {
        const child = spawn(process.execPath, [CONTRACT, '--reports', reports], {
          cwd: ROOT,
          env: {
            ...process.env,
            CONTRACT_BASE_URL: server.url,
            CONTRACT_TOKENS: JSON.stringify({ tokens: FIXTURE_TOKENS }),
            CONTRACT_TOKENS_FILE: '',
            CONTRACT_RUNS: '5',
            CONTRACT_SEED: '11',
          },
        });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.on('close', (status) => done({ status, out }));
      });
      const files = readdirSync(reports)
        .map((f) => readFileSync(join(reports, f), 'utf8'))
        .join('\n');
      const drift = JSON.parse(readFileSync(join(reports, 'drift.json'), 'utf8')) as {
        observations: Array<{ kind: string; operation: string; location: string; value: string; count: number; example: { value: unknown } }>;
      };
      return {
        ...run,
        files,
        drift,
        report: JSON.parse(readFileSync(join(reports, 'contract.json'), 'utf8')) as { verdict: string; violations: Array<{ check: string }> },
      };
    } finally {
      await server.close();
    }
  }

  test('passes (exit 0) on the conforming server, and its live drift report shows only RFC 3339 timestamps', async () => {
    const run = await runAgainst({});
    expect(run.out).toMatch(/the contract holds/);
    expect(run.status).toBe(0);
    expect(run.report.verdict).toBe('holds');
    expect(run.drift.observations.filter((o) => !(o.kind === 'timestamp-format' && o.value === 'rfc3339'))).toEqual([]);
    expect(run.drift.observations.length).toBeGreaterThan(0);
  });

  test('live drift: an unknown enum value, an extra field and an epoch-ms timestamp are aggregated with counts and an example', async () => {
    const run = await runAgainst({ faults: ['enum-expired', 'extra-field', 'timestamp-epoch'] });
    const seen = (kind: string, value: string) => run.drift.observations.find((o) => o.kind === kind && o.operation === 'GET /kyc/status' && o.value === value);
    expect(seen('enum-value-unknown', 'expired')).toMatchObject({ location: '/data/status', example: { value: 'expired' } });
    expect(seen('field-unknown', 'riskScore')).toMatchObject({ location: '/data/riskScore', example: { value: 0.12 } });
    expect(seen('timestamp-format', 'epoch-ms')?.count).toBeGreaterThan(0);
    expect(run.files).toMatch(/## `GET \/kyc\/status`[\s\S]*values outside a documented enum/);
  });

  test('fails (exit 1) naming the check, on a faulty server, and writes the reports', async () => {
    const run = await runAgainst({ faults: ['enum-expired'] });
    expect(run.status).toBe(1);
    expect(run.out).toMatch(/violation enum-value-undocumented · GET \/kyc\/status/);
    expect(run.out).toMatch(/Reproduce with:\n\s+CONTRACT_BASE_URL=\S+ CONTRACT_TOKENS="\$CONTRACT_TOKENS" CONTRACT_RUNS=5 CONTRACT_SEED=11 /);
    expect(run.report.violations.map((v) => v.check)).toContain('enum-value-undocumented');
    expect(run.files).toContain('<testsuite');
  });

  test('no token value reaches the console or any report, even when the server echoes it', async () => {
    const run = await runAgainst({ faults: ['echo-token', 'scope-ignored'] });
    expect(run.status).toBe(1);
    for (const t of FIXTURE_TOKENS) {
      expect(run.out).not.toContain(t.token);
      expect(run.files).not.toContain(t.token);
    }
  });
});

describe('a spec built to exhaust the YAML parser', () => {
  test('is refused in one line, not a stack trace', () => {
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      laughs.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(', ')}]`,
      );
    const run = contract({ CONTRACT_SPEC: file('laughs.yaml', `openapi: 3.1.0\ninfo: {title: x, version: "1"}\npaths: {}\n${laughs.join('\n')}\n`) });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^contract: spec: .*laughs.yaml cannot be read — /m);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
