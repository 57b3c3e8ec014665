import { realpathSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Every file a run writes into its reports folder (ContractReporter.end; contract-shard.json on a --shard run).
 * Named here rather than imported: the CLI loads this before every run, and the reporter is the heavy module it
 * loads only when needed. tests/unit/stale-reports.test.ts holds this list to what a run really writes.
 */
export const REPORT_FILES = ['contract.json', 'contract-shard.json', 'summary.md', 'junit.xml', 'drift.json', 'drift.md', 'index.html'];

/**
 * Taken just before a run; what it returns, called when the run could not be made, removes the earlier run's
 * reports from `dir` and says which went. Left in place they read as this run's: a CI job that uploads the folder
 * after a failed step would publish the earlier green page. Nothing goes when this run's reporter wrote
 * contract.json after all (its first file): those reports are this run's. A file the run reads (`inputs`, e.g. a
 * contract.json given as --baseline) always stays.
 */
export function staleReports(dir: string, inputs: () => readonly string[]): () => string[] {
  const before = fingerprint(join(dir, 'contract.json'));
  return () => (fingerprint(join(dir, 'contract.json')) === before ? removeReports(dir, inputs()) : []);
}

function removeReports(dir: string, inputs: readonly string[]): string[] {
  const kept = new Set(inputs.map(real));
  const stale = REPORT_FILES.filter((name) => fingerprint(join(dir, name)) !== undefined && !kept.has(real(join(dir, name))));
  for (const name of stale) rmSync(join(dir, name), { force: true });
  return stale;
}

/** Which file version is there, if any: any write since changes its size or its change time (to the nanosecond). */
function fingerprint(file: string): string | undefined {
  const stat = statSync(file, { bigint: true, throwIfNoEntry: false });
  return stat?.isFile() ? `${stat.ino}:${stat.size}:${stat.ctimeNs}:${stat.mtimeNs}` : undefined;
}

/** The same file however it is named: relative to here, through a symlink, or with `..` in it. */
function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}
