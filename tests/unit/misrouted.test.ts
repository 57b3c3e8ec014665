import { describe, expect, test } from 'vitest';
import { verdictOf, type RunReport } from '../../src/report/aggregate.ts';
import { FIXTURE_TOKENS as GU1_TOKENS, startGu1Server } from '../fixtures/gu1-server.ts';
import { FIXTURE_TOKENS as SILA_TOKENS, startSilaServer } from '../fixtures/sila-server.ts';
import { runContract, tokensFile } from './support/cli.ts';

/**
 * A base URL that misses the API makes every answer a 404. Where the spec documents 404 on every operation (gu1),
 * each of them reads as documented and the run "held"; where it documents none (Sila), each read as the server's
 * fault. Neither says anything about the server: the verdict says the run did not reach it.
 */
const LIVE = { kind: 'live', baseUrl: 'http://127.0.0.1:1/api' };
const MOCK = { kind: 'mock', baseUrl: 'http://127.0.0.1:1' };
const judged: RunReport['outcomes'] = [{ check: 'response-schema-mismatch', operation: 'GET /a', status: 'passed', evaluated: 3, warnings: 0, inferences: 0 }];
const clean = { findings: [], errors: [], cutShort: [], outcomes: judged, ran: 1 };
const answers = (total: number, success: number, notFound: number, notFoundOnFixedRoutes: number) => ({ total, success, notFound, notFoundOnFixedRoutes });

describe('the verdict when the requests may not have reached the API', () => {
  test.each([
    ['every answer 404, routes that need no record among them', LIVE, answers(40, 0, 40, 12), 'cannot-run', /^every answer of the run was 404 \(40 requests\)/],
    [
      'every answer 404, none from a route that needs no record',
      LIVE,
      answers(40, 0, 40, 0),
      'incomplete',
      /^no request got a 2xx answer \(40 answers, 40 of them 404\)/,
    ],
    ['404s and other refusals, no success', LIVE, answers(40, 0, 25, 0), 'incomplete', /no success response was judged/],
    ['404s beside successes', LIVE, answers(40, 10, 30, 5), 'holds', /every check that could judge/],
    ['no 404 and no success (every answer a 401 or 400)', LIVE, answers(40, 0, 0, 0), 'holds', /every check that could judge/],
    ['every answer 404 on the mock (ours: never a wrong base URL)', MOCK, answers(40, 0, 40, 12), 'holds', /every check that could judge/],
    ['no answers counted', LIVE, undefined, 'holds', /every check that could judge/],
  ] as const)('%s', (_name, target, counted, verdict, because) => {
    const got = verdictOf({ ...clean, target, ...(counted ? { answers: counted } : {}) });
    expect(got.verdict).toBe(verdict);
    expect(got.because).toMatch(because);
  });

  test('a misrouted run is not blamed on the server, even with findings', () => {
    const finding = {
      id: 'x',
      check: 'status-code-undocumented',
      operation: 'POST /a',
      severity: 'error',
      basis: 'documented',
    } as unknown as RunReport['findings'][number];
    expect(verdictOf({ ...clean, findings: [finding], target: LIVE, answers: answers(9, 0, 9, 9) }).verdict).toBe('cannot-run');
    // Without a route that needs no record, a 404 may be the server's own answer: the finding stands.
    expect(verdictOf({ ...clean, findings: [finding], target: LIVE, answers: answers(9, 0, 9, 0) }).verdict).toBe('violated');
  });
});

describe('a base URL with one path segment too many, end to end', () => {
  test('gu1 (every operation documents 404): incomplete, exit 3, not "holds"', async () => {
    const server = await startGu1Server();
    try {
      const run = await runContract(['--api', 'gu1', '--runs', '5'], { CONTRACT_BASE_URL: `${server.url}/api`, CONTRACT_TOKENS_FILE: tokensFile(GU1_TOKENS) });
      expect(run.status, run.out).toBe(3);
      expect(run.report().because).toMatch(/no request got a 2xx answer .* is CONTRACT_BASE_URL the API's base/);
      expect(run.stdout).toMatch(/preflight — .*no read that needs no record id answered/);
      expect(run.stdout).not.toMatch(/reaches the API/);
      // JUnit carries the run's own verdict too: a CI that reads only junit.xml must not see all green.
      expect(run.file('junit.xml')).toMatch(/<testcase classname="contract run" name="verdict"[^>]*><error message="incomplete: no request got a 2xx answer/);
    } finally {
      await server.close();
    }
  });

  test('Sila (no operation documents 404): could not run, exit 2, findings not blamed on the server', async () => {
    const server = await startSilaServer();
    try {
      const run = await runContract(['--api', 'sila', '--runs', '5'], { CONTRACT_BASE_URL: `${server.url}/v1`, CONTRACT_TOKENS_FILE: tokensFile(SILA_TOKENS) });
      expect(run.status, run.out).toBe(2);
      expect(run.report().verdict).toBe('cannot-run');
      expect(run.stdout).not.toMatch(/the server breaks/);
      expect(run.stdout).toMatch(/the run could not be made — every answer of the run was 404/);
      // No format blames the server or passes it: nothing of what answered the wrong URL is the server's.
      const report = run.report() as RunReport;
      expect(report.findings).toEqual([]);
      expect(report.outcomes.filter((o) => ['passed', 'violated', 'warned', 'inferred'].includes(o.status))).toEqual([]);
      expect(report.outcomes.some((o) => o.status === 'not-reached' && /did not reach the API/.test(o.reason ?? ''))).toBe(true);
      const junit = run.file('junit.xml');
      expect(junit).toMatch(/<testsuites [^>]*failures="0" errors="[1-9]\d*"/);
      expect(junit).not.toMatch(/<failure /);
      expect(run.file('summary.md')).not.toMatch(/^## Findings/m);
      expect(run.file('index.html')).not.toMatch(/the server breaks/);
      expect(run.file('drift.md')).not.toMatch(/the server did/);
    } finally {
      await server.close();
    }
  });
});
