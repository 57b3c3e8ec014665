/**
 * npm run bench [-- --quick] — what the suite costs. Not a test: it asserts nothing, it measures and prints
 * Markdown tables for BENCHMARKS.md (the machine and the command go with them).
 *   1. engine overhead: the suite's full path vs a raw keep-alive undici loop, same requests, same server
 *   2. whole suite: `npm run contract` on the embedded mock (Prism start-up apart) and on a local server
 *   3. scale: synthetic specs of 10/100/1000 operations and the DigitalOcean spec (each in its own process)
 *   4. spec drift: the largest synthetic spec and DigitalOcean's against an edited copy (bench/drift-one.ts)
 *   5. bad days: a hung operation, half a body and a stall, 429 + Retry-After on the first request of each kind
 *      (bench/bad-days.ts); `npm run bench -- --bad-days` runs this section alone
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { BAD_DAYS, runBadDay } from '../bench/bad-days.ts';
import { measureFloor, measureOverhead, median } from '../bench/overhead.ts';
import { syntheticSpec } from '../bench/synthetic.ts';
import { FIXTURE_TOKENS, startAccountServer } from '../tests/fixtures/account-server.ts';

const quick = process.argv.includes('--quick');
const TSX = 'node_modules/.bin/tsx';
const out: string[] = [];
const say = (...lines: string[]) => {
  for (const line of lines.length ? lines : ['']) {
    out.push(line);
    console.log(line);
  }
};

say(`Machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version} · ${new Date().toISOString().slice(0, 10)}`);
say(`Command: npm run bench${quick ? ' -- --quick' : ''}${process.argv.includes('--bad-days') ? ' -- --bad-days' : ''}`);

/** 5. Bad days: `npm run contract` at defaults against the Account fixture behind a proxy having a bad day. */
async function badDays(): Promise<void> {
  say('', '## Bad days (`npm run contract` at defaults: CONTRACT_TIMEOUT_MS 10 s, 4 in flight, 100 runs; the Account fixture behind a proxy)', '');
  say('| situation | wall time | exit | requests the server saw | answered 429 |', '|---|---:|---:|---:|---:|');
  for (const [name, { title }] of Object.entries(BAD_DAYS)) {
    const r = await runBadDay(name);
    say(`| ${title} | ${(r.wallMs / 1000).toFixed(1)} s | ${r.code} | ${r.received} | ${r.throttled} |`);
  }
}
if (process.argv.includes('--bad-days')) {
  await badDays();
  process.exit(0);
}

// 1. Engine overhead
say('', '## Engine overhead', '', 'Median of 3 alternating rounds each, after one warm-up round of each; every round is checked to have sent exactly N requests.', '');
say('| requests | in flight | server holds each answer | raw undici | suite (full path) | ratio |', '|---:|---:|---:|---:|---:|---:|');
let rawUsAt8 = 0;
const n = quick ? 4000 : 20000;
for (const [requests, concurrency, latencyMs] of [[n, 1, 0], [n, 8, 0], [n / 10, 4, 5]] as const) {
  const r = await measureOverhead(requests, concurrency, 3, latencyMs);
  if (concurrency === 8 && !latencyMs) rawUsAt8 = (r.rawMs / r.requests) * 1000;
  say(`| ${r.requests} | ${r.concurrency} | ${latencyMs ? `${latencyMs} ms` : '—'} | ${Math.round(r.rawMs)} ms (${((r.rawMs / r.requests) * 1000).toFixed(0)} µs/req) | ${Math.round(r.suiteMs)} ms (${((r.suiteMs / r.requests) * 1000).toFixed(0)} µs/req) | ${r.ratio.toFixed(2)}× |`);
}
const floor = await measureFloor(n);
const floorUs = floor.generateUs + floor.openapiFetchUs + floor.validateUs;
say(
  '',
  `The libraries alone, no network (µs per request): fast-check draws it ${floor.generateUs.toFixed(1)}, openapi-fetch builds it ${floor.openapiFetchUs.toFixed(1)}, ` +
    `Ajv validates the response ${floor.validateUs.toFixed(1)}: ${floorUs.toFixed(1)} µs, ${((floorUs / rawUsAt8) * 100).toFixed(0)} % of a raw request at 8 in flight — ` +
    `a floor of ${(1 + floorUs / rawUsAt8).toFixed(2)}× before any engine code runs.`,
);

