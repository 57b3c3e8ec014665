import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { Redactor } from '../../src/base/redact.ts';
import { findingToReplay, readReplaySource } from '../../src/config/replay.ts';
import type { RunReport } from '../../src/report/aggregate.ts';
import { mergeShardReports } from '../../src/report/merge.ts';
import { ContractReporter } from '../../src/report/vitest-reporter.ts';
import { findingId, readBaseline, sameSpecPath, type FindingKey } from '../../src/run/findings.ts';
import type { Outcome } from '../../src/run/ledger.ts';
import type { ScenarioResult } from '../../src/run/scenarios/result.ts';
import { runContract } from './support/cli.ts';
import { writeShardPart } from './support/shard-part.ts';
import { refusal } from './support/refusal.ts';

const SPEC = 'spec/salesive-account.yaml';
const scratch = () => mkdtempSync(join(tmpdir(), 'baseline-replay-'));

function fileWith(text: string, name = 'baseline.json'): string {
  const file = join(scratch(), name);
  writeFileSync(file, text);
  return file;
}

const key = (check: string, operation: string): FindingKey => ({ check, operation, location: '', basis: 'documented' });
const outcome = (check: string, operation: string, status: Outcome['status'], reason?: string): Outcome => ({
  check,
  operation,
  status,
  evaluated: status === 'passed' ? 3 : 0,
  warnings: 0,
  inferences: 0,
  ...(reason ? { reason } : {}),
});

describe('a baseline finding not seen is fixed only where this run judged its check on its operation again', () => {
  const judged = key('enum-value-unknown', 'GET /kyc/status');
  const notApplicable = key('kyc-state-disagrees', 'GET /kyc/status');
  const notReached = key('response-schema-mismatch', 'GET /domains');
  const violatedElsewhere = { ...key('response-schema-mismatch', 'GET /shop'), location: '/data/name' };
  const neverRan = key('status-undocumented', 'POST /kyc/start');

  function runWithBaseline(): { report: RunReport; printed: string; summary: string; page: string } {
    const dir = scratch();
    const file = join(dir, 'baseline.json');
    writeFileSync(file, JSON.stringify({ spec: SPEC, findings: [judged, notApplicable, notReached, violatedElsewhere, neverRan] }));
    const out = join(dir, 'reports');
    let printed = '';
    const options = {
      spec: SPEC,
      target: { kind: 'mock', baseUrl: 'http://127.0.0.1:1' },
      runSeed: 1,
      runs: 1,
      outDir: out,
      redactor: new Redactor(),
      policy: { inferred: 'warn', nullable: 'strict' } as const,
      replay: { env: [] },
      baseline: readBaseline(file, SPEC),
      print: (t: string) => (printed += t),
    };
    const result: ScenarioResult = {
      name: 'a test',
      outcomes: [
        outcome(judged.check, judged.operation, 'passed'),
        outcome(notApplicable.check, notApplicable.operation, 'not-applicable', 'the flow does not run on the mock'),
        outcome(notReached.check, notReached.operation, 'not-reached', 'the time budget ran out'),
        outcome(violatedElsewhere.check, violatedElsewhere.operation, 'violated'),
      ],
      errors: [],
      warnings: [],
      inferences: [],
      observations: [],
    };
    const reporter = new ContractReporter(options);
    reporter.absorb({
      tool: 'kyc-contract-suite',
      kind: 'contract-shard',
      shard: { index: 1, count: 1 },
      spec: SPEC,
      target: options.target,
      runSeed: 1,
      runs: 1,
      policy: options.policy,
      replay: options.replay,
      startedAt: 0,
      durationMs: 0,
      errors: [],
      cases: [{ file: 'tests/contract/x.test.ts', result, ms: 0 }],
    });
    reporter.end(options);
    const report = JSON.parse(readFileSync(join(out, 'contract.json'), 'utf8')) as RunReport;
    return { report, printed, summary: readFileSync(join(out, 'summary.md'), 'utf8'), page: readFileSync(join(out, 'index.html'), 'utf8') };
  }

  test('contract.json: only the passed pair is fixed; the others are not re-judged, each with why', () => {
    const { report } = runWithBaseline();
    expect(report.baseline!.fixed.map((f) => f.id)).toEqual([findingId(judged)]);
    expect(report.baseline!.notJudged.map((f) => [f.check, f.why])).toEqual([
      [notApplicable.check, 'not-applicable: the flow does not run on the mock'],
      [notReached.check, 'not-reached: the time budget ran out'],
      // A property stops at its first failure: another place violated says nothing of this one.
      [violatedElsewhere.check, 'violated'],
      [neverRan.check, 'no test of this run judged it'],
    ]);
  });

  test('index.html counts and lists them as not re-judged, never as fixed', () => {
    const { page } = runWithBaseline();
    expect(page).toContain('(0 known, 1 fixed, 4 not re-judged)');
    expect(page).toContain('Fixed since the baseline (1)');
    const fixed = page.slice(page.indexOf('<section id="fixed">'), page.indexOf('</section>', page.indexOf('<section id="fixed">')));
    expect(fixed).not.toContain(notApplicable.check);
    expect(page).toMatch(/<section id="not-rejudged"><h2>Not re-judged since the baseline \(4\)/);
  });

  test('the console and summary.md list them as not re-judged, never under Fixed', () => {
    const { printed, summary } = runWithBaseline();
    for (const text of [printed, summary]) {
      const fixed = text.slice(text.indexOf('Fixed'), text.indexOf('Not re-judged'));
      expect(fixed).toContain(judged.check);
      expect(fixed).not.toContain(notApplicable.check);
      expect(text).toMatch(/Not re-judged[^\n]*4[^\n]*neither fixed nor still failing/);
      const notJudged = text.slice(text.indexOf('Not re-judged'));
      for (const k of [notApplicable, notReached, violatedElsewhere, neverRan]) expect(notJudged).toContain(k.check);
      expect(notJudged).toContain('not-applicable: the flow does not run on the mock');
    }
  });
});

