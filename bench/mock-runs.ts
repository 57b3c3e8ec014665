/**
 * How many runs per property the embedded mock needs: `npm run contract` on the mock at several CONTRACT_RUNS, for
 * the same seeds, each set against what 100 runs find with that seed —
 *   npx tsx bench/mock-runs.ts <spec> [runs=1,2,3,5,10,20] [seeds=11,22,33]
 * A finding is its stable key (check, operation, JSON pointer, basis) and severity, counted in three kinds: what
 * fails or informs a run (errors and unconfirmed inferences), what is wrong with the spec itself
 * (spec-example-invalid), and notes about the mock (the other warnings: Prism not enforcing a rule, or reading one
 * its own way). A cell is a (check, operation) pair that judged something (passed, violated or inferred). Prints
 * one Markdown row per runs value, and what 100 runs found that fewer missed. Each run is its own process, as a
 * user runs it.
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
  if (run.status !== 0 && run.status !== 1)
    throw new Error(`runs=${runs} seed=${seed}: exit ${run.status}\n${run.stdout.slice(-2000)}${run.stderr.slice(-2000)}`);
  return { report: JSON.parse(readFileSync(join(reports, 'contract.json'), 'utf8')) as Report, wallMs, code: run.status };
}

type Kind = 'run' | 'spec' | 'mock';
const kindOf = (f: Report['findings'][number]): Kind => (f.severity !== 'warning' ? 'run' : f.check === 'spec-example-invalid' ? 'spec' : 'mock');
const findingKeys = (r: Report, kind: Kind) =>
  new Set(r.findings.filter((f) => kindOf(f) === kind).map((f) => `${f.severity} ${f.check} · ${f.operation} · ${f.location} · ${f.basis}`));
const judgedCells = (r: Report) =>
  new Set(r.outcomes.filter((o) => ['passed', 'violated', 'inferred'].includes(o.status)).map((o) => `${o.check} · ${o.operation}`));
const exchanges = (r: Report) => r.outcomes.filter((o) => o.check === 'connection-failed').reduce((n, o) => n + o.evaluated, 0);
const missing = (want: Set<string>, got: Set<string>) => [...want].filter((k) => !got.has(k));

const reference = new Map(seeds.map((seed) => [seed, contract(100, seed)]));
const rows: string[] = [];
const misses: string[] = [];
const row = (runs: number, results: Map<number, ReturnType<typeof contract>>) => {
  const found = (want: Set<string>, got: Set<string>, seed: number) => {
    const lost = missing(want, got);
    for (const k of lost) misses.push(`runs=${runs} seed=${seed}: ${k}`);
    return [want.size - lost.length, want.size] as const;
  };
  const totals: Record<'run' | 'spec' | 'mock' | 'cells', [number, number]> = { run: [0, 0], spec: [0, 0], mock: [0, 0], cells: [0, 0] };
  const add = (key: keyof typeof totals, [kept, all]: readonly [number, number]) => ((totals[key][0] += kept), (totals[key][1] += all));
  for (const seed of seeds) {
    const want = reference.get(seed)!.report;
    const got = results.get(seed)!.report;
    for (const kind of ['run', 'spec', 'mock'] as const) add(kind, found(findingKeys(want, kind), findingKeys(got, kind), seed));
    add('cells', found(judgedCells(want), judgedCells(got), seed));
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const all = [...results.values()];
  const cell = ([kept, total]: number[]) => `${kept} / ${total}`;
  rows.push(
    `| ${runs} | ${cell(totals.run)} | ${cell(totals.spec)} | ${cell(totals.cells)} | ${cell(totals.mock)} | ${Math.round(mean(all.map((r) => exchanges(r.report))))} | ${(mean(all.map((r) => r.wallMs)) / 1000).toFixed(1)} s |`,
  );
};
for (const runs of runsList) row(runs, new Map(seeds.map((seed) => [seed, contract(runs, seed)])));
row(100, reference);

console.log(`${spec.split('/').pop()} — seeds ${seeds.join(', ')}; each row summed over the seeds, against 100 runs with the same seed`);
console.log('');
console.log(
  '| runs | errors and inferences 100 runs found, also found | spec findings (spec-example-invalid) | checks × operations judged | notes about the mock | requests (mean) | wall (mean) |',
);
console.log('|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
if (misses.length) console.log(`\nMissed:\n${misses.map((m) => `- ${m}`).join('\n')}`);
