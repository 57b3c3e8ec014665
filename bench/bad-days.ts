/**
 * `npx tsx bench/bad-days.ts [hang|stall|throttle …] [--cwd <checkout>]` — the bad days of issue 15, one row each:
 * `npm run contract` at defaults (CONTRACT_TIMEOUT_MS 10 s, 4 in flight, 100 runs) against the Account fixture
 * server behind a proxy that has a bad day (tests/fixtures/bad-days.ts):
 *   hang      one of the 13 operations (GET /payouts/fee) never answers
 *   stall     one operation (GET /roles) sends its status, headers and half its body, then stalls
 *   throttle  the first request of each kind (method, URL, credential) gets 429 with Retry-After: 1
 * Prints one JSON line per scenario (wall time, exit code, requests the proxy saw). `--cwd` runs another checkout's
 * `npm run contract` (the "before" column: the same scenarios against the code before the change).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURE_TOKENS, startAccountServer } from '../tests/fixtures/account-server.ts';
import { startBadDayProxy, type BadDay } from '../tests/fixtures/bad-days.ts';

export const BAD_DAYS: Record<string, { title: string; day: BadDay }> = {
  hang: { title: 'one of 13 operations never answers (GET /payouts/fee)', day: { hang: (m, p) => m === 'GET' && p.endsWith('/payouts/fee') } },
  stall: { title: 'one operation sends half a body and stalls (GET /roles)', day: { stall: (m, p) => m === 'GET' && p.endsWith('/roles') } },
  throttle: { title: '429 + Retry-After: 1 to the first request of each kind', day: { throttleFirst: true } },
};

export interface BadDayRow {
  scenario: string;
  wallMs: number;
  code: number | null;
  received: number;
  throttled: number;
  held: number;
  verdict?: string;
}

/** One scenario: a fresh fixture server and proxy, `npm run contract` through npm as a user types it. */
export async function runBadDay(scenario: string, cwd = process.cwd(), env: Record<string, string> = {}): Promise<BadDayRow> {
  const { day } = BAD_DAYS[scenario]!;
  const server = await startAccountServer();
  const proxy = await startBadDayProxy(server.url, day);
  const dir = mkdtempSync(join(tmpdir(), 'bench-bad-day-'));
  const tokens = join(dir, 'tokens.json');
  writeFileSync(tokens, JSON.stringify({ tokens: FIXTURE_TOKENS }));
  try {
    const started = performance.now();
    const { code, out } = await new Promise<{ code: number | null; out: string }>((done) => {
      const child = spawn('npm', ['run', '--silent', 'contract', '--', '--reports', join(dir, 'reports')], {
        cwd,
        env: { ...process.env, CONTRACT_BASE_URL: proxy.url, CONTRACT_TOKENS_FILE: tokens, CONTRACT_TOKENS: '', CONTRACT_SPEC: '', CONTRACT_API: '', ...env },
      });
      let text = '';
      child.stdout.on('data', (d) => (text += d));
      child.stderr.on('data', (d) => (text += d));
      child.on('close', (c) => done({ code: c, out: text }));
    });
    const verdict = /\n(the contract holds|the contract is violated|INCOMPLETE[^\n]*|the run could not be made)[^\n]*$/.exec(out.trimEnd())?.[0]?.trim();
    return { scenario, wallMs: performance.now() - started, code, ...proxy.counts, ...(verdict ? { verdict } : {}) };
  } finally {
    await proxy.close();
    await server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const cwdAt = args.indexOf('--cwd');
  const cwd = cwdAt >= 0 ? args.splice(cwdAt, 2)[1]! : process.cwd();
  const scenarios = args.length ? args : Object.keys(BAD_DAYS);
  for (const s of scenarios) {
    if (!BAD_DAYS[s]) throw new Error(`unknown scenario ${s}: one of ${Object.keys(BAD_DAYS).join(', ')}`);
    console.log(JSON.stringify(await runBadDay(s, cwd)));
  }
}
