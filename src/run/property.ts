import fc from 'fast-check';
import type { Violation } from '../checks/types.ts';
import { ClockValue } from '../arbitraries/clock.ts';

export interface PropertySpec<T> {
  arbitrary: fc.Arbitrary<T>;
  /** Sends the request(s) for one generated value and returns what the checks found. */
  probe: (value: T) => Promise<Violation[]>;
  runs: number;
  seed: number;
  /** fast-check replay path: with the seed, jumps straight to a known counterexample. */
  path?: string;
  /**
   * Probe the runs concurrently (the transport bounds how many are in flight). fast-check's own loop is
   * sequential, so a passing property is probed as a batch of the very values `fc.check` would draw with the
   * same seed; only a failure goes through `fc.check`, sequentially, to shrink.
   */
  concurrent?: boolean;
}

export interface PropertyResult<T> {
  seed: number;
  runs: number;
  /** Distinct requests probed (batch mode), when fewer than the runs. */
  sent?: number;
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
  // A value drawn again — in the batch, by fc.check's replay of the same draws, while shrinking, or for the
  // final report — is judged by what it got the first time: sent once, booked once.
  const seen = new Map<string, Violation[]>();
  const probeOnce = async (value: T, key = keyOf(value)): Promise<Violation[]> => {
    let found = seen.get(key);
    if (!found) seen.set(key, (found = await spec.probe(value)));
    return found;
  };
  if (spec.concurrent && !spec.path) {
    // An operation without inputs draws the same request again and again: send each distinct one once.
    const keyed = distinct(fc.sample(spec.arbitrary, { seed: spec.seed, numRuns: spec.runs }));
    const values = keyed.map(([, v]) => v);
    const found = await Promise.all(keyed.map(([key, v]) => probeOnce(v, key)));
    found.forEach(keep);
    const firstFailure = found.findIndex((vs) => vs.some((v) => v.severity === 'error'));
    if (firstFailure < 0) return { seed: spec.seed, runs: spec.runs, sent: values.length, errors: [], warnings: [...warnings.values()] };
    const shrunk = await sequential(spec, probeOnce, keep, warnings);
    // A server that fails only now and then may pass the second, sequential pass: report what the batch saw.
    if (shrunk.errors.length) return shrunk;
    return { seed: spec.seed, runs: values.length, counterexample: values[firstFailure]!, errors: found[firstFailure]!.filter((v) => v.severity === 'error'), warnings: [...warnings.values()] };
  }
  return sequential(spec, probeOnce, keep, warnings);
}

/** fast-check's own sequential loop: finds (again) and shrinks a failure, replays a path straight to one. */
async function sequential<T>(spec: PropertySpec<T>, probeOnce: (value: T) => Promise<Violation[]>, keep: (vs: Violation[]) => void, warnings: Map<string, Violation>): Promise<PropertyResult<T>> {
  const property = fc.asyncProperty(spec.arbitrary, async (value) => {
    const found = await probeOnce(value);
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
    const found = await probeOnce(counterexample);
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

/** A value's identity: clock-bound fields by their rule, not the instant they would serialize to now. */
function keyOf(value: unknown): string {
  return (
    JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
      const raw = this[key];
      return raw instanceof ClockValue ? `<clock ${raw.describe()}>` : v;
    }) ?? String(value)
  );
}

/** Each distinct value once, with its key (worked out once: it is a JSON walk of the whole request). */
function distinct<T>(values: T[]): Array<[key: string, value: T]> {
  const seen = new Set<string>();
  const out: Array<[string, T]> = [];
  for (const v of values) {
    const key = keyOf(v);
    if (!seen.has(key)) {
      seen.add(key);
      out.push([key, v]);
    }
  }
  return out;
}

/**
 * The run parameters of one named property: its own seed (derived from the run's, so one printed seed replays
 * the whole run) and, when this is the property being replayed, the fast-check path straight to its failure.
 */
export function propertyRun(
  settings: { runs: number; concurrency: number; replay?: { test: string; path: string } },
  runSeed: number,
  name: string,
): { runs: number; seed: number; path?: string; concurrent: boolean } {
  return { runs: settings.runs, seed: seedFor(runSeed, name), concurrent: settings.concurrency > 1, ...(settings.replay?.test === name ? { path: settings.replay.path } : {}) };
}

/** A per-property seed from the run's seed and the property's name: one printed seed replays the whole run. */
export function seedFor(runSeed: number, name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return (runSeed ^ h) | 0;
}
