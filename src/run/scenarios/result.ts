import type { Violation } from '../../checks/types.ts';
import type { RequestCase } from '../../arbitraries/requests.ts';
import { Ledger, type Outcome } from '../ledger.ts';
import type { PropertyResult } from '../property.ts';
import type { ObservationTally } from '../../drift/observe.ts';

/** What one scenario (one contract test) hands to the test runner and, through it, to the reports. */
export interface ScenarioResult {
  name: string;
  outcomes: Outcome[];
  /** Errors of the shrunk counterexample (or of every probe, for scenarios that are not properties). */
  errors: Violation[];
  warnings: Violation[];
  seed?: number;
  path?: string;
  counterexample?: RequestCase | unknown;
  runs?: number;
  /** Requests the budget stopped this scenario from sending. */
  unsent?: number;
  rateLimited?: number;
  observations: ObservationTally[];
}

export function resultOf(name: string, ledger: Ledger, property?: PropertyResult<unknown>): ScenarioResult {
  const errors = property ? property.errors : ledger.violations.filter((v) => v.severity === 'error');
  const warnings = property ? property.warnings : dedupe(ledger.violations.filter((v) => v.severity === 'warning'));
  return {
    name,
    outcomes: ledger.outcomes(),
    observations: ledger.observations.list(),
    errors,
    warnings,
    ...(property ? { seed: property.seed, runs: property.runs } : {}),
    ...(property?.path ? { path: property.path } : {}),
    ...(property?.counterexample !== undefined ? { counterexample: property.counterexample } : {}),
    ...(ledger.unsent ? { unsent: ledger.unsent } : {}),
    ...(ledger.rateLimited ? { rateLimited: ledger.rateLimited } : {}),
  };
}

export function dedupe(vs: Violation[]): Violation[] {
  const seen = new Map<string, Violation>();
  for (const v of vs) seen.set(`${v.check} ${v.operation} ${v.location} ${v.expected}`, v);
  return [...seen.values()];
}

export function notApplicable(name: string, operation: string, checks: string[], reason: string): ScenarioResult {
  const ledger = new Ledger();
  for (const check of checks) ledger.notApplicable(check, operation, reason);
  return resultOf(name, ledger);
}
