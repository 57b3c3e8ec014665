import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import { CONTRADICTIONS, DOCS_FIXTURE_TOKENS, startAccountDocsServer, type AccountDocsServer } from '../fixtures/account-docs-server.ts';
import { FIXTURE_TOKENS, startAccountServer } from '../fixtures/account-server.ts';
import { runContract, tokensFile } from './support/cli.ts';

/**
 * Red must mean the server is wrong. An implementation written only from the upstream pages, which decides
 * otherwise wherever the pages are silent, must pass — its disagreements listed as unconfirmed inferences — and a
 * team can make them fail, or accept known findings with a baseline.
 */
let server: AccountDocsServer;
let tokens: string;
beforeAll(async () => {
  server = await startAccountDocsServer();
  tokens = tokensFile(DOCS_FIXTURE_TOKENS);
});
afterAll(() => server.close());

const live = (extra: Record<string, string> = {}) => ({
  CONTRACT_BASE_URL: server.url,
  CONTRACT_TOKENS_FILE: tokens,
  CONTRACT_RUNS: '20',
  CONTRACT_SEED: '7',
  ...extra,
});
const markings = (report: { findings: Array<{ inferred?: { marking: string } }> }) => new Set(report.findings.map((f) => f.inferred?.marking).filter(Boolean));

