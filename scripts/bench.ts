/**
 * npm run bench [-- --quick] — what the suite costs. Not a test: it asserts nothing, it measures and prints
 * Markdown tables for BENCHMARKS.md (the machine, the load and the command go with them).
 *   1. engine overhead: the suite's full path vs a raw keep-alive undici loop, same requests, same server
 *   2. whole suite: `npm run contract` on the embedded mock and on a local server
 *   3. real specs on the mock: DigitalOcean and Sumvin's own spec through `npm run contract`, Prism's ceiling on
 *      the same spec, and DigitalOcean with 1 and 4 shards one after another
 *   4. scale: synthetic specs of 10/100/1000 operations and the DigitalOcean spec (each in its own process)
 *   5. spec drift: the largest synthetic spec and DigitalOcean's against an edited copy (bench/drift-one.ts)
 *   6. bad days: a hung operation, half a body and a stall, 429 + Retry-After on the first request of each kind
 *      (bench/bad-days.ts); `npm run bench -- --bad-days` runs this section alone
 * The real specs live beside the project (../shared/real-specs/); a clone without them skips their rows.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { BAD_DAYS, runBadDay } from '../bench/bad-days.ts';
import { measureFloor, measureOverhead, median } from '../bench/overhead.ts';
import { syntheticSpec } from '../bench/synthetic.ts';
import { FIXTURE_TOKENS, startAccountServer } from '../tests/fixtures/account-server.ts';

const quick = process.argv.includes('--quick');
const TSX = 'node_modules/.bin/tsx';
const REAL = '../shared/real-specs';
const DIGITALOCEAN = `${REAL}/digitalocean/DigitalOcean-public.v2.yaml`;
const SUMVIN = `${REAL}/sumvin/openapi.json`;
const realSpecs = existsSync(DIGITALOCEAN) && existsSync(SUMVIN);
const out: string[] = [];
const say = (...lines: string[]) => {
  for (const line of lines.length ? lines : ['']) {
    out.push(line);
    console.log(line);
  }
};
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

say(
  `Machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version} · ${new Date().toISOString().slice(0, 10)} · load average at the start ${load()} (1 / 5 / 15 min)`,
);
say(`Command: npm run bench${quick ? ' -- --quick' : ''}${process.argv.includes('--bad-days') ? ' -- --bad-days' : ''}`);
if (!realSpecs) say('', `Real-spec rows skipped: ${REAL}/ is not beside this checkout (it holds the DigitalOcean and Sumvin specs).`);

/** 6. Bad days: `npm run contract` at defaults against the Account fixture behind a proxy having a bad day. */
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
say(
  '',
  '## Engine overhead',
  '',
  'Median of alternating rounds (5, and 10 for the target row: 8 in flight, bodies varied; 5 everywhere with --quick); each round starts with the next phase, so each takes every place equally often; one warm-up round of each first; every round is checked to have sent exactly N requests. ' +
    'The suite drives the responses scenario as checkProperty does: every value keyed, then probed in batches of a live run (100 values), or one after another at 1 in flight. ' +
    'The server varies every body (a counter), so the verdict cache cannot stand in for judging; the last row repeats two bodies, as a static mock does. ' +
    'Then the same requests through the same transport, nothing judged (the request path alone); ' +
    'and through the libraries alone: the same draws, keys and openapi-fetch calls over a bare fetch that parses the body — no timer, budget, circuit, cap, redaction or capture, nothing judged. ' +
    'That column is the lowest any engine built on these libraries can reach; the suite may add at most the gap between it and 1.5× for everything else it does.',
  '',
);
say(
  '| requests | in flight | server holds each answer | bodies | raw undici | suite | ratio | suite, no verdict cache | ratio | request path alone | ratio | libraries alone | ratio |',
  '|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
);
let rawUsAt8 = 0;
const n = quick ? 4000 : 20000;
const perReq = (ms: number, requests: number) => `${Math.round(ms)} ms (${((ms / requests) * 1000).toFixed(0)} µs/req)`;
for (const [requests, concurrency, latencyMs, varied] of [
  [n, 1, 0, true],
  [n, 8, 0, true],
  [n / 10, 4, 5, true],
  [n, 8, 0, false],
] as const) {
  // The target's row gets more rounds: one round swings by ±25 % on this machine.
  const target = concurrency === 8 && !latencyMs && varied;
  // Rounds in multiples of the 5 phases, so that each phase takes each place in a round equally often.
  const r = await measureOverhead(requests, concurrency, target && !quick ? 10 : 5, latencyMs, varied);
  if (target) rawUsAt8 = (r.rawMs / r.requests) * 1000;
  say(
    `| ${r.requests} | ${r.concurrency} | ${latencyMs ? `${latencyMs} ms` : '—'} | ${varied ? 'every one differs' : 'two, repeated'} | ${perReq(r.rawMs, r.requests)} | ${perReq(r.suiteMs, r.requests)} | ${r.ratio.toFixed(2)}× | ${perReq(r.uncachedMs, r.requests)} | ${r.uncachedRatio.toFixed(2)}× | ${perReq(r.sendMs, r.requests)} | ${r.sendRatio.toFixed(2)}× | ${perReq(r.librariesMs, r.requests)} | ${r.librariesRatio.toFixed(2)}× |`,
  );
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
interface Timed {
  wallMs: number;
  prismMs?: number;
  code: number | null;
  /** Largest resident set of the run's process tree (every process of it, sampled every 100 ms), when asked for. */
  peakRssMb: number;
  reports: string;
}

/**
 * `npm run contract` as a user types it (npm's own start-up is part of the wall time). `sampleRss`: the process tree's
 * resident set is sampled meanwhile — it costs CPU the run shares, so the timed-only rows do not sample.
 */
function timedContract(env: Record<string, string>, args: string[] = [], { sampleRss = false } = {}): Promise<Timed> {
  return new Promise((done) => {
    const reports = mkdtempSync(join(tmpdir(), 'bench-reports-'));
    const started = performance.now();
    const child = spawn('npm', ['run', '--silent', 'contract', '--', ...args, '--reports', reports], { env: { ...process.env, ...env } });
    let text = '';
    let peakRssMb = 0;
    const sampler = sampleRss ? setInterval(() => (peakRssMb = Math.max(peakRssMb, treeRssMb(child.pid!))), 100) : undefined;
    child.stdout.on('data', (d) => (text += d));
    child.stderr.on('data', () => undefined);
    child.on('close', (code) => {
      clearInterval(sampler);
      const prism = /ready in (\d+) ms/.exec(text);
      done({ wallMs: performance.now() - started, code, peakRssMb, reports, ...(prism ? { prismMs: Number(prism[1]) } : {}) });
    });
  });
}

/** The resident set of a process and all its descendants, in MB, read from /proc (Linux; spawning `ps` cost more). */
function treeRssMb(root: number): number {
  try {
    const rows = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .flatMap((pid) => {
        try {
          // stat: "pid (comm) state ppid …" — comm may hold spaces, so read from the last ')'.
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
          return [[Number(pid), Number(fields[1]), rssKb]];
        } catch {
          return []; // gone meanwhile
        }
      });
    const tree = new Set([root]);
    for (let grew = true; grew;) {
      grew = false;
      for (const [pid, ppid] of rows) {
        if (!tree.has(pid!) && tree.has(ppid!)) {
          tree.add(pid!);
          grew = true;
        }
      }
    }
    return Math.round(rows.filter(([pid]) => tree.has(pid!)).reduce((sum, [, , rss]) => sum + rss!, 0) / 1024);
  } catch {
    return 0;
  }
}

say(
  '',
  '## Whole suite (`npm run contract`, the Account API)',
  '',
  `Load average before: ${load()}.`,
  '',
  '| target | wall time | Prism start-up (overlapped) | exit |',
  '|---|---:|---:|---:|',
);
const mockRuns: number[] = [];
for (let i = 0; i < (quick ? 1 : 5); i++) {
  const r = await timedContract({ CONTRACT_BASE_URL: '' });
  mockRuns.push(r.wallMs);
  say(`| embedded Prism mock (run ${i + 1}) | ${s(r.wallMs)} | ${r.prismMs ? s(r.prismMs) : '—'} | ${r.code} |`);
}
say(`| embedded Prism mock, **median of ${mockRuns.length}** | **${s(median(mockRuns))}** | | |`);
const server = await startAccountServer();
try {
  const r = await timedContract({ CONTRACT_BASE_URL: server.url, CONTRACT_TOKENS: JSON.stringify({ tokens: FIXTURE_TOKENS }), CONTRACT_TOKENS_FILE: '' });
  say(`| local fixture server, 5 tokens on 2 stores | ${s(r.wallMs)} | — | ${r.code} |`);
} finally {
  await server.close();
}

// 3. Real specs on the mock
interface Report {
  durationMs: number;
  findings: Array<{ check: string; severity: string }>;
  outcomes: Array<{ check: string; evaluated: number }>;
}
const report = (dir: string) => JSON.parse(readFileSync(join(dir, 'contract.json'), 'utf8')) as Report;
const exchanges = (r: Report) => r.outcomes.filter((o) => o.check === 'connection-failed').reduce((sum, o) => sum + o.evaluated, 0);
const findingsOf = (r: Report) => {
  const by = (severity: string) => r.findings.filter((f) => f.severity === severity).length;
  return `${by('error')} / ${by('warning')} / ${by('inference')}`;
};
function prismCeiling(spec: string, path: string, header: string): number | undefined {
  try {
    const line = execFileSync(TSX, ['bench/prism-rate.ts', 'warn', '1500', spec, path, '', header], { encoding: 'utf8', maxBuffer: 1 << 24 })
      .trim()
      .split('\n')
      .pop()!;
    return (JSON.parse(line) as { requestsPerSecond: Record<string, number> }).requestsPerSecond['4 in flight'];
  } catch {
    return undefined;
  }
}
if (realSpecs) {
  say('', '## Real specs on the embedded mock (`npm run contract -- --spec …`, default settings)', '');
  say(
    `Load average before: ${load()}. Requests are the exchanges the run judged; Prism's ceiling is bench/prism-rate.ts on the same spec (a GET without inputs, 4 in flight), measured right after the run.`,
    '',
  );
  say(
    '| spec | operations | wall | Prism start-up | exit | findings (errors / warnings / inferences) | requests | requests/s through the suite | Prism alone | peak RSS (process tree) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const [spec, operations, path, header] of [
    [DIGITALOCEAN, 408, '/v2/account', 'authorization:Bearer mock'],
    [SUMVIN, 184, '/v0/user/me', 'x-sumvin-pat:mock'],
  ] as const) {
    const r = await timedContract({ CONTRACT_BASE_URL: '' }, ['--spec', spec], { sampleRss: true });
    const rep = report(r.reports);
    const ceiling = prismCeiling(spec, path, header);
    say(
      `| ${spec.split('/').pop()} | ${operations} | ${s(r.wallMs)} | ${r.prismMs ? s(r.prismMs) : '—'} | ${r.code} | ${findingsOf(rep)} | ${exchanges(rep)} | ${Math.round(exchanges(rep) / (rep.durationMs / 1000))} | ${ceiling ?? '—'} | ${r.peakRssMb} MB |`,
    );
  }
  if (!quick) {
    say('', '### Fan-out: DigitalOcean in 1 and in 4 shards (`--shard i/4`, one after another, then `--merge-reports`)', '');
    const single = await timedContract({ CONTRACT_BASE_URL: '', CONTRACT_SEED: '7' }, ['--spec', DIGITALOCEAN]);
    const shards: Timed[] = [];
    for (let i = 1; i <= 4; i++) shards.push(await timedContract({ CONTRACT_BASE_URL: '', CONTRACT_SEED: '7' }, ['--spec', DIGITALOCEAN, '--shard', `${i}/4`]));
    const t = performance.now();
    const merged = await new Promise<number | null>((done) =>
      spawn(
        'npm',
        ['run', '--silent', 'contract', '--', '--merge-reports', ...shards.map((x) => x.reports), '--reports', mkdtempSync(join(tmpdir(), 'bench-merged-'))],
        { stdio: 'ignore' },
      ).on('close', done),
    );
    const largest = Math.max(...shards.map((x) => x.wallMs));
    say('| run | wall | exit |', '|---|---:|---:|', `| 1 shard | ${s(single.wallMs)} | ${single.code} |`);
    shards.forEach((x, i) => say(`| shard ${i + 1}/4 | ${s(x.wallMs)} | ${x.code} |`));
    say(
      `| --merge-reports of the 4 | ${s(performance.now() - t)} | ${merged} |`,
      '',
      `The largest of 4 shards takes **${((largest / single.wallMs) * 100).toFixed(0)} %** of the single run (target: at most ~33 %).`,
    );
  }
}

