import type { Violation } from '../checks/types.ts';
import type { ReplayContext } from '../config/replay.ts';
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
  replay: ReplayContext;
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
  /**
   * `fixed`: baseline findings not seen where this run judged their check on their operation again; `notJudged`:
   * not seen, but not judged there either (with why) — neither fixed nor still failing.
   */
  baseline?: { file: string; known: number; fixed: Array<FindingKey & { id: string }>; notJudged: Array<FindingKey & { id: string; why: string }> };
  /** Tests that failed for a reason other than a contract violation (a bug, an unreachable target). */
  errors: string[];
  /** Tests the request budget stopped short (CONTRACT_MAX_REQUESTS), with how many requests each did not send. */
  cutShort: Array<{ test: string; unsent: number }>;
  /** Contract tests that judged nothing, with why (reported as skipped, never as passed). */
  skipped: Array<{ test: string; reason: string }>;
  rateLimited: number;
  /** The run's time budget (CONTRACT_MAX_TIME), and what it stopped when it ran out. */
  timeBudget?: { label: string; ranOut: boolean; testsCut: number; notSent: number };
  /** Operations whose circuit opened: after `after` timeouts or connection failures in a row, `notSent` requests were not sent. */
  circuits?: Array<{ operation: string; kind: 'timeout' | 'network'; after: number; notSent: number }>;
  /** How the server throttled (429s): the concurrency it was lowered to, and the rate the server allowed. */
  throttle?: { answered429: number; concurrency: number; lowest: number; final: number; allowedPerSecond?: number };
  /** How far the run got per operation (or flow): cases judged, requests sent and not sent. */
  operations?: Array<{ operation: string; cases: number; requests: number; notSent: number }>;
  /** The HTTP answers of the run: how many, how many were 2xx, how many 404, and how many of those came from routes that need no record. */
  answers?: { total: number; success: number; notFound: number; notFoundOnFixedRoutes: number };
  /** A deep run (--deep): more runs per property, flows explored longer, until the time budget. */
  deep?: boolean;
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
    // Of the reasons a check was not judged, the first in text order, not in the order the tests ended: the tests'
    // order changes from run to run (vitest runs the slowest file first), and a shard's report must read as the run's.
    if (RANK[prev.status] >= RANK.passed) delete prev.reason;
    else if (o.status === prev.status && o.reason !== undefined && (prev.reason === undefined || o.reason < prev.reason)) prev.reason = o.reason;
  }
  return [...merged.values()].sort((a, b) => a.check.localeCompare(b.check) || a.operation.localeCompare(b.operation));
}

export function mergeWarnings(results: readonly ScenarioResult[]): Violation[] {
  return dedupe(results.flatMap((r) => r.warnings));
}

/** The verdict, from one pure function: cannot-run over violated over incomplete over holds. */
export function verdictOf(
  report: Pick<RunReport, 'findings' | 'errors' | 'cutShort' | 'outcomes' | 'timeBudget' | 'answers'> & { ran: number; target?: RunReport['target'] },
): {
  verdict: Verdict;
  because: string;
} {
  if (report.ran === 0) return { verdict: 'cannot-run', because: report.errors[0] ?? 'no contract test ran' };
  const unreached = notReachingTheApi(report.answers, report.target);
  if (unreached) return { verdict: 'cannot-run', because: unreached };
  const a = report.target?.kind === 'live' ? report.answers : undefined;
  const failing = report.findings.filter((f) => f.severity === 'error' && !f.known);
  if (failing.length) return { verdict: 'violated', because: `${failing.length} finding(s) break the contract` };
  const notReached = report.outcomes.filter((o) => o.status === 'not-reached').length;
  // A run in which no check judged anything has checked nothing: it cannot say the contract holds.
  if (!report.outcomes.some((o) => o.status === 'passed' || o.status === 'warned' || o.status === 'violated' || o.status === 'inferred')) {
    if (report.timeBudget?.ranOut)
      return { verdict: 'incomplete', because: `the time budget (${report.timeBudget.label}) ran out before any check could judge anything` };
    return { verdict: 'incomplete', because: 'no check could judge anything (see why each was not applicable)' };
  }
  // 404s and no success anywhere: every answer may be one the spec documents, yet the success responses were never
  // judged — a base URL that misses the API, or records the tokens' values do not name, look just like this.
  const unsuccessful = a && a.success === 0 && a.notFound > 0;
  if (report.errors.length || report.cutShort.length || notReached || unsuccessful) {
    const why = [
      unsuccessful
        ? `no request got a 2xx answer (${a.total} answers, ${a.notFound} of them 404), so no success response was judged — is CONTRACT_BASE_URL the API's base, with its base path, and do the tokens' values name records that exist?`
        : '',
      report.errors.length ? `${report.errors.length} test(s) could not run` : '',
      report.cutShort.length ? `${report.cutShort.length} test(s) cut short by the request budget` : '',
      report.timeBudget?.ranOut ? `the time budget (${report.timeBudget.label}) ran out` : '',
      notReached ? `${notReached} check(s) not reached` : '',
    ].filter(Boolean);
    return { verdict: 'incomplete', because: why.join(', ') };
  }
  return { verdict: 'holds', because: 'every check that could judge found the contract kept' };
}

