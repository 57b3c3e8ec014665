import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { FIXTURE_TOKENS, startAccountServer } from '../fixtures/account-server.ts';
import { knownApis } from '../../src/config/apis.ts';
import { buildSpecModel } from '../../src/run/spec-model.ts';
import { inShard, servedOperations, shardOf } from '../../src/run/shard.ts';
import type { Operation } from '../../src/spec/operations.ts';
import type { OpenApiDocument } from '../../src/spec/types.ts';
import { runContract, tokensFile } from './support/cli.ts';
import { writeShardPart } from './support/shard-part.ts';

/**
 * `--shard i/n` splits the contract tests by operation (every family of an operation on one runner), and
 * `--merge-reports` puts the shards back together as the run they are parts of: same tests, same findings, same
 * verdict and exit code.
 */

describe('assignment', () => {
  test('stable: a key goes to the same shard on every machine, whatever else the spec holds', () => {
    // Pinned: a change here moves operations between the runners of every user's CI.
    expect([1, 2, 3, 4, 8].map((n) => shardOf('GET /kyc/status', n))).toEqual([1, 1, 2, 1, 1]);
    expect([1, 2, 3, 4, 8].map((n) => shardOf('POST /kyc/session', n))).toEqual([1, 2, 2, 2, 6]);
  });

  test.each(knownApis().map((a) => [a.name, a.spec] as const))('%s: every operation in exactly one of n shards', async (_name, spec) => {
    const { operations } = await buildSpecModel(spec);
    for (const count of [1, 2, 3, 5]) {
      for (const op of operations) {
        const holders = Array.from({ length: count }, (_, i) => i + 1).filter((index) => inShard(op.key, { index, count }));
        expect(holders).toEqual([shardOf(op.key, count)]);
      }
    }
  });
});

describe("what a shard's mock serves", () => {
  const op = (key: string, id: string, extensions: Record<string, unknown> = {}, responseExtensions: Record<string, unknown> = {}) =>
    ({
      key,
      id,
      method: key.split(' ')[0]!.toLowerCase(),
      path: key.split(' ')[1],
      parameters: [],
      writes: !key.startsWith('GET'),
      extensions,
      responses: new Map([['200', { extensions: responseExtensions }]]),
    }) as unknown as Operation;
  const doc = (extensions: Record<string, unknown> = {}) => ({ openapi: '3.1.0', info: { title: 't', version: '1' }, ...extensions }) as OpenApiDocument;
  // Among 2 shards GET /kyc/status falls to 1, POST /kyc/session and GET /roles to 2 (pinned below).
  const plain = [op('GET /kyc/status', 'status'), op('POST /kyc/session', 'session'), op('GET /roles', 'roles')];
  const first = { index: 1, count: 2 };
  const second = { index: 2, count: 2 };

  test('where the keys of the rows fall', () => {
    expect(plain.map((o) => shardOf(o.key, 2))).toEqual([1, 2, 2]);
  });

  test.each<[string, { ops: Operation[]; doc?: OpenApiDocument; shard?: { index: number; count: number } }, string[] | undefined]>([
    ['not sharded: all', { ops: plain }, undefined],
    ['one shard of one: all', { ops: plain, shard: { index: 1, count: 1 } }, undefined],
    ['shard 1/2: its own operation', { ops: plain, shard: first }, ['GET /kyc/status']],
    ['shard 2/2: its own operations', { ops: plain, shard: second }, ['POST /kyc/session', 'GET /roles']],
    ['x-flows in the document: all (a flow steps through several operations)', { ops: plain, doc: doc({ 'x-flows': [] }), shard: first }, undefined],
    ['x-tenant in the document: all (the matrix reads other resources)', { ops: plain, doc: doc({ 'x-tenant': {} }), shard: first }, undefined],
    ['x-links in the document: all (a link may point anywhere)', { ops: plain, doc: doc({ 'x-links': [] }), shard: first }, undefined],
    ['x-links on one response: all', { ops: [...plain.slice(0, 2), op('GET /roles', 'roles', {}, { 'x-links': [] })], shard: first }, undefined],
    [
      'x-resource-list: with the list operation it reads ids from, in whichever shard that falls',
      { ops: [op('GET /kyc/status', 'status', { 'x-resource-list': { operationId: 'roles' } }), ...plain.slice(1)], shard: first },
      ['GET /kyc/status', 'GET /roles'],
    ],
    ['a shard that holds no operation: all (nothing is sent to it, and Prism needs one)', { ops: plain.slice(0, 1), shard: second }, undefined],
  ])('%s', (_name, { ops, doc: d = doc(), shard }, want) => {
    expect(servedOperations({ doc: d, operations: ops }, shard)).toEqual(want);
  });
});

/** What a run concluded, whatever order its tests ran in: verdict, findings, and every check's outcome per operation. */
function summary(r: {
  report: () => {
    verdict: string;
    findings: Array<{ id: string; count: number; severity: string }>;
    outcomes: Array<{ check: string; operation: string; status: string }>;
  };
}) {
  const report = r.report();
  return {
    verdict: report.verdict,
    findings: report.findings.map((f) => `${f.id} ${f.severity} ×${f.count}`).sort(),
    outcomes: report.outcomes.map((o) => `${o.check} ${o.operation} ${o.status}`).sort(),
  };
}

