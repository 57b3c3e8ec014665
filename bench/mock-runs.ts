/**
 * How many runs per property the embedded mock needs: `npm run contract` on the mock at several CONTRACT_RUNS, for
 * the same seeds, each set against what 100 runs find with that seed —
 *   npx tsx bench/mock-runs.ts <spec> [runs=1,2,3,5,10,20] [seeds=11,22,33]
 * A finding is its stable key (check, operation, JSON pointer, basis) and severity; a cell is a (check, operation)
 * pair that judged something (passed, violated or inferred). Prints one Markdown row per runs value, and the
 * pairs 100 runs found that fewer missed. Each run is its own process, as a user runs it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Report {
  findings: Array<{ check: string; operation: string; location: string; basis: string; severity: string }>;
  outcomes: Array<{ check: string; operation: string; status: string; evaluated: number }>;
}

const [spec, runsArg = '1,2,3,5,10,20', seedsArg = '11,22,33'] = process.argv.slice(2);
if (!spec) {
  console.error('usage: npx tsx bench/mock-runs.ts <spec> [runs=1,2,3,5,10,20] [seeds=11,22,33]');
  process.exit(2);
}
const runsList = runsArg.split(',').map(Number);
const seeds = seedsArg.split(',').map(Number);

function contract(runs: number, seed: number): { report: Report; wallMs: number; code: number | null } {
  const reports = mkdtempSync(join(tmpdir(), 'mock-runs-'));
  const started = performance.now();
  const run = spawnSync(process.execPath, ['scripts/contract.mjs', '--spec', spec!, '--reports', reports], {
    env: { ...process.env, CONTRACT_BASE_URL: '', CONTRACT_RUNS: String(runs), CONTRACT_SEED: String(seed) },
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const wallMs = performance.now() - started;
  if (run.status !== 0 && run.status !== 1) throw new Error(`runs=${runs} seed=${seed}: exit ${run.status}\n${run.stdout.slice(-2000)}${run.stderr.slice(-2000)}`);
  return { report: JSON.parse(readFileSync(join(reports, 'contract.json'), 'utf8')) as Report, wallMs, code: run.status };
}

const findingKeys = (r: Report) => new Set(r.findings.map((f) => `${f.severity} ${f.check} · ${f.operation} · ${f.location} · ${f.basis}`));
const judgedCells = (r: Report) => new Set(r.outcomes.filter((o) => ['passed', 'violated', 'inferred'].includes(o.status)).map((o) => `${o.check} · ${o.operation}`));
const exchanges = (r: Report) => r.outcomes.filter((o) => o.check === 'connection-failed').reduce((n, o) => n + o.evaluated, 0);
const missing = (want: Set<string>, got: Set<string>) => [...want].filter((k) => !got.has(k));

const reference = new Map(seeds.map((seed) => [seed, contract(100, seed)]));
const rows: string[] = [];
const misses: string[] = [];
const row = (runs: number, results: Map<number, ReturnType<typeof contract>>) => {
  let findingsMissed = 0;
  let cellsMissed = 0;
  let findingsAt100 = 0;
  let cellsAt100 = 0;
  for (const seed of seeds) {
    const want = reference.get(seed)!.report;
    const got = results.get(seed)!.report;
    const f = missing(findingKeys(want), findingKeys(got));
    const c = missing(judgedCells(want), judgedCells(got));
    findingsAt100 += findingKeys(want).size;
    cellsAt100 += judgedCells(want).size;
    findingsMissed += f.length;
    cellsMissed += c.length;
    for (const k of [...f, ...c]) misses.push(`runs=${runs} seed=${seed}: ${k}`);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const all = [...results.values()];
  rows.push(
    `| ${runs} | ${findingsAt100 - findingsMissed} / ${findingsAt100} | ${cellsAt100 - cellsMissed} / ${cellsAt100} | ${Math.round(mean(all.map((r) => exchanges(r.report))))} | ${(mean(all.map((r) => r.wallMs)) / 1000).toFixed(1)} s |`,
  );
};
for (const runs of runsList) row(runs, new Map(seeds.map((seed) => [seed, contract(runs, seed)])));
row(100, reference);

console.log(`${spec.split('/').pop()} — seeds ${seeds.join(', ')}; each row summed over the seeds, against 100 runs with the same seed`);
console.log('');
console.log('| runs | findings 100 runs found, also found | checks × operations 100 runs judged, also judged | requests (mean) | wall (mean) |');
console.log('|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
if (misses.length) console.log(`\nMissed:\n${misses.map((m) => `- ${m}`).join('\n')}`);
