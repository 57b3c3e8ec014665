import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { diffSpecs } from '../../src/drift/diff.ts';
import { rebuildFromUpstream } from '../../src/drift/upstream.ts';
import { sha256 } from '../../src/upstream/manifest.ts';
import { pull } from '../../src/upstream/pull.ts';
import { exitCode } from '../../src/upstream/report.ts';
import { buildSpecModel } from '../../src/run/spec-model.ts';
import { DOCS_FAULTS, startCopyServer, type CopyServer } from '../fixtures/upstream/server.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const KYC_STATUS = '/apps-api/endpoint/kyc/get-kyc-status.md';
/** `npm run upstream -- …` without npm's own start-up: the same script, the same arguments. */
const upstream = (...args: string[]) => execa(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'scripts/upstream.ts'), ...args], { cwd: ROOT, reject: false });
/** A command line exactly as the tool printed it. */
const asPrinted = (line: string) => execa(line, { shell: true, cwd: ROOT, reject: false });
const mtimes = (dir: string) => Object.fromEntries(readdirSync(dir).map((f) => [f, statSync(join(dir, f)).mtimeMs]));
const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at /);

let server: CopyServer;
beforeAll(async () => {
  server = await startCopyServer({ routes: DOCS_FAULTS });
});
afterAll(() => server.close());