// 4. Scale
const dir = mkdtempSync(join(tmpdir(), 'bench-specs-'));
const specs = [10, 100, ...(quick ? [] : [1000])].map((count) => {
  const file = join(dir, `synthetic-${count}.yaml`);
  writeFileSync(file, syntheticSpec(count));
  return file;
});
if (realSpecs) specs.push(DIGITALOCEAN);
say('', '## Scale (10 runs per operation against Prism; each spec in its own process)', '');
say(
  '| spec | operations | load + index | generate types | build arbitraries | compile validators | per operation (10 runs) | peak RSS |',
  '|---|---:|---:|---:|---:|---:|---:|---:|',
);
for (const file of specs) {
  try {
    const line = execFileSync(TSX, ['bench/scale-one.ts', file, '10'], { encoding: 'utf8', maxBuffer: 1 << 24 })
      .trim()
      .split('\n')
      .pop()!;
    const r = JSON.parse(line) as Record<string, number>;
    say(
      `| ${file.split('/').pop()} | ${r['operations']} | ${r['load']} ms | ${r['types']} ms | ${r['arbitraries']} ms | ${r['validators']} ms | ${r['perOpMs'] ? r['perOpMs'].toFixed(0) + ' ms' : '—'} | ${r['peakRssMb']} MB |`,
    );
  } catch (error) {
    say(`| ${file.split('/').pop()} | failed: ${(error as Error).message.split('\n')[0]} |`);
  }
}
// 5. Spec drift
say('', '## Spec drift (each spec against an edited copy of itself, 60 edits; each in its own process)', '');
say(
  '| spec | operations | load + bundle | diff | changes (breaking / warning / info) | diff with an identical copy | peak RSS |',
  '|---|---:|---:|---:|---:|---:|---:|',
);
for (const file of specs.slice(realSpecs ? -2 : -1)) {
  try {
    const line = execFileSync(TSX, ['bench/drift-one.ts', file, '60'], { encoding: 'utf8', maxBuffer: 1 << 24 })
      .trim()
      .split('\n')
      .pop()!;
    const r = JSON.parse(line) as Record<string, number>;
    say(
      `| ${file.split('/').pop()} | ${r['operations']} | ${r['load']} ms | ${r['diff']} ms | ${r['changes']} (${r['breaking']} / ${r['warning']} / ${r['info']}) | ${r['identical']} ms, ${r['identicalChanges']} changes | ${r['peakRssMb']} MB |`,
    );
  } catch (error) {
    say(`| ${file.split('/').pop()} | failed: ${(error as Error).message.split('\n')[0]} |`);
  }
}
say('', `Load average at the end: ${load()}.`);
await badDays();
writeFileSync(join(dir, 'bench.md'), out.join('\n') + '\n');
console.log(`\n(also written to ${join(dir, 'bench.md')})`);