describe('a baseline that cannot be read is refused in one line naming the file, never quoting it', () => {
  const SECRET = 'sk_live_0123456789abcdef';
  test.each([
    ['null', 'null', /is not a JSON object with a "findings" list/],
    ['an array', `["${SECRET}"]`, /is not a JSON object with a "findings" list/],
    ['findings not a list', '{"findings":"x"}', /has no "findings" list/],
    ['a null finding', '{"findings":[null]}', /finding #1 needs check, operation, location and basis/],
    ['a finding of the wrong shape', '{"findings":[{"check":1}]}', /finding #1 needs/],
    ['invalid JSON', `{"findings": [ "${SECRET}" `, /is not valid JSON/],
    ['invalid JSON, one token', `${SECRET}`, /is not valid JSON/],
  ])('%s', (_, text, why) => {
    const file = fileWith(text);
    const message = refusal(() => readBaseline(file));
    expect(message).toMatch(why);
    expect(message).toMatch(/^--baseline: /);
    expect(message).toContain(file);
    expect(message).toMatch(/write one with npm run contract -- --write-baseline/);
    expect(message).not.toContain(SECRET.slice(0, 8));
  });
});

describe("a baseline written for another spec is refused: its findings are not this run's", () => {
  const baselineFor = (spec: string) => fileWith(JSON.stringify({ kind: 'baseline', spec, findings: [key('status-undocumented', 'GET /x')] }));

  test('another API (salesive baseline, sumvin run)', () => {
    const message = refusal(() => readBaseline(baselineFor(SPEC), 'spec/sumvin-kyc.yaml'));
    expect(message).toMatch(/was written for spec\/salesive-account\.yaml, but this run tests spec\/sumvin-kyc\.yaml — pass that spec's baseline/);
  });

  test('the same spec, named relative or absolute, or from another directory, is accepted', () => {
    const root = resolve('.');
    expect(readBaseline(baselineFor(SPEC), resolve(SPEC)).entries).toHaveLength(1);
    expect(readBaseline(baselineFor(resolve(SPEC)), SPEC).entries).toHaveLength(1);
    expect(readBaseline(baselineFor(`./${SPEC}`), SPEC).entries).toHaveLength(1);
    // Written by a run started in the repository, read by one started in spec/ (and the other way round).
    expect(readBaseline(baselineFor(SPEC), 'salesive-account.yaml', join(root, 'spec')).entries).toHaveLength(1);
    expect(readBaseline(baselineFor('salesive-account.yaml'), SPEC, root).entries).toHaveLength(1);
    // Written in a checkout elsewhere, with an absolute path.
    expect(sameSpecPath('/ci/build/repo/spec/salesive-account.yaml', SPEC, root)).toBe(true);
    expect(sameSpecPath('/ci/build/repo/spec/salesive-account.yaml', 'spec/sumvin-kyc.yaml', root)).toBe(false);
    expect(sameSpecPath('other/salesive-account.yaml', SPEC, root)).toBe(false);
  });

  test('a baseline that names no spec (written by hand) is taken as it is', () => {
    expect(readBaseline(fileWith('{"findings":[]}'), SPEC).entries).toEqual([]);
  });

  test('--merge-reports refuses it too', () => {
    const dir = writeShardPart({ spec: 'spec/sumvin-kyc.yaml', runs: 1, durationMs: 0 });
    const baseline = readBaseline(baselineFor(SPEC));
    const message = refusal(() => mergeShardReports([dir], { outDir: join(dir, 'merged'), baseline, print: () => undefined }));
    expect(message).toMatch(/was written for spec\/salesive-account\.yaml, but this run tests spec\/sumvin-kyc\.yaml/);
  });
});

describe('replay reads a previous contract.json', () => {
  const finding = (id: string) => ({ id, check: 'status-undocumented', operation: 'GET /x', location: '', tests: ['GET /x › statuses'] });
  const report = {
    findings: [finding('4a1b2c3d4e'), finding('4a9f8e7d6c'), finding('4a1b2c3d4e0')],
    replay: { env: [['CONTRACT_SEED', '7']] },
    violations: [],
  };

  test('a truncated or edited report is refused in one line naming the file, never quoting it', () => {
    const whole = JSON.stringify(report, null, 2);
    const file = join(scratch(), 'reports', 'contract.json');
    for (const text of [
      whole.slice(0, whole.length / 2),
      '',
      'null',
      '[]',
      '{"findings":null}',
      '{"findings":[null]}',
      '{"findings":[{"id":"4a"}]}',
      JSON.stringify({ ...report, replay: { env: 'CONTRACT_SEED=7' } }),
      JSON.stringify({ ...report, violations: [{ finding: 1 }] }),
    ]) {
      const message = refusal(() => readReplaySource(file, text));
      expect(message).toBe(`replay: ${file} is not a complete report of a run (cut short or edited?) — run npm run contract again, then replay from its ids`);
    }
    expect(readReplaySource(file, whole).findings).toHaveLength(3);
  });

  test('an id that starts several findings is refused with their ids; an exact id or a unique start wins', () => {
    const { findings } = report;
    const message = refusal(() => findingToReplay(findings, '4', 'reports/contract.json'));
    expect(message).toBe('replay: 4 is the start of 3 finding ids (4a1b2c3d4e, 4a9f8e7d6c, 4a1b2c3d4e0) — give more characters of the one to replay');
    expect(refusal(() => findingToReplay(findings, '4a1', 'reports/contract.json'))).toMatch(/start of 2 finding ids \(4a1b2c3d4e, 4a1b2c3d4e0\)/);
    expect(findingToReplay(findings, '4a1b2c3d4e', 'reports/contract.json').id).toBe('4a1b2c3d4e');
    expect(findingToReplay(findings, '4a9', 'reports/contract.json').id).toBe('4a9f8e7d6c');
    expect(refusal(() => findingToReplay(findings, 'ff', 'reports/contract.json'))).toMatch(/^replay: no finding ff in reports\/contract\.json/);
  });
});

describe('through npm run contract: one line, exit 2', () => {
  test('--api sumvin with the Account API baseline', async () => {
    const baseline = fileWith(JSON.stringify({ kind: 'baseline', spec: SPEC, findings: [key('status-undocumented', 'GET /kyc/status')] }));
    const run = await runContract(['--api', 'sumvin', '--baseline', baseline]);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^contract: .*was written for spec\/salesive-account\.yaml, but this run tests spec\/sumvin-kyc\.yaml/),
    ]);
  });

  test('replay from a contract.json cut short, and replay by an id prefix two findings share', async () => {
    const cut = scratch();
    writeFileSync(join(cut, 'contract.json'), '{"findings":[{"id":"4a');
    const truncated = await runContract(['replay', '4a', '--reports', cut]);
    expect(truncated.status).toBe(2);
    expect(truncated.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^contract: replay: .*contract\.json is not a complete report of a run/)]);
    const shared = scratch();
    const finding = (id: string) => ({ id, check: 'status-code-undocumented', operation: 'GET /kyc/status', location: '', tests: ['t'] });
    writeFileSync(join(shared, 'contract.json'), JSON.stringify({ findings: [finding('4cfec7604d'), finding('42163cc508')] }));
    const ambiguous = await runContract(['replay', '4', '--reports', shared]);
    expect(ambiguous.status).toBe(2);
    expect(ambiguous.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^contract: replay: 4 is the start of 2 finding ids \(4cfec7604d, 42163cc508\)/),
    ]);
  });
});