// 2. Whole suite
function timedContract(env: Record<string, string>): Promise<{ wallMs: number; prismMs?: number; code: number | null; requests?: string }> {
  return new Promise((done) => {
    const started = performance.now();
    // npm run itself, as a user types it: npm's own start-up is part of the wall time.
    const child = spawn('npm', ['run', '--silent', 'contract', '--', '--reports', mkdtempSync(join(tmpdir(), 'bench-reports-'))], { env: { ...process.env, ...env } });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.on('close', (code) => {
      const prism = /ready in (\d+) ms/.exec(text);
      done({ wallMs: performance.now() - started, code, ...(prism ? { prismMs: Number(prism[1]) } : {}) });
    });
  });
}
say('', '## Whole suite (`npm run contract`, default 100 runs per property)', '', '| target | wall time | Prism start-up (overlapped) | exit |', '|---|---:|---:|---:|');
const mockRuns: number[] = [];
for (let i = 0; i < (quick ? 1 : 5); i++) {
  const r = await timedContract({ CONTRACT_BASE_URL: '' });
  mockRuns.push(r.wallMs);
  say(`| embedded Prism mock (run ${i + 1}) | ${(r.wallMs / 1000).toFixed(1)} s | ${r.prismMs ? (r.prismMs / 1000).toFixed(1) + ' s' : '—'} | ${r.code} |`);
}
say(`| embedded Prism mock, **median of ${mockRuns.length}** | **${(median(mockRuns) / 1000).toFixed(1)} s** | | |`);
const server = await startAccountServer();
try {
  const r = await timedContract({ CONTRACT_BASE_URL: server.url, CONTRACT_TOKENS: JSON.stringify({ tokens: FIXTURE_TOKENS }), CONTRACT_TOKENS_FILE: '' });
  say(`| local fixture server, 5 tokens on 2 stores | ${(r.wallMs / 1000).toFixed(1)} s | — | ${r.code} |`);
} finally {
  await server.close();
}

// 3. Scale
const dir = mkdtempSync(join(tmpdir(), 'bench-specs-'));
const specs = [10, 100, ...(quick ? [] : [1000])].map((n) => {
  const file = join(dir, `synthetic-${n}.yaml`);
  writeFileSync(file, syntheticSpec(n));
  return file;
});
specs.push('../shared/real-specs/digitalocean/DigitalOcean-public.v2.yaml');
say('', '## Scale (10 runs per operation against Prism; each spec in its own process)', '');
say('| spec | operations | load + index | generate types | build arbitraries | compile validators | per operation (10 runs) | peak RSS |', '|---|---:|---:|---:|---:|---:|---:|---:|');
for (const file of specs) {
  try {
    const line = execFileSync(TSX, ['bench/scale-one.ts', file, '10'], { encoding: 'utf8', maxBuffer: 1 << 24 }).trim().split('\n').pop()!;
    const r = JSON.parse(line) as Record<string, number>;
    say(`| ${file.split('/').pop()} | ${r['operations']} | ${r['load']} ms | ${r['types']} ms | ${r['arbitraries']} ms | ${r['validators']} ms | ${r['perOpMs'] ? r['perOpMs'].toFixed(0) + ' ms' : '—'} | ${r['peakRssMb']} MB |`);
  } catch (error) {
    say(`| ${file.split('/').pop()} | failed: ${(error as Error).message.split('\n')[0]} |`);
  }
}
// 4. Spec drift
say('', '## Spec drift (each spec against an edited copy of itself, 60 edits; each in its own process)', '');
say('| spec | operations | load + bundle | diff | changes (breaking / warning / info) | diff with an identical copy | peak RSS |', '|---|---:|---:|---:|---:|---:|---:|');
for (const file of specs.slice(-2)) {
  try {
    const line = execFileSync(TSX, ['bench/drift-one.ts', file, '60'], { encoding: 'utf8', maxBuffer: 1 << 24 }).trim().split('\n').pop()!;
    const r = JSON.parse(line) as Record<string, number>;
    say(`| ${file.split('/').pop()} | ${r['operations']} | ${r['load']} ms | ${r['diff']} ms | ${r['changes']} (${r['breaking']} / ${r['warning']} / ${r['info']}) | ${r['identical']} ms, ${r['identicalChanges']} changes | ${r['peakRssMb']} MB |`);
  } catch (error) {
    say(`| ${file.split('/').pop()} | failed: ${(error as Error).message.split('\n')[0]} |`);
  }
}
await badDays();
writeFileSync(join(dir, 'bench.md'), out.join('\n') + '\n');
console.log(`\n(also written to ${join(dir, 'bench.md')})`);
