import type { CheckId } from '../../checks/catalogue.ts';
import type { Violation } from '../../checks/types.ts';
import { Ledger, type Outcome } from '../ledger.ts';
import type { PropertyResult } from '../property.ts';
import type { ObservationTally } from '../../drift/observe.ts';
import type { Traffic } from '../deadline.ts';

/** What one scenario (one contract test) hands to the test runner and, through it, to the reports. */
export interface ScenarioResult {
  name: string;
  outcomes: Outcome[];
  /** Errors of the shrunk counterexample (or of every probe, for scenarios that are not properties). */
  errors: Violation[];
  warnings: Violation[];
  /** Unconfirmed inferences: the server disagrees with what the spec only guessed (CONTRACT_INFERRED=warn). */
  inferences: Violation[];
  /** Every occurrence the scenario booked, of each severity (capped), the shrunk counterexample's among them: the reports count these. */
  occurrences?: Violation[];
  seed?: number;
  path?: string;
  /** The shrunk input, as plain data: a RequestCase for most scenarios, the commands that ran (text) for a flow. */
  counterexample?: unknown;
  runs?: number;
  /** Requests the budget stopped this scenario from sending. */
  unsent?: number;
  /** Requests not sent, by why (budget, time budget, open circuit) and operation. */
  notSent?: Array<{ kind: 'budget' | 'deadline' | 'circuit-open'; operation: string; count: number; reason: string }>;
  /** What the run's transport did since the previous test ended (requests, cases, circuits, throttling). */
  traffic?: Traffic;
  rateLimited?: number;
  observations: ObservationTally[];
  /** Inputs the generator could not make valid (the requests were not sent). */
  gaps?: string[];
  /** A stateful test: its failure replays from the seed, not from a fast-check path (server state moved on). */
  stateful?: boolean;
  /** Why the test had nothing to run at all (the spec gives it nothing): reported as skipped with this reason. */
  skip?: string;
}

/** Occurrences kept per test: enough to count and show a fault, bounded so a result stays small to pass around. */
const MAX_OCCURRENCES = 2000;

export function resultOf(name: string, ledger: Ledger, property?: PropertyResult<unknown>, gaps?: Iterable<string>): ScenarioResult {
  const all = ledger.violations;
  const errors = property ? property.errors : all.filter((v) => v.severity === 'error');
  const warnings = dedupe(property ? property.warnings : all.filter((v) => v.severity === 'warning'));
  const inferences = dedupe(all.filter((v) => v.severity === 'inference'));
  const gapList = gaps ? [...gaps] : [];
  // Each severity counted the same way (every occurrence, capped per severity), so a finding's count agrees with
  // the ledger's tallies whatever its severity.
  const occurrences = (['error', 'inference', 'warning'] as const).flatMap((severity) => all.filter((v) => v.severity === severity).slice(0, MAX_OCCURRENCES));
  return {
    name,
    outcomes: ledger.outcomes(),
    observations: ledger.observations.list(),
    errors,
    warnings,
    inferences,
    ...(occurrences.length ? { occurrences } : {}),
    ...(property ? { seed: property.seed, runs: property.runs } : {}),
    ...(property?.path ? { path: property.path } : {}),
    // Carried to the reports across processes: plain data only (a value may hold an arbitrary or a class).
    ...(property?.counterexample !== undefined ? { counterexample: plain(property.counterexample) } : {}),
    ...(ledger.unsent ? { unsent: ledger.unsent } : {}),
    ...(ledger.notSentBy.length ? { notSent: ledger.notSentBy.map((e) => ({ ...e })) } : {}),
    ...(ledger.rateLimited ? { rateLimited: ledger.rateLimited } : {}),
    ...(gapList.length ? { gaps: gapList } : {}),
  };
}

/** One per (check, operation, place, basis, what was expected, token): repeats of the same finding fold. */
export function dedupe(vs: readonly Violation[]): Violation[] {
  const seen = new Map<string, Violation>();
  for (const v of vs) seen.set(`${v.check} ${v.operation} ${v.location} ${v.basis} ${v.expected} ${v.token ?? ''}`, v);
  return [...seen.values()];
}

export function notApplicable(name: string, operation: string, checks: readonly CheckId[], reason: string): ScenarioResult {
  const ledger = new Ledger();
  for (const check of checks) ledger.notApplicable(check, operation, reason);
  return resultOf(name, ledger);
}

/** A test the spec gives nothing to run (no operation of its family): skipped, and listed as such in every report. */
export function nothingToRun(name: string, reason: string): ScenarioResult {
  return { ...resultOf(name, new Ledger()), skip: reason };
}

/** Whether a scenario judged nothing at all: reported as a skipped test with its reasons, never as a pass. */
export function skipReason(result: ScenarioResult): string | undefined {
  if (result.skip) return result.skip;
  if (result.errors.length || result.outcomes.some((o) => o.status !== 'not-applicable')) return undefined;
  const reasons = [...new Set(result.outcomes.map((o) => o.reason).filter((r): r is string => !!r))];
  return reasons.length ? reasons.join('; ') : 'nothing to judge';
}

function plain(value: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(value) ?? 'null');
  } catch {
    return String(value);
  }
}