describe('fan-out and merge, as CI runs them', () => {
  test('three shards against the Account fixture: every test exactly once, merged findings and verdict equal one run with the same seed', async () => {
    const server = await startAccountServer({ faults: ['enum-expired', 'accept-invalid'] });
    const env = { CONTRACT_BASE_URL: server.url, CONTRACT_TOKENS_FILE: tokensFile(FIXTURE_TOKENS), CONTRACT_RUNS: '10', CONTRACT_SEED: '4242' };
    try {
      const whole = await runContract([], env);
      expect(whole.status, whole.out.slice(-1500)).toBe(1);
      const shards = [];
      for (const i of [1, 2, 3]) shards.push(await runContract(['--shard', `${i}/3`], env));
      const merged = await runContract(['--merge-reports', ...shards.map((s) => s.reports)]);
      expect(merged.status, merged.out.slice(-1500)).toBe(whole.status);

      const tests = (r: { report: () => { outcomes: unknown }; file: (n: string) => string }) =>
        (JSON.parse(r.file('contract-shard.json')) as { cases: Array<{ result: { name: string } }> }).cases.map((c) => c.result.name);
      const testsOfWhole = [...whole.file('junit.xml').matchAll(/<testcase classname="tests\/contract\/[^"]*" name="([^"]*)"/g)].map((m) =>
        m[1]!
          .replace(/&apos;/g, "'")
          .replace(/&quot;/g, '"')
          .replace(/&amp;/g, '&')
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>'),
      );
      const sharded = shards.flatMap(tests);
      expect(new Set(sharded).size, 'no test in two shards').toBe(sharded.length);
      expect([...sharded].sort()).toEqual([...testsOfWhole].sort());
      // Every family of an operation on one shard.
      const shardOfTest = new Map(shards.flatMap((s, i) => tests(s).map((t) => [t, i] as const)));
      const byOperation = new Map<string, Set<number>>();
      for (const [t, i] of shardOfTest)
        if (!t.startsWith('flow ')) byOperation.set(t.split(' › ')[0]!, (byOperation.get(t.split(' › ')[0]!) ?? new Set()).add(i));
      for (const [op, holders] of byOperation) expect(holders.size, op).toBe(1);

      expect(summary(merged)).toEqual(summary(whole));
      expect(merged.file('junit.xml').match(/<testcase /g)?.length).toBe(whole.file('junit.xml').match(/<testcase /g)?.length);
      for (const file of ['summary.md', 'drift.md', 'drift.json']) expect(merged.file(file).length).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  }, 300_000);

  test("on the mock, each shard's Prism serves only that shard's operations, and the merged run is the single run", async () => {
    // The Account spec without the declarations that lead from one operation to others (flows, the tenant matrix,
    // links): what a spec nobody wrote for this suite looks like. Its x-resource-list reads remain.
    const { doc } = await buildSpecModel('spec/salesive-account.yaml');
    const { 'x-flows': _flows, 'x-tenant': _tenant, 'x-links': _links, ...plain } = doc;
    const spec = join(mkdtempSync(join(tmpdir(), 'shard-spec-')), 'account-plain.json');
    writeFileSync(spec, JSON.stringify(plain));
    const { operations } = await buildSpecModel(spec);
    const env = { CONTRACT_SEED: '4242', CONTRACT_RUNS: '10' };
    const whole = await runContract(['--spec', spec], env);
    expect(whole.status, whole.out.slice(-1500)).toBe(0);
    expect(whole.stdout).not.toMatch(/serving this shard's/);
    const shards = [];
    for (const i of [1, 2, 3]) {
      const shard = await runContract(['--spec', spec, '--shard', `${i}/3`], env);
      expect(shard.status, shard.out.slice(-1500)).toBe(0);
      // Its own operations, and the list operations their x-resource-list reads ids from.
      const own = operations.filter((op) => shardOf(op.key, 3) === i);
      const lists = own.flatMap((op) => {
        const list = (op.extensions['x-resource-list'] as { operationId?: string } | undefined)?.operationId;
        return operations.filter((o) => o.id === list && shardOf(o.key, 3) !== i);
      });
      expect(shard.stdout).toContain(`serving this shard's ${new Set([...own, ...lists]).size} of ${operations.length} operations`);
      shards.push(shard);
    }
    const merged = await runContract(['--merge-reports', ...shards.map((s) => s.reports)]);
    expect(merged.status, merged.out.slice(-1500)).toBe(0);
    expect(summary(merged)).toEqual(summary(whole));
  }, 300_000);

  test('a shard without a seed is refused: the shards must draw from one', async () => {
    const run = await runContract(['--shard', '1/2']);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/--shard: set CONTRACT_SEED/);
  });

  test.each([
    ['a shard missing', (dirs: string[]) => dirs.slice(0, 1), /shard 2\/2 is missing/],
    ['a shard given twice', (dirs: string[]) => [dirs[0]!, dirs[0]!, dirs[1]!], /shard 1\/2 is given twice/],
    ['a directory without shard results', () => [mkdtempSync(join(tmpdir(), 'not-a-shard-'))], /contract-shard\.json does not exist/],
  ])('refused in one line, exit 2: %s', async (_name, pick, message) => {
    const dirs = [join(tmpdir(), 'no-such-1'), join(tmpdir(), 'no-such-2')];
    const fake = (index: number) => writeShardPart({ shard: { index, count: 2 } });
    dirs[0] = fake(1);
    dirs[1] = fake(2);
    const run = await runContract(['--merge-reports', ...pick(dirs)]);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
  });
});
