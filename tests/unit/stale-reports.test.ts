import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { REPORT_FILES, staleReports } from '../../src/report/stale.ts';
import { runContract } from './support/cli.ts';

/**
 * A run that cannot be made (exit 2) writes no reports: the earlier run's, left in the folder, would read as this
 * run's — a CI job uploading reports/ after a failed step would publish a green page.
 */

const goodTokens = JSON.stringify({ tokens: [{ name: 'full-a', token: 'app_secret_value_1234', scopes: ['READ_KYC'], store: 'a' }] });

/** The reports of a good mock run, as an earlier run leaves them (a --shard run: contract-shard.json too). */
let earlier: string;
beforeAll(async () => {
  const run = await runContract(['--runs', '1', '--shard', '1/1', '--seed', '1']);
  expect(run.status, run.out).toBe(0);
  earlier = run.reports;
});

/** A reports folder holding the earlier run's reports and a file of someone else's. */
function staleFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'contract-stale-'));
  cpSync(earlier, dir, { recursive: true });
  writeFileSync(join(dir, 'notes.txt'), 'not a report\n');
  return dir;
}

/** A port nothing listens on: taken, then given back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

async function unreachable(): Promise<Record<string, string>> {
  return { CONTRACT_BASE_URL: `http://127.0.0.1:${await closedPort()}/api/v1`, CONTRACT_TOKENS: goodTokens };
}

test('the files removed are the files a run writes', () => {
  expect(readdirSync(earlier).sort()).toEqual([...REPORT_FILES].sort());
});

describe('a run that could not be made leaves no earlier reports behind', () => {
  test('an unreachable target: exit 2, the earlier reports gone, the folder and other files kept', async () => {
    const dir = staleFolder();
    const run = await runContract(['--reports', dir], await unreachable());
    expect(run.status, run.out).toBe(2);
    expect(run.stderr.trim()).toMatch(/^contract: .*unreachable/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  test.each([
    ['--baseline', (file: string) => ({ args: ['--baseline', file], env: {} })],
    ['CONTRACT_BASELINE', (file: string) => ({ args: [], env: { CONTRACT_BASELINE: file } })],
  ])('a contract.json this run reads as its baseline (%s) stays', async (_how, given) => {
    const dir = staleFolder();
    const before = readFileSync(join(dir, 'contract.json'), 'utf8');
    // Named another way than the reports folder is: the same file all the same.
    const { args, env } = given(join(dir, '..', basename(dir), 'contract.json'));
    const run = await runContract(['--reports', dir, ...args], { ...(await unreachable()), ...env });
    expect(run.status, run.out).toBe(2);
    expect(run.out).toMatch(/unreachable/);
    expect(readdirSync(dir).sort()).toEqual(['contract.json', 'notes.txt']);
    expect(readFileSync(join(dir, 'contract.json'), 'utf8')).toBe(before);
  });

  test("exit 2 with this run's own reports (the reporter's cannot-run verdict) keeps them", async () => {
    const dir = staleFolder();
    const run = await runContract(['--reports', dir, '--runs', '1', '--only', 'no such test']);
    expect(run.status, run.out).toBe(2);
    expect(run.report().verdict).toBe('cannot-run');
    expect(run.file('summary.md')).not.toMatch(/— holds/);
    for (const name of REPORT_FILES.filter((n) => n !== 'contract-shard.json')) expect(existsSync(join(dir, name)), name).toBe(true);
  });
});

describe('staleReports', () => {
  function folder(): string {
    const dir = mkdtempSync(join(tmpdir(), 'contract-stale-'));
    for (const name of REPORT_FILES) writeFileSync(join(dir, name), 'earlier\n');
    return dir;
  }

  test('removes the report files, nothing else', () => {
    const dir = folder();
    writeFileSync(join(dir, 'notes.txt'), 'mine\n');
    expect(staleReports(dir, () => [])().sort()).toEqual([...REPORT_FILES].sort());
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  test("removes nothing once this run's reporter wrote contract.json: those reports are this run's", () => {
    const dir = folder();
    const clear = staleReports(dir, () => []);
    writeFileSync(join(dir, 'contract.json'), '{"verdict": "cannot-run"}\n');
    expect(clear()).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual([...REPORT_FILES].sort());
  });
});
