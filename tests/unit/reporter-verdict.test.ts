import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { TestCase } from 'vitest/node';
import { Redactor } from '../../src/base/redact.ts';
import { mergeOutcomes } from '../../src/report/aggregate.ts';
import { ContractReporter, type ReporterOptions } from '../../src/report/vitest-reporter.ts';
import type { Outcome } from '../../src/run/ledger.ts';
import type { ScenarioResult } from '../../src/run/scenarios/result.ts';

/**
 * A test that throws instead of returning its findings is not a finding: a CannotRunError (a setup that cannot work,
 * a defect of the suite's own — a shard's request outside what its mock serves) makes the run one that could not
 * be made, exit 2, even beside findings; any other error leaves it incomplete, exit 3.
 */
const passed: ScenarioResult = {
  name: 'GET /kyc/status › valid requests get documented responses',
  outcomes: [{ check: 'server-error', operation: 'GET /kyc/status', status: 'passed', evaluated: 1, warnings: 0, inferences: 0 }],
  errors: [],
  warnings: [],
  inferences: [],
  observations: [],
};
const fake = (name: string, result: { contract?: ScenarioResult; error?: { name: string; message: string } }) =>
  ({
    fullName: name,
    module: { moduleId: join(process.cwd(), 'tests/contract/responses.contract.test.ts') },
    meta: () => (result.contract ? { contract: result.contract } : {}),
    diagnostic: () => ({ duration: 1 }),
    result: () => (result.error ? { state: 'failed', errors: [result.error] } : { state: 'passed', errors: [] }),
  }) as unknown as TestCase;

function run(error: { name: string; message: string }) {
  const outDir = mkdtempSync(join(tmpdir(), 'reporter-'));
  const options: ReporterOptions = {
    spec: 'spec/salesive-account.yaml',
    target: { kind: 'mock', baseUrl: 'http://127.0.0.1:1' },
    runSeed: 1,
    runs: 3,
    outDir,
    redactor: new Redactor(),
    policy: { inferred: 'warn', nullable: 'strict' },
    replay: { env: [] },
    print: () => undefined,
  };
  const reporter = new ContractReporter(options);
  reporter.onTestCaseResult(fake(passed.name, { contract: passed }));
  reporter.onTestCaseResult(fake('GET /roles › valid requests get documented responses', { error }));
  reporter.end(options);
  return { exitCode: reporter.exitCode, report: JSON.parse(readFileSync(join(outDir, 'contract.json'), 'utf8')) };
}

describe('a test that throws', () => {
  test.each([
    [
      'a CannotRunError: the run could not be made',
      { name: 'CannotRunError', message: '--shard: GET /roles was asked of a mock that serves only …' },
      'cannot-run',
      2,
    ],
    ['any other error: the run is incomplete', { name: 'TypeError', message: 'x is undefined' }, 'incomplete', 3],
  ])('%s', (_name, error, verdict, exitCode) => {
    const { exitCode: code, report } = run(error);
    expect(report.verdict).toBe(verdict);
    expect(code).toBe(exitCode);
    expect(report.errors.join('\n')).toContain(error.message);
    if (verdict === 'cannot-run') expect(report.because).toBe(error.message);
  });
});

describe('merged outcomes', () => {
  const na = (reason: string, status: Outcome['status'] = 'not-applicable'): Outcome => ({
    check: 'enum-value-undocumented',
    operation: 'DELETE /x',
    status,
    evaluated: 0,
    warnings: 0,
    inferences: 0,
    reason,
  });
  const results = (outcomes: Outcome[]) => outcomes.map((o, i) => ({ ...passed, name: `t${i}`, outcomes: [o] }));
  const permutations = <T>(xs: T[]): T[][] =>
    xs.length <= 1 ? [xs] : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));

  test.each<[string, Outcome[], string | undefined]>([
    [
      'the same status, several reasons: the first in text order',
      [na('no response it could judge (HTTP 404)'), na('no response it could judge (HTTP 401)')],
      'no response it could judge (HTTP 401)',
    ],
    ['a higher status brings its own reason', [na('b'), na('z', 'not-reached'), na('a')], 'z'],
    ['passed on any test: no reason', [na('b'), { ...na('a'), status: 'passed' }], undefined],
  ])('%s — whatever order the tests ended in', (_name, outcomes, reason) => {
    for (const order of permutations(outcomes)) expect(mergeOutcomes(results(order))[0]!.reason).toBe(reason);
  });
});
