import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { shardOf } from '../../src/run/shard.ts';

/**
 * Bad flag values and combinations, and paths that cannot be used, on every CLI: one line on stderr naming what is
 * wrong and what to do, exit 2 — never a flag dropped without a word, a raw system error, or a verdict lost.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const CONTRACT = join(ROOT, 'scripts/contract.mjs');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const dir = mkdtempSync(join(tmpdir(), 'cli-input-'));
const aFile = join(dir, 'a-file');
writeFileSync(aFile, 'not a folder\n');
const aFolder = join(dir, 'a-folder');
mkdirSync(aFolder);

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

const contract = (...args: string[]): Ran =>
  spawnSync(process.execPath, [CONTRACT, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CONTRACT_BASE_URL: '', CONTRACT_TOKENS: '', CONTRACT_TOKENS_FILE: '', CONTRACT_SHARD: '', CONTRACT_SEED: '' },
  });

const script = (name: string, ...args: string[]): Ran => spawnSync(TSX, [join(ROOT, 'scripts', name), ...args], { cwd: ROOT, encoding: 'utf8' });

/** Async, for a child that talks to a server of this process (spawnSync would block its event loop). */
function scriptAsync(name: string, ...args: string[]): Promise<Ran> {
  return new Promise((done) => {
    const child = spawn(TSX, [join(ROOT, 'scripts', name), ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

const errLines = (run: Ran) => run.stderr.split('\n').filter((l) => l.trim() && !/npm warn/.test(l));

function refused(run: Ran, line: RegExp): void {
  expect(errLines(run)).toEqual([expect.stringMatching(line)]);
  expect(run.status).toBe(2);
  expect(run.stderr + run.stdout).not.toMatch(/\n\s+at /);
}

describe('contract: flags a mode would ignore are refused, naming both', () => {
  test.each([
    ['--shard', '1/2'],
    ['--api', 'sumvin'],
    ['--spec', 'spec/sumvin-kyc.yaml'],
    ['--base-url', 'http://127.0.0.1:9/api'],
    ['--runs', '5'],
    ['--seed', '1'],
    ['--only', 'GET /kyc/status › valid requests get documented responses'],
    ['--inferred', 'fail'],
    ['--max-time', '10m'],
    ['--deep'],
    ['--no-preflight'],
    ['--no-write-probes'],
    ['--allow-production-writes'],
  ])('--merge-reports with %s', (flag, ...value) => {
    const run = contract('--merge-reports', join(dir, 'shard-1'), join(dir, 'shard-2'), flag, ...value);
    refused(run, new RegExp(`^contract: option '--merge-reports .*' cannot be used with option '${flag}\\b.*: give that flag to each --shard run`));
  });

  test.each([['--shard', '1/2'], ['--seed', '7'], ['--only', 'x'], ['--api', 'sumvin'], ['--deep'], ['--write-baseline']])(
    'replay with %s',
    (flag, ...value) => {
      const run = contract('replay', 'abc', flag, ...value, '--reports', aFolder);
      refused(run, new RegExp(`^contract: replay: .* so ${flag} would be ignored — drop it \\(replay takes --reports, --dotenv and --no-preflight\\)$`));
    },
  );

  test('replay keeps the flags it honours', () => {
    const run = contract('replay', 'abc', '--no-preflight', '--reports', aFolder);
    refused(run, /^contract: replay: .*contract.json does not exist/);
  });
});

describe('contract: paths it cannot use, named before the run', () => {
  test('--spec a directory', () => {
    refused(contract('--spec', aFolder), new RegExp(`^contract: spec: ${aFolder} is a directory — give the spec's root file`));
  });

  test('--reports an existing file: refused before the run, not after it', () => {
    const run = contract('--reports', aFile);
    refused(run, new RegExp(`^contract: --reports: ${aFile} is a file, not a folder — give a folder`));
    expect(run.stdout).not.toMatch(/Contract summary|Test Files/);
  });

  test('--reports under a file', () => {
    refused(contract('--reports', join(aFile, 'reports')), new RegExp(`^contract: --reports: .*reports cannot be made: ${aFile} is a file`));
  });

  test('--write-baseline under a file', () => {
    const run = contract('--reports', join(dir, 'reports-b'), '--write-baseline', join(aFile, 'baseline.json'));
    refused(run, /^contract: --write-baseline: .*baseline.json cannot be written \(.*a-file is a file, not a folder\)/);
    expect(run.stdout).not.toMatch(/Contract summary/);
  });
});

describe('contract --only that matches no test', () => {
  test('says so on stderr, in one line', () => {
    const run = contract('--only', 'no such test', '--reports', join(dir, 'reports-only'));
    refused(run, /^contract: --only: no contract test is named "no such test" — copy the name from a replay line or the test list$/);
    expect(run.stdout).not.toMatch(/could not run/);
  });

  test('in a shard, a test of another shard is named as such', () => {
    const home = shardOf('GET /kyc/status', 2);
    const other = home === 1 ? 2 : 1;
    const only = 'GET /kyc/status › valid requests get documented responses';
    const run = contract('--shard', `${other}/2`, '--seed', '1', '--only', only, '--reports', join(dir, 'reports-shard'));
    refused(
      run,
      new RegExp(
        `^contract: --only: "${only}" is not in shard ${other}/2 — the tests of GET /kyc/status run in shard ${home}/2: give --shard ${home}/2, or no --shard$`,
      ),
    );
  });
});

describe('drift: flag combinations and paths', () => {
  const out = ['--out', join(dir, 'drift-out')];
  test('--to with --upstream', () => {
    refused(
      script('drift.ts', '--to', 'spec/salesive-account.yaml', '--upstream', 'spec/upstream/salesive', ...out),
      /^drift: option '--to <spec>' cannot be used with option '--upstream <folder>' — compare with one new side/,
    );
  });

  test('--types with --upstream', () => {
    refused(
      script('drift.ts', '--types', '--upstream', 'spec/upstream/salesive', ...out),
      /^drift: option '--types' cannot be used with option '--upstream <folder>'/,
    );
  });

  test('--to a directory', () => {
    refused(script('drift.ts', '--to', aFolder, ...out), new RegExp(`^drift: spec: ${aFolder} is a directory — give the spec's root file`));
  });

  test('--upstream a folder that does not exist', () => {
    const missing = join(dir, 'no-pages');
    refused(script('drift.ts', '--upstream', missing, ...out), new RegExp(`^drift: --upstream ${missing} does not exist — give a folder of doc pages`));
  });

  test('--upstream a file', () => {
    refused(script('drift.ts', '--upstream', aFile, ...out), new RegExp(`^drift: --upstream ${aFile} is a file — give the folder of doc pages`));
  });

  test('--out an existing file', () => {
    refused(
      script('drift.ts', '--to', 'spec/salesive-account.yaml', '--out', aFile),
      new RegExp(`^drift: --out: ${aFile} is a file, not a folder — give a folder`),
    );
  });
});

describe('upstream', () => {
  test('nothing fetched is one line, the reasons folded in', async () => {
    const server = createServer((_req, res) => res.writeHead(404).end('gone'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const run = await scriptAsync(
        'upstream.ts',
        'pull',
        '--api',
        'sumvin',
        '--check',
        '--source',
        `http://127.0.0.1:${port}/spec/`,
        '--dir',
        join(dir, 'up'),
      );
      refused(run, new RegExp(`^upstream: nothing could be fetched from http://127.0.0.1:${port}/spec/: 3 documents — answers 404 .* is untouched$`));
    } finally {
      server.close();
    }
  });

  test.each(['index', 'source'])('a password in --%s is refused, and never printed', (flag) => {
    const run = script(
      'upstream.ts',
      'pull',
      '--api',
      flag === 'index' ? 'salesive' : 'sumvin',
      `--${flag}`,
      'http://user:UpSecret1@127.0.0.1:9/llms.txt',
      '--dir',
      join(dir, 'up-secret'),
    );
    refused(run, new RegExp(`^upstream: --${flag} holds a user name or password, .* give the URL without it \\(http://127.0.0.1:9/llms.txt\\)$`));
    expect(run.stderr + run.stdout).not.toContain('UpSecret1');
  });
});

describe('sandbox', () => {
  test.each(['', ' ', '80a', '70000'])('--port %j is refused', (port) => {
    // Run from a scratch folder: a sandbox that wrongly started would write its token file there, and is ended by the timeout.
    const run = spawnSync(TSX, [join(ROOT, 'scripts/sandbox.ts'), '--port', port], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    refused(run, new RegExp(`^sandbox: --port: expected a port number .*, got ${JSON.stringify(port)} — e\\.g\\. --port 8080$`));
  });
});