describe('against an independent server that makes the other choice wherever the docs are silent', () => {
  test('the default run holds (exit 0) and lists each disagreement as an unconfirmed inference, with its reason', async () => {
    const run = await runContract([], live());
    expect(run.out).toMatch(/the contract holds/);
    expect(run.status).toBe(0);
    const report = run.report();
    expect(report.findings.filter((f: { severity: string }) => f.severity === 'error')).toEqual([]);
    const seen = markings(report);
    expect(seen.size).toBeGreaterThan(10);
    // Every marking a finding names is one the server is known to contradict: no inference is blamed wrongly.
    const known = new Set(CONTRADICTIONS.map((c) => c.marking));
    expect([...seen].filter((m) => !known.has(m as string))).toEqual([]);
    expect(run.out).toMatch(/Unconfirmed inferences \(\d+\) — the server disagrees with what the spec guessed/);
    expect(run.file('summary.md')).toMatch(/## Unconfirmed inferences/);
    expect(run.file('drift.md')).toMatch(/## Unconfirmed inferences — to act on/);
    expect(run.file('junit.xml')).toMatch(/<testsuite name="unconfirmed inferences"[^>]*failures="0"/);
  });

  test('--inferred=fail makes each of them a violation (exit 1), naming the inference it rests on', async () => {
    const run = await runContract(['--inferred', 'fail'], live());
    expect(run.status).toBe(1);
    const failing = run.report().findings.filter((f: { severity: string }) => f.severity === 'error');
    expect(failing.length).toBeGreaterThan(10);
    expect(failing.every((f: { basis: string; inferred?: unknown }) => f.basis === 'inferred' && f.inferred)).toBe(true);
    expect(run.out).toMatch(/inferred: .* \(x-inferred at \/components\/schemas\/ObjectId#pattern\)/);
  });

  test('--inferred=off drops them: nothing to list, still exit 0', async () => {
    const run = await runContract(['--inferred', 'off'], live());
    expect(run.status).toBe(0);
    expect(run.report().findings.filter((f: { basis: string }) => f.basis === 'inferred')).toEqual([]);
  });

  test('a spec copy with one more inferred constraint the server breaks gives one more inference, and still exit 0', async () => {
    const doc = parse(readFileSync('spec/salesive-account.yaml', 'utf8')) as Record<string, any>;
    const name = doc['components']['schemas']['Role']['properties']['name'];
    name['maxLength'] = 4;
    name['x-inferred'] = { maxLength: 'a test guess: role names are short' };
    const dir = mkdtempSync(join(tmpdir(), 'contract-spec-'));
    writeFileSync(join(dir, 'account.yaml'), stringify(doc));
    const [before, after] = await Promise.all([runContract([], live()), runContract([], live({ CONTRACT_SPEC: join(dir, 'account.yaml') }))]);
    expect(after.status).toBe(0);
    const added = [...markings(after.report())].filter((m) => !markings(before.report()).has(m));
    expect(added).toEqual(['/components/schemas/Role/properties/name#maxLength']);
  });
});

describe('a baseline: known findings are reported and do not fail; new ones fail; gone ones are listed as fixed', () => {
  test('write one from a red run, then the same server holds against it; a fixed server lists them as fixed', async () => {
    const faulty = await startAccountServer({ faults: ['enum-expired'] });
    const conforming = await startAccountServer();
    const matrix = tokensFile(FIXTURE_TOKENS);
    const baseline = join(mkdtempSync(join(tmpdir(), 'contract-baseline-')), 'baseline.json');
    const env = (url: string) => ({ CONTRACT_BASE_URL: url, CONTRACT_TOKENS_FILE: matrix, CONTRACT_RUNS: '10', CONTRACT_SEED: '3' });
    try {
      const red = await runContract(['--write-baseline', baseline], env(faulty.url));
      expect(red.status).toBe(1);
      const written = JSON.parse(readFileSync(baseline, 'utf8')) as { findings: Array<{ check: string }> };
      expect(written.findings.map((f) => f.check)).toContain('enum-value-undocumented');

      const known = await runContract(['--baseline', baseline], env(faulty.url));
      expect(known.out).toMatch(/Known \(\d+ findings? in the baseline/);
      expect(known.status).toBe(0);
      expect(known.report().findings.filter((f: { known?: boolean }) => f.known).length).toBeGreaterThan(0);

      const fixed = await runContract(['--baseline', baseline], env(conforming.url));
      expect(fixed.status).toBe(0);
      expect(fixed.out).toMatch(/Fixed \(\d+ baseline findings? no longer seen\)/);

      const worse = await startAccountServer({ faults: ['enum-expired', 'envelope-message'] });
      try {
        const newOne = await runContract(['--baseline', baseline], env(worse.url));
        expect(newOne.status).toBe(1);
        expect(
          newOne
            .report()
            .findings.filter((f: { severity: string; known?: boolean }) => f.severity === 'error' && !f.known)
            .map((f: { check: string }) => f.check),
        ).toContain('envelope-message-empty');
      } finally {
        await worse.close();
      }
    } finally {
      await Promise.all([faulty.close(), conforming.close()]);
    }
  });
});

describe('never green by accident', () => {
  test('on the mock, JUnit shows the tenant, scope, pagination and flow tests as skipped, with their reasons', async () => {
    const run = await runContract(['--runs', '5']);
    expect(run.status).toBe(0);
    const junit = run.file('junit.xml');
    for (const suite of ['tenant', 'scopes', 'pagination', 'flows']) {
      const cases = [...junit.matchAll(new RegExp(`<testcase classname="tests/contract/${suite}\\.contract\\.test\\.ts"[^>]*>(.*?)</testcase>`, 'g'))];
      expect(cases.length, suite).toBeGreaterThan(0);
      for (const c of cases) expect(c[1], `${suite}: ${c[0].slice(0, 120)}`).toMatch(/<skipped message="not applicable: .+"\/>/);
    }
    const report = run.report();
    expect(report.skipped.length).toBeGreaterThanOrEqual(13 + 13 + 1 + 1);
    expect(report.outcomes.filter((o: { check: string; status: string }) => o.check.startsWith('tenant-') && o.status === 'passed')).toEqual([]);
  });

  test("on the mock, a response served from one of the spec's own examples that breaks the spec is a spec finding, not the server's", async () => {
    const doc = parse(readFileSync('spec/salesive-account.yaml', 'utf8')) as Record<string, any>;
    doc['paths']['/kyc/status']['get']['responses']['200']['content']['application/json']['examples']['pending']['value']['data']['status'] = 'expired';
    const dir = mkdtempSync(join(tmpdir(), 'contract-spec-'));
    writeFileSync(join(dir, 'account.yaml'), stringify(doc));
    const run = await runContract(['--runs', '20', '--seed', '5'], { CONTRACT_SPEC: join(dir, 'account.yaml') });
    expect(run.status).toBe(0);
    const spec = run.report().findings.filter((f: { check: string }) => f.check === 'spec-example-invalid');
    expect(spec.map((f: { location: string }) => f.location)).toContain(
      '/paths/~1kyc~1status/get/responses/200/content/application~1json/examples/pending/value/data/status',
    );
    expect(run.out).toMatch(/Spec findings \(1\) — the mock served the spec's own examples, and they break the spec/);
  });

  test('a required input the generator cannot make is a gap, named, and its request is never sent as valid', async () => {
    const doc = parse(readFileSync('spec/salesive-account.yaml', 'utf8')) as Record<string, any>;
    const param = doc['paths']['/domains/check-availability']['get']['parameters'][0];
    delete param['example'];
    // fast-check cannot generate from lookaheads; with no example to fall back on, nothing valid can be made.
    param['schema'] = { type: 'string', pattern: '^(?=.*[0-9])(?=.*[a-z]).{40}\\b$' };
    const dir = mkdtempSync(join(tmpdir(), 'contract-spec-'));
    writeFileSync(join(dir, 'account.yaml'), stringify(doc));
    const run = await runContract(
      ['--only', 'GET /domains/check-availability › valid requests get documented responses'],
      live({ CONTRACT_SPEC: join(dir, 'account.yaml') }),
    );
    const report = run.report();
    expect(report.gaps).toEqual([expect.stringMatching(/^GET \/domains\/check-availability: .*cannot produce strings matching/)]);
    expect(run.out).toMatch(/Could not generate \(1\) — requests not sent, so not judged:/);
    const judged = report.outcomes.filter(
      (o: { operation: string; status: string }) => o.operation === 'GET /domains/check-availability' && o.status === 'passed',
    );
    expect(judged).toEqual([]);
    expect(report.findings.filter((f: { check: string }) => f.check === 'valid-input-rejected')).toEqual([]);
    // Nothing judged is not a pass.
    expect(run.status).not.toBe(0);
  });

  test('with the preflight off and every path answering 404, no body check is passed on a body it could not judge', async () => {
    const conforming = await startAccountServer();
    try {
      const run = await runContract(['--no-preflight', '--runs', '5'], {
        CONTRACT_BASE_URL: conforming.url.replace(/\/api\/v1$/, ''),
        CONTRACT_TOKENS_FILE: tokensFile(FIXTURE_TOKENS),
      });
      // Every answer a 404, GET /domains (no id, no documented 404) among them: the requests never reached the API,
      // so the run could not be made — not "violated", which would blame the server for the base URL.
      expect(run.status).toBe(2);
      expect(run.report().verdict).toBe('cannot-run');
      expect(run.report().because).toMatch(/^every answer of the run was 404 \(\d+ requests\).*is CONTRACT_BASE_URL its base, with its base path\?$/);
      const outcomes = run.report().outcomes as Array<{ check: string; operation: string; status: string }>;
      // /domains never documents a 404: its bodies have no schema to be held to.
      const of = (check: string) => outcomes.find((o) => o.operation === 'GET /domains' && o.check === check)?.status;
      for (const check of ['response-schema-mismatch', 'timestamp-not-rfc3339', 'enum-value-undocumented', 'tenant-owner-mismatch'])
        expect(of(check), check).toBe('not-applicable');
      // What answered the wrong URL is not the server: no warning, finding or pass is booked against it.
      expect(run.report().warnings).toEqual([]);
      expect(run.report().findings).toEqual([]);
      expect(outcomes.filter((o) => o.status === 'passed')).toEqual([]);
    } finally {
      await conforming.close();
    }
  });
});
