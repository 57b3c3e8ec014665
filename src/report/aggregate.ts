import type { Violation } from '../checks/types.ts';
import type { Outcome } from '../run/ledger.ts';
import type { ScenarioResult } from '../run/scenarios/result.ts';
import { dedupe } from '../run/scenarios/result.ts';

export interface RunReport {
  tool: 'salesive-account-contract';
  spec: string;
  target: { kind: string; baseUrl: string };
  runSeed: number;
  runs: number;
  startedAt: string;
  durationMs: number;
  outcomes: Outcome[];
  violations: Array<Violation & { test: string; seed?: number; path?: string; replay: string }>;
  warnings: Violation[];
  /** Tests that failed for a reason other than a contract violation (a bug, an unreachable target). */
  errors: string[];
  /** Tests the request budget stopped short (CONTRACT_MAX_REQUESTS), with how many requests each did not send. */
  cutShort: Array<{ test: string; unsent: number }>;
  rateLimited: number;
  verdict: 'holds' | 'violated' | 'cannot-run';
}

/** One row per (check, operation) across every test: violated beats passed beats not-applicable. */
export function mergeOutcomes(results: readonly ScenarioResult[]): Outcome[] {
  const merged = new Map<string, Outcome>();
  const rank = { violated: 2, passed: 1, 'not-applicable': 0 } as const;
  for (const o of results.flatMap((r) => r.outcomes)) {
    const key = `${o.check}\u0000${o.operation}`;
    const prev = merged.get(key);
    if (!prev) {
      merged.set(key, { ...o });
      continue;
    }
    prev.evaluated += o.evaluated;
    prev.warnings += o.warnings;
    if (rank[o.status] > rank[prev.status]) {
      prev.status = o.status;
      if (o.status !== 'not-applicable') delete prev.reason;
    }
    if (prev.status === 'not-applicable') prev.reason ??= o.reason;
  }
  return [...merged.values()].sort((a, b) => a.check.localeCompare(b.check) || a.operation.localeCompare(b.operation));
}

export function mergeWarnings(results: readonly ScenarioResult[]): Violation[] {
  return dedupe(results.flatMap((r) => r.warnings));
}

/** The exit code, from one pure function: 2 when the run could not be made, 1 on violations, else 0. */
export function verdictOf(report: Pick<RunReport, 'violations' | 'errors'>): RunReport['verdict'] {
  if (report.errors.length) return 'cannot-run';
  return report.violations.length ? 'violated' : 'holds';
}