/**
 * Why a live run's requests did not reach the API, if its answers say so: every one a 404, routes that need no record
 * among them. Judged, that passes a spec whose reads document 404 and blames the server for the rest; neither says
 * anything about the server.
 */
export function notReachingTheApi(answers: RunReport['answers'], target: RunReport['target'] | undefined): string | undefined {
  const a = answers;
  if (target?.kind !== 'live' || !a || a.total === 0 || a.notFound !== a.total || a.notFoundOnFixedRoutes === 0) return undefined;
  return `every answer of the run was 404 (${a.total} requests), routes that need no record included: the requests did not reach the API — is CONTRACT_BASE_URL its base, with its base path?`;
}

const JUDGED = new Set<OutcomeStatus>(['passed', 'warned', 'violated', 'inferred']);

/**
 * A test of a run that never reached the API, as the reports show it: what it judged is not reached (with why), its
 * findings and drift observations dropped — they are answers of whatever served the wrong URL, not the server's — and
 * the test itself an error (could not run). Its traffic stays: the verdict is read from it.
 */
export function unreachedCase<C extends { result: ScenarioResult; error?: string }>(c: C, why: string): C {
  const { occurrences: _dropped, ...r } = c.result;
  return {
    ...c,
    error: why,
    result: {
      ...r,
      errors: [],
      warnings: [],
      inferences: [],
      observations: [],
      outcomes: r.outcomes.map((o) => (JUDGED.has(o.status) ? { ...o, status: 'not-reached', reason: why, evaluated: 0, warnings: 0, inferences: 0 } : o)),
    },
  };
}

/** 0 holds · 1 violated · 2 could not run · 3 incomplete (nothing violated, but not everything was checked). */
export const EXIT_CODE: Record<Verdict, number> = { holds: 0, violated: 1, 'cannot-run': 2, incomplete: 3 };

/**
 * The run's traffic from the results: what each test's stretch of the run sent and judged, added up per operation;
 * the circuits that opened with the requests they held back; how the server throttled (each worker's latest state).
 */
export function trafficOf(results: readonly ScenarioResult[]): Pick<RunReport, 'circuits' | 'throttle' | 'operations' | 'answers'> & { deadlineHit?: string } {
  const ops = new Map<string, { operation: string; cases: number; requests: number; notSent: number }>();
  const op = (operation: string) => {
    let o = ops.get(operation);
    if (!o) ops.set(operation, (o = { operation, cases: 0, requests: 0, notSent: 0 }));
    return o;
  };
  const circuits = new Map<string, NonNullable<RunReport['circuits']>[number]>();
  const latest = new Map<number, NonNullable<ScenarioResult['traffic']>>();
  let deadlineHit: string | undefined;
  let answers: RunReport['answers'];
  for (const r of results) {
    const t = r.traffic;
    if (!t) continue;
    if (t.answers) {
      answers ??= { total: 0, success: 0, notFound: 0, notFoundOnFixedRoutes: 0 };
      answers.total += t.answers.total;
      answers.success += t.answers.success;
      answers.notFound += t.answers.notFound;
      answers.notFoundOnFixedRoutes += t.answers.notFoundOnFixedRoutes;
    }
    for (const [key, o] of Object.entries(t.operations)) {
      op(key).requests += o.sent;
      op(key).notSent += o.notSent;
      if (o.open && !circuits.has(key)) circuits.set(key, { operation: key, ...o.open, notSent: 0 });
    }
    for (const [label, n] of Object.entries(t.cases)) op(label).cases += n;
    if (t.throttle && (latest.get(t.pid)?.at ?? -1) <= t.at) latest.set(t.pid, t);
    deadlineHit ??= t.deadlineHit;
  }
  for (const r of results) {
    for (const n of r.notSent ?? []) {
      if (n.kind !== 'circuit-open') continue;
      const circuit = circuits.get(n.operation);
      if (circuit) circuit.notSent += n.count;
    }
  }
  const throttled = [...latest.values()].map((t) => t.throttle!);
  const throttle = throttled.length
    ? {
        answered429: throttled.reduce((n, t) => n + t.answered429, 0),
        concurrency: Math.max(...throttled.map((t) => t.concurrency)),
        lowest: Math.min(...throttled.map((t) => t.lowest)),
        final: Math.min(...throttled.map((t) => t.final)),
        ...(throttled.some((t) => t.allowedPerSecond !== undefined) ? { allowedPerSecond: throttled.reduce((n, t) => n + (t.allowedPerSecond ?? 0), 0) } : {}),
      }
    : undefined;
  return {
    ...(circuits.size ? { circuits: [...circuits.values()] } : {}),
    ...(throttle ? { throttle } : {}),
    ...(ops.size ? { operations: [...ops.values()].sort((a, b) => a.operation.localeCompare(b.operation)) } : {}),
    ...(deadlineHit ? { deadlineHit } : {}),
    ...(answers ? { answers } : {}),
  };
}
