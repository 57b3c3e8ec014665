import fc from 'fast-check';
import type { Violation } from '../checks/types.ts';

export interface PropertySpec<T> {
  arbitrary: fc.Arbitrary<T>;
  /** Sends the request(s) for one generated value and returns what the checks found. */
  probe: (value: T) => Promise<Violation[]>;
  runs: number;
  seed: number;
  /** fast-check replay path: with the seed, jumps straight to a known counterexample. */
  path?: string;
}

export interface PropertyResult<T> {
  seed: number;
  runs: number;
  /** The shrunk input that broke the contract, and the errors it produced. */
  counterexample?: T;
  path?: string;
  errors: Violation[];
  /** Warnings seen on any run, one per check + operation + location. */
  warnings: Violation[];
}

/**
 * Runs one property with shrinking on: the value fast-check settles on is probed once more, so the violations
 * reported are those of the smallest failing request, not of the first one found.
 */
export async function checkProperty<T>(spec: PropertySpec<T>): Promise<PropertyResult<T>> {
  const warnings = new Map<string, Violation>();
  const keep = (vs: Violation[]) => {
    for (const v of vs) if (v.severity === 'warning') warnings.set(`${v.check} ${v.operation} ${v.location}`, v);
  };
  const property = fc.asyncProperty(spec.arbitrary, async (value) => {
    const found = await spec.probe(value);
    keep(found);
    return !found.some((v) => v.severity === 'error');
  });
  const details = await fc.check(property, {
    numRuns: spec.runs,
    seed: spec.seed,
    ...(spec.path ? { path: spec.path } : {}),
  });
  if (details.failed && details.counterexample) {
    const [counterexample] = details.counterexample;
    const found = await spec.probe(counterexample);
    return {
      seed: details.seed,
      runs: details.numRuns,
      counterexample,
      ...(details.counterexamplePath ? { path: details.counterexamplePath } : {}),
      errors: found.filter((v) => v.severity === 'error'),
      warnings: [...warnings.values()],
    };
  }
  if (details.failed) throw (details as { errorInstance?: unknown }).errorInstance ?? new Error('property failed without a counterexample');
  return { seed: details.seed, runs: details.numRuns, errors: [], warnings: [...warnings.values()] };
}

/**
 * The run parameters of one named property: its own seed (derived from the run's, so one printed seed replays
 * the whole run) and, when this is the property being replayed, the fast-check path straight to its failure.
 */
export function propertyRun(settings: { runs: number; replay?: { test: string; path: string } }, runSeed: number, name: string): { runs: number; seed: number; path?: string } {
  return { runs: settings.runs, seed: seedFor(runSeed, name), ...(settings.replay?.test === name ? { path: settings.replay.path } : {}) };
}

/** A per-property seed from the run's seed and the property's name: one printed seed replays the whole run. */
export function seedFor(runSeed: number, name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return (runSeed ^ h) | 0;
}
