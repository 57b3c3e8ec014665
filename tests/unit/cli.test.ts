import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readSettings } from '../../src/config/env.ts';
import { buildSpecModel, createContext } from '../../src/run/context.ts';
import { checkResponses } from '../../src/run/scenarios/responses.ts';
import { FIXTURE_TOKENS, startAccountServer } from '../fixtures/account-server.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'contract-cli-'));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

function contract(env: Record<string, string>) {
  return spawnSync(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'scripts/contract.ts')], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CONTRACT_BASE_URL: '', CONTRACT_TOKENS: '', CONTRACT_TOKENS_FILE: '', ...env } });
}

const goodTokens = JSON.stringify({ tokens: [{ name: 'full-a', token: 'app_secret_value_1234', scopes: ['READ_KYC'], store: 'a' }] });

describe('bad input: one clear line, exit 2, no stack trace', () => {
  test.each([
    ['missing spec', { CONTRACT_SPEC: '/nowhere/spec.yaml' }, /spec: \/nowhere\/spec.yaml does not exist/],
    ['invalid YAML', { CONTRACT_SPEC: file('bad.yaml', 'openapi: 3.1.0\ninfo: [unclosed\n') }, /is not valid YAML\/JSON/],
    ['not OpenAPI', { CONTRACT_SPEC: file('swagger.yaml', 'swagger: "2.0"\ninfo: {title: x, version: "1"}\npaths: {}\n') }, /is not an OpenAPI 3.0\/3.1 document/],
    ['unresolvable $ref', { CONTRACT_SPEC: file('ref.yaml', 'openapi: 3.1.0\ninfo: {title: x, version: "1"}\npaths:\n  /a:\n    get:\n      responses:\n        "200": {$ref: "#/components/responses/Nope"}\n') }, /unresolvable \$ref/],
    ['CONTRACT_RUNS not a positive integer', { CONTRACT_RUNS: 'many' }, /CONTRACT_RUNS: expected a positive integer/],
    ['live target without tokens', { CONTRACT_BASE_URL: 'http://127.0.0.1:9/api' }, /CONTRACT_TOKENS_FILE or CONTRACT_TOKENS is required/],
    ['tokens not JSON', { CONTRACT_BASE_URL: 'http://127.0.0.1:9/api', CONTRACT_TOKENS: '{nope' }, /CONTRACT_TOKENS: not valid JSON/],
    ['token without app_ prefix', { CONTRACT_BASE_URL: 'http://127.0.0.1:9/api', CONTRACT_TOKENS: JSON.stringify({ tokens: [{ name: 'ops', token: 'sk_live_x', scopes: [], store: 'a' }] }) }, /token 'ops' has no app_ prefix/],
    ['unknown scope', { CONTRACT_BASE_URL: 'http://127.0.0.1:9/api', CONTRACT_TOKENS: JSON.stringify({ tokens: [{ name: 'x', token: 'app_x', scopes: ['READ_EVERYTHING'], store: 'a' }] }) }, /unknown scope READ_EVERYTHING/],
    ['unreachable target', { CONTRACT_BASE_URL: 'http://127.0.0.1:59999/api', CONTRACT_TOKENS: goodTokens }, /is unreachable — connection refused/],
  ])('%s', (_name, env, message) => {
    const run = contract(env as Record<string, string>);
    expect(run.status).toBe(2);
    const lines = run.stderr.split('\n').filter((l) => l.trim() && !/npm warn/.test(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(run.stderr + run.stdout).not.toMatch(/\n\s+at /);
    expect(run.stderr + run.stdout).not.toContain('app_secret_value_1234');
  });
});

describe('secrets', () => {
  test('a token echoed back by the server never reaches a result, a request record or a replay line', async () => {
    const server = await startAccountServer({ faults: ['echo-token'] });
    try {
      const spec = await buildSpecModel('spec/salesive-account.yaml');
      const ctx = createContext({ spec, target: { kind: 'live', baseUrl: server.url }, settings: { ...readSettings({}), runs: 5 }, runSeed: 7, tokens: FIXTURE_TOKENS });
      const op = spec.operations.find((o) => o.id === 'refreshKycStatus')!;
      let seen = '';
      const original = ctx.transport.send;
      ctx.transport.send = async (...args) => {
        const exchange = await original(...args);
        seen += JSON.stringify(exchange);
        return exchange;
      };
      const result = await checkResponses(ctx, op, 'echo');
      expect(seen).toContain('<redacted:full-a>');
      for (const t of FIXTURE_TOKENS) {
        expect(seen).not.toContain(t.token);
        expect(JSON.stringify(result)).not.toContain(t.token);
      }
    } finally {
      await server.close();
    }
  });
});
