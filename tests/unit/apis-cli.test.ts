import { describe, expect, test } from 'vitest';
import { FIXTURE_APIS } from '../fixtures/fixture-apis.ts';
import { runContract, tokensFile } from './support/cli.ts';

/**
 * Every API the suite knows, the way a user runs it: `npm run contract -- --api <name>` against its fixture
 * server as a live target — exit 0 when it conforms, exit 1 naming the check when a documented rule is broken — and
 * on the embedded mock. No credential (API key, PAT, JWT) reaches the output or a report.
 */
const secretsOf = (tokens: unknown[]) => tokens.map((t) => (t as { token: string }).token);

describe.each(FIXTURE_APIS.map((f) => [f.api, f] as const))('%s', (api, fixture) => {
  test('live: the conforming fixture holds (exit 0)', async () => {
    const server = await fixture.start([]);
    try {
      const run = await runContract(['--api', api, '--runs', '10'], { CONTRACT_BASE_URL: server.url, CONTRACT_TOKENS_FILE: tokensFile(fixture.tokens) });
      expect(run.status, run.out.slice(-3000)).toBe(0);
      expect(run.out).toMatch(/the contract holds/);
      for (const secret of secretsOf(fixture.tokens))
        expect(run.out + run.file('contract.json') + run.file('junit.xml') + run.file('summary.md')).not.toContain(secret);
    } finally {
      await server.close();
    }
  });

  test('live: a documented fault fails the run (exit 1), naming the check', async () => {
    const [fault, , , check] = fixture.cases[0]!;
    const tokens = fixture.tokensFor?.(fault) ?? fixture.tokens;
    const server = await fixture.start([fault], fixture.tokensFor?.(fault));
    try {
      const run = await runContract(['--api', api, '--runs', '10'], { CONTRACT_BASE_URL: server.url, CONTRACT_TOKENS_FILE: tokensFile(tokens) });
      expect(run.status, run.out.slice(-3000)).toBe(1);
      expect(run.out).toMatch(new RegExp(`violation ${check} · `));
      for (const secret of secretsOf(tokens)) expect(run.out + run.file('contract.json') + run.file('junit.xml')).not.toContain(secret);
    } finally {
      await server.close();
    }
  });

  test('on the embedded mock: holds, for the right reasons (something judged, the rest skipped with reasons)', async () => {
    const run = await runContract(['--api', api, '--runs', '10']);
    expect(run.status, run.out.slice(-3000)).toBe(0);
    const report = run.report();
    expect(report.outcomes.filter((o: { status: string }) => o.status === 'passed').length).toBeGreaterThan(10);
    expect(report.skipped.every((s: { reason: string }) => s.reason.length > 0)).toBe(true);
  });
});
