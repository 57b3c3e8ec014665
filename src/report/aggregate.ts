import type { Violation } from '../checks/types.ts';
import type { Finding, FindingKey } from '../run/findings.ts';
import type { Outcome, OutcomeStatus } from '../run/ledger.ts';
import type { ScenarioResult } from '../run/scenarios/result.ts';
import { dedupe } from '../run/scenarios/result.ts';

export type Verdict = 'holds' | 'violated' | 'incomplete' | 'cannot-run';

export interface RunReport {
  tool: 'kyc-contract-suite';
  reportVersion: 2;
  spec: string;
  target: { kind: string; baseUrl: string };
  runSeed: number;
  runs: number;
  startedAt: string;
  durationMs: number;
  policy: { inferred: 'warn' | 'fail' | 'off'; nullable: 'strict' | 'lenient' };
  /** How to re-run exactly this run (no secret: a token matrix given inline is named, not copied). */
  replay: { env: Array<[string, string]> };
  /** One row per (check, operation), every check kept, not-reached ones included. */
  outcomes: Outcome[];
  /** Every finding once, with its count, tokens and one or two examples; `known` when in the baseline. */
  findings: Finding[];
  /** Every occurrence behind the findings, with the test that saw it and its replay line. */
  violations: Array<Violation & { test: string; finding: string; replay: string; path?: string }>;
  warnings: Violation[];
  inferences: Violation[];
  /** Inputs the generator could not make valid: the requests that would need them were not sent. */
  gaps: string[];
  baseline?: { file: string; known: number; fixed: Array<FindingKey & { id: string }> };
  /** Tests that failed for a reason other than a contract violation (a bug, an unreachable target). */
  errors: string[];
  /** Tests the request budget stopped short (CONTRACT_MAX_REQUESTS), with how many requests each did not send. */
  cutShort: Array<{ test: string; unsent: number }>;
  /** Contract tests that judged nothing, with why (reported as skipped, never as passed). */
  skipped: Array<{ test: string; reason: string }>;
  rateLimited: number;
  verdict: Verdict;
  /** Why the verdict is what it is, in one line. */
  because: string;
}

const RANK: Record<OutcomeStatus, number> = { violated: 5, inferred: 4, warned: 3, passed: 2, 'not-reached': 1, 'not-applicable': 0 };

/** One row per (check, operation) across every test: violated beats inferred beats warned beats passed beats not-reached. */
export function mergeOutcomes(results: readonly ScenarioResult[]): Outcome[] {
  const merged = new Map<string, Outcome>();
  for (const o of results.flatMap((r) => r.outcomes)) {
    const key = `${o.check}\u0000${o.operation}`;
    const prev = merged.get(key);
    if (!prev) {
      merged.set(key, { ...o });
      continue;
    }
    prev.evaluated += o.evaluated;
    prev.warnings += o.warnings;
    prev.inferences += o.inferences;
    if (RANK[o.status] > RANK[prev.status]) {
      prev.status = o.status;
      if (o.reason !== undefined) prev.reason = o.reason;
      else delete prev.reason;
    }
    if (RANK[prev.status] < RANK.passed) prev.reason ??= o.reason;
    else delete prev.reason;
  }
  return [...merged.values()].sort((a, b) => a.check.localeCompare(b.check) || a.operation.localeCompare(b.operation));
}

export function mergeWarnings(results: readonly ScenarioResult[]): Violation[] {
  return dedupe(results.flatMap((r) => r.warnings));
}

/** The verdict, from one pure function: cannot-run over violated over incomplete over holds. */
export function verdictOf(report: Pick<RunReport, 'findings' | 'errors' | 'cutShort' | 'outcomes'> & { ran: number }): { verdict: Verdict; because: string } {
  if (report.ran === 0) return { verdict: 'cannot-run', because: report.errors[0] ?? 'no contract test ran' };
  const failing = report.findings.filter((f) => f.severity === 'error' && !f.known);
  if (failing.length) return { verdict: 'violated', because: `${failing.length} finding(s) break the contract` };
  const notReached = report.outcomes.filter((o) => o.status === 'not-reached').length;
  // A run in which no check judged anything has checked nothing: it cannot say the contract holds.
  if (!report.outcomes.some((o) => o.status === 'passed' || o.status === 'warned' || o.status === 'violated' || o.status === 'inferred')) {
    return { verdict: 'incomplete', because: 'no check could judge anything (see why each was not applicable)' };
  }
  if (report.errors.length || report.cutShort.length || notReached) {
    const why = [report.errors.length ? `${report.errors.length} test(s) could not run` : '', report.cutShort.length ? `${report.cutShort.length} test(s) cut short by the request budget` : '', notReached ? `${notReached} check(s) not reached` : ''].filter(Boolean);
    return { verdict: 'incomplete', because: why.join(', ') };
  }
  return { verdict: 'holds', because: 'every check that could judge found the contract kept' };
}

/** 0 holds · 1 violated · 2 could not run · 3 incomplete (nothing violated, but not everything was checked). */
export const EXIT_CODE: Record<Verdict, number> = { holds: 0, violated: 1, 'cannot-run': 2, incomplete: 3 };