describe('npm run upstream -- pull (salesive, against a local copy of the docs)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'upstream-salesive-'));
  const original = () => server.pages.get(KYC_STATUS) as string;
  let pristine: string;

  beforeAll(() => {
    pristine = original();
    // The snapshot as hand vendoring left it: an excerpt with its Source line, a complete copy without one (a seed),
    // and a page the docs no longer serve.
    writeFileSync(join(dir, 'scopes.md'), 'Source: https://docs.salesive.com/apps/scopes-permissions\n--- excerpt 1 ---\n# Scopes (an old excerpt)\n');
    writeFileSync(join(dir, 'seed-kyc-get-kyc-status.md'), pristine);
    writeFileSync(join(dir, 'roles-old-role.md'), 'Source: https://docs.salesive.com/apps-api/endpoint/roles/old-role.md\n--- excerpt 1 ---\n# Old\n');
  });

  test('writes the snapshot and its manifest; each page that fails is one line on stderr', async () => {
    // The slow page sleeps 2 s: a 1 s timeout is short, and still generous for the pages that answer at once.
    const run = await upstream('pull', '--index', `${server.url}/llms.txt`, '--dir', dir, '--timeout', '1000');
    noStack(run.stdout + run.stderr);
    expect(run.exitCode).toBe(1); // complete but for the failures below
    expect(run.stdout).toMatch(/new {9}kyc-get-kyc-status\.md — GET \/kyc\/status/);
    expect(run.stdout).toMatch(/new {9}kyc-refresh-status\.md — POST \/kyc\/refresh/); // reached through a redirect within the host
    expect(run.stdout).toMatch(/changed {5}scopes\.md — its text changed/);
    expect(run.stdout).toMatch(/gone {8}roles-old-role\.md — http:\/\/127\.0\.0\.1:\d+\/apps-api\/endpoint\/roles\/old-role\.md answers 404/);
    expect(run.stdout).toMatch(/superseded {2}seed-kyc-get-kyc-status\.md — documents GET \/kyc\/status, which kyc-get-kyc-status\.md now holds/);
    expect(run.stdout).toContain('1 not about this API'); // list-orders.md: GET /orders is not in the contract

    const lines = run.stderr.split('\n').filter(Boolean);
    const url = (path: string) => `${server.url}${path}`.replace(/[.]/g, '\\.');
    expect(lines.sort()).toEqual([
      expect.stringMatching(
        new RegExp(`^upstream: ${url('/apps-api/endpoint/domains/list-domains.md')} — redirects to http://localhost:\\d+/.* — not followed`),
      ),
      expect.stringMatching(new RegExp(`^upstream: ${url('/apps-api/endpoint/kyc/create-kyc-session.md')} — skipped: its OpenAPI block is cut off`)),
      expect.stringMatching(new RegExp(`^upstream: ${url('/apps-api/endpoint/payouts/get-payout-fee.md')} — no complete answer within 1000 ms`)),
      expect.stringMatching(new RegExp(`^upstream: ${url('/apps-api/endpoint/payouts/get-payout.md')} — answers 404`)),
    ]);

    expect(readdirSync(dir).sort()).toEqual(['kyc-get-kyc-status.md', 'kyc-refresh-status.md', 'manifest.json', 'scopes.md']);
    expect(readFileSync(join(dir, 'kyc-get-kyc-status.md'), 'utf8')).toBe(pristine); // verbatim
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.files['kyc-get-kyc-status.md']).toEqual({
      url: 'https://docs.salesive.com/apps-api/endpoint/kyc/get-kyc-status.md', // its docs URL, though a mirror served it
      fetchedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      sha256: sha256(readFileSync(join(dir, 'kyc-get-kyc-status.md'))),
      etag: expect.any(String),
      lastModified: 'Tue, 01 Dec 2026 18:00:00 GMT',
      operations: ['GET /kyc/status'],
    });
    for (const [file, entry] of Object.entries(manifest.files as Record<string, { sha256: string }>))
      expect(entry.sha256).toBe(sha256(readFileSync(join(dir, file))));
  });

  test('drift reads the pulled pages (manifest.json and the rest ignored)', () => {
    const candidate = rebuildFromUpstream(dir);
    expect(candidate.pages.used).toEqual(['kyc-get-kyc-status.md', 'kyc-refresh-status.md']);
    expect(candidate.pages.skipped).toEqual([{ page: 'scopes.md', reason: 'no OpenAPI block' }]);
  });

  test('--check against an unchanged upstream: exit 0, nothing written; a pull then rewrites nothing', async () => {
    const before = mtimes(dir);
    const check = await upstream('pull', '--check', '--index', `${server.url}/clean/llms.txt`, '--dir', dir);
    expect(check.stderr).toBe('');
    expect(check.exitCode).toBe(0);
    expect(check.stdout).toMatch(/unchanged {3}kyc-get-kyc-status\.md, kyc-refresh-status\.md, scopes\.md\n.* matches upstream$/);
    // The manifest's ETags turned the unchanged pages into 304s.
    expect(server.hits.filter((h) => h.path === KYC_STATUS).at(-1)?.status).toBe(304);

    const again = await upstream('pull', '--index', `${server.url}/llms.txt`, '--dir', dir, '--timeout', '1000');
    expect(again.stdout).toMatch(/is up to date: nothing written/);
    expect(mtimes(dir)).toEqual(before);
  });

  test('an edited page: --check exits 1 naming it and writes nothing; the printed commands pull it and drift names the change', async () => {
    const baseline = await driftOf(dir);
    expect(baseline.filter((c) => c.rule === 'response-enum-value-added')).toEqual([]);

    server.pages.set(
      KYC_STATUS,
      pristine.replace('            - declined\n        sessionId:', '            - declined\n            - expired\n        sessionId:'),
    );
    expect(server.pages.get(KYC_STATUS)).not.toBe(pristine);
    const before = mtimes(dir);
    const check = await upstream('pull', '--check', '--index', `${server.url}/clean/llms.txt`, '--dir', dir);
    expect(check.exitCode).toBe(1);
    expect(check.stdout).toMatch(/changed {5}kyc-get-kyc-status\.md — its OpenAPI block changed \(GET \/kyc\/status\)/);
    expect(check.stdout).toMatch(/upstream differs from .*: 1 changed — write it with `npm run upstream -- pull/);
    expect(mtimes(dir)).toEqual(before);

    const pullLine = /`(npm run upstream -- pull [^`]+)`/.exec(check.stdout)![1]!;
    const pulled = await asPrinted(pullLine);
    expect(pulled.exitCode).toBe(0);
    expect(readFileSync(join(dir, 'kyc-get-kyc-status.md'), 'utf8')).toContain('- expired');

    const driftLine = /`(npm run drift -- --upstream [^`]+)`/.exec(pulled.stdout)![1]!;
    const drift = await asPrinted(driftLine);
    expect(drift.exitCode).toBe(1);
    expect(drift.stdout).toMatch(/`response-enum-value-added` at response 200 data\.status/);
    expect(await driftOf(dir)).toContainEqual(expect.objectContaining({ rule: 'response-enum-value-added', operation: 'GET /kyc/status', to: 'expired' }));
  });

  afterAll(() => void server.pages.set(KYC_STATUS, pristine));
});

describe('pull: the cut-off page of a snapshot, and a mirror that serves nothing', () => {
  test('a snapshot page whose fresh copy is cut off is named and kept as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'upstream-cut-'));
    const legacy = 'Source: https://docs.salesive.com/apps-api/endpoint/kyc/create-kyc-session.md\n--- excerpt 1 ---\n# kept\n';
    writeFileSync(join(dir, 'kyc-create-kyc-session.md'), legacy);
    const { plan } = await pull({ api: 'salesive', index: `${server.url}/clean/llms.txt`, dir, timeoutMs: 1000, check: false });
    expect(plan.items).toContainEqual({
      kind: 'skipped',
      file: 'kyc-create-kyc-session.md',
      url: `${server.url}/apps-api/endpoint/kyc/create-kyc-session.md`,
      reason: 'its OpenAPI block is cut off (an excerpt)',
    });
    expect(readFileSync(join(dir, 'kyc-create-kyc-session.md'), 'utf8')).toBe(legacy);
    expect(exitCode(plan, false)).toBe(1);
  });

  test('an index whose pages all fail: exit 2, the snapshot untouched', async () => {
    const empty = await startCopyServer({ files: false, routes: { '/llms.txt': (_q, res) => res.writeHead(200).end('- [Gone](/apps-api/x.md)\n') } });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'upstream-none-'));
      const run = await upstream('pull', '--index', `${empty.url}/llms.txt`, '--dir', dir);
      expect(run.exitCode).toBe(2);
      expect(run.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(/^upstream: nothing could be fetched from .*: .*\/apps-api\/x\.md — answers 404 .* is untouched$/),
      ]);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      await empty.close();
    }
  });
});

describe('bad input and unknown indexes: one line, exit 2', () => {
  test.each([
    ['sila has no known index', ['--api', 'sila'], /^upstream: no machine-readable index is known for sila \(docs\.silamoney\.com\) — pass --index <url>/],
    ['unknown API', ['--api', 'nope'], /^upstream: --api "nope" is not known — one of salesive, sumvin, gu1, sila/],
    ['--index not a URL', ['--index', 'docs/llms.txt'], /^upstream: --index "docs\/llms\.txt" is not an http\(s\) URL/],
    [
      '--source on a docs API',
      ['--source', 'http://127.0.0.1:9/x'],
      /^upstream: --source is for vendor files; salesive is pulled from its docs index — use --index/,
    ],
    ['bad --timeout', ['--timeout', 'soon'], /^upstream: --timeout "soon" is not a positive number/],
    [
      'index unreachable',
      ['--index', 'http://127.0.0.1:9/llms.txt'],
      /^upstream: http:\/\/127\.0\.0\.1:9\/llms\.txt \(the index\) — connection refused .*; nothing was fetched$/,
    ],
  ])('%s', async (_name, args, want) => {
    const run = await upstream('pull', ...args, '--dir', mkdtempSync(join(tmpdir(), 'upstream-bad-')));
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(want)]);
    noStack(run.stderr + run.stdout);
  });
});

describe('npm run upstream -- pull --api sumvin (vendor files, against a local copy)', () => {
  const vendor = join(ROOT, 'spec/upstream/sumvin');
  let copy: CopyServer;
  const served = (name: string) => readFileSync(join(vendor, name));
  beforeAll(async () => {
    copy = await startCopyServer({ files: false });
    for (const name of ['openapi.json', 'PIN', 'SOURCE.md']) copy.pages.set(`/Sumvin/sdk-ts/HEAD/spec/${name}`, served(name));
  });
  afterAll(() => copy.close());
  const dir = mkdtempSync(join(tmpdir(), 'upstream-sumvin-'));
  const source = () => `${copy.url}/Sumvin/sdk-ts/HEAD/spec/openapi.json`;

  test('identical: --check exits 0; a pull writes the manifest and no file', async () => {
    for (const name of ['openapi.json', 'PIN', 'SOURCE.md']) cpSync(join(vendor, name), join(dir, name));
    const before = mtimes(dir);
    const { plan } = await pull({ api: 'sumvin', source: source(), dir, timeoutMs: 5000, check: true });
    expect(plan.items.map((i) => [i.kind, 'file' in i ? i.file : i.url])).toEqual([
      ['unchanged', 'openapi.json'],
      ['unchanged', 'PIN'],
      ['unchanged', 'SOURCE.md'],
    ]);
    expect(exitCode(plan, true)).toBe(0);
    expect(existsSync(join(dir, 'manifest.json'))).toBe(false);
    const { applied } = await pull({ api: 'sumvin', source: source(), dir, timeoutMs: 5000, check: false });
    expect(applied).toEqual({ written: [], removed: [], manifest: true });
    for (const [name, mtime] of Object.entries(before)) expect(statSync(join(dir, name)).mtimeMs).toBe(mtime);
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).files['PIN']).toMatchObject({
      url: `${copy.url}/Sumvin/sdk-ts/HEAD/spec/PIN`,
      sha256: sha256(served('PIN')),
    });
  });

  test('a re-pin upstream: --check exits 1 naming PIN old → new', async () => {
    copy.pages.set('/Sumvin/sdk-ts/HEAD/spec/PIN', 'abcdef0123456789abcdef0123456789abcdef01\n');
    const run = await upstream('pull', '--api', 'sumvin', '--check', '--source', source(), '--dir', dir);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/changed {5}PIN — 361c28cf7f4ba4f72172c6dc63f2af6ebc8847c2 → abcdef0123456789abcdef0123456789abcdef01/);
    expect(readFileSync(join(dir, 'PIN'), 'utf8')).toBe(served('PIN').toString('utf8'));
  });

  test('an empty or wrapped payload (the Contents API without the raw header) is skipped, ours kept', async () => {
    copy.pages.set('/Sumvin/sdk-ts/HEAD/spec/openapi.json', '{"size": 1333669, "encoding": "none", "content": ""}');
    const { plan } = await pull({ api: 'sumvin', source: source(), dir, timeoutMs: 5000, check: false });
    expect(plan.items).toContainEqual(
      expect.objectContaining({ kind: 'skipped', file: 'openapi.json', reason: expect.stringMatching(/^not an OpenAPI document/) }),
    );
    expect(sha256(readFileSync(join(dir, 'openapi.json')))).toBe(sha256(served('openapi.json'))); // (a deep equal of 1.4 MB is slow)
  });
});

describe('gu1: pages without OpenAPI blocks are kept whole', () => {
  test('the index pages under the KYC guide and the snapshot page (matched by its Source line) are pulled', async () => {
    const gu1 = await startCopyServer({ files: false });
    try {
      gu1.pages.set('/llms.txt', '- [Check status](/en/use-cases/kyc/check-status.md)\n- [Pricing](/en/pricing.md)\n');
      gu1.pages.set('/en/use-cases/kyc/check-status.md', '# Check status\n\nGET /api/kyc/validations/{id}\n');
      gu1.pages.set('/en/api-reference/authentication.md', '# Authentication\n');
      const dir = mkdtempSync(join(tmpdir(), 'upstream-gu1-'));
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'authentication.md'), 'Source: https://docs.gu1.ai/en/api-reference/authentication\n--- excerpt 1 ---\nold\n');
      const { plan } = await pull({ api: 'gu1', index: `${gu1.url}/llms.txt`, dir, timeoutMs: 1000, check: false });
      expect(plan.items.map((i) => [i.kind, 'file' in i ? i.file : '']).sort()).toEqual([
        ['changed', 'authentication.md'],
        ['new', 'kyc-check-status.md'],
      ]);
      expect(exitCode(plan, false)).toBe(0);
    } finally {
      await gu1.close();
    }
  });
});

/** The drift findings of a snapshot folder against the contract, as `npm run drift -- --upstream` computes them. */
async function driftOf(dir: string) {
  const candidate = rebuildFromUpstream(dir);
  const file = join(mkdtempSync(join(tmpdir(), 'upstream-drift-')), 'candidate.yaml');
  writeFileSync(file, candidate.yaml);
  return diffSpecs(await buildSpecModel(join(ROOT, 'spec/salesive-account.yaml')), await buildSpecModel(file), { partial: true });
}
