/**
 * `npx tsx bench/process-group.ts [runs] [--cwd <checkout>]` — does `npm run contract` leave a process behind?
 * Each run starts it in a process group of its own (on the embedded mock), alternately cold (empty tsx and vitest
 * caches: a fresh TMPDIR and CONTRACT_MODULE_CACHE, as in a fresh clone) and warm, and lists the group's processes
 * (zombies too) the moment it returns and 0.2, 1 and 3 s later. One JSON line per run.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function group(pgid: number): string[] {
  try {
    return execFileSync('ps', ['-o', 'pid=,stat=,args=', '-g', String(pgid)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => l.trim().slice(0, 100));
  } catch {
    return []; // ps exits 1 on an empty group
  }
}

const args = process.argv.slice(2);
const cwdAt = args.indexOf('--cwd');
const cwd = cwdAt >= 0 ? args.splice(cwdAt, 2)[1]! : process.cwd();
const runs = Number(args[0] ?? 4);
for (let i = 0; i < runs; i++) {
  const cold = i % 2 === 0;
  const fresh = mkdtempSync(join(tmpdir(), 'bench-cold-'));
  const env = { ...process.env, CONTRACT_BASE_URL: '', CONTRACT_RUNS: '20', ...(cold ? { TMPDIR: fresh, CONTRACT_MODULE_CACHE: join(fresh, 'vitest') } : {}) };
  const started = performance.now();
  const child = spawn('npm', ['run', '--silent', 'contract', '--', '--reports', join(fresh, 'reports')], { cwd, detached: true, stdio: 'ignore', env });
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  const wallMs = Math.round(performance.now() - started);
  const left: Record<string, string[]> = {};
  for (const wait of [0, 200, 800, 2000]) {
    if (wait) await new Promise((r) => setTimeout(r, wait));
    const l = group(child.pid!);
    if (l.length) left[`${[0, 200, 1000, 3000][[0, 200, 800, 2000].indexOf(wait)]} ms`] = l;
  }
  console.log(JSON.stringify({ run: i + 1, cold, code, wallMs, left }));
}
