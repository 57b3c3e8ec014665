import fc from 'fast-check';
import type { Violation } from '../checks/types.ts';
import { ClockValue } from '../arbitraries/clock.ts';
import type { RunClock } from './deadline.ts';

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
  /**
   * The run's clock: each value probed is a case of `label` (an operation) for the progress lines and reports, and
   * in a deep run the property goes on past its runs — the same seed's stream, so its first runs are a normal
   * run's — until its share of the time budget is spent or `maxRuns`.
   */
  clock?: RunClock;
  label?: string;
  maxRuns?: number;
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
    if (!found) {
      seen.set(key, (found = await spec.probe(value)));
      if (spec.label) spec.clock?.countCase(spec.label);
    }
    return found;
  };
  const deep = !spec.path && spec.clock?.deep && (spec.maxRuns ?? 0) > spec.runs;
  if (spec.concurrent && !spec.path) {
    // An operation without inputs draws the same request again and again: send each distinct one once.
    const keyed = distinct(fc.sample(spec.arbitrary, { seed: spec.seed, numRuns: spec.runs }));
    const values = keyed.map(([, v]) => v);
    const found = await Promise.all(keyed.map(([key, v]) => probeOnce(v, key)));
    found.forEach(keep);
    const firstFailure = found.findIndex((vs) => vs.some((v) => v.severity === 'error'));
    let failing: { value: T; errors: Violation[] } | undefined = firstFailure >= 0 ? { value: values[firstFailure]!, errors: found[firstFailure]! } : undefined;
    let runs = spec.runs;
    if (!failing && deep) ({ runs, failing } = await extend(spec, spec.clock!, probeOnce, keep));
    if (!failing) return { seed: spec.seed, runs, sent: seen.size, errors: [], warnings: [...warnings.values()] };
    // fast-check walks the same stream up to the failure (every value up to it already probed: answered from
    // memory, nothing sent again), then shrinks it.
    const shrunk = await sequential({ ...spec, runs }, probeOnce, keep, warnings);
    // A server that fails only now and then may pass the second, sequential pass: report what the batch saw.
    if (shrunk.errors.length) return shrunk;
    return {
      seed: spec.seed,
      runs,
      counterexample: failing.value,
      errors: failing.errors.filter((v) => v.severity === 'error'),
      warnings: [...warnings.values()],
    };
  }
  const base = await sequential(spec, probeOnce, keep, warnings);
  if (!deep || base.errors.length || base.counterexample !== undefined) return base;
  // Deep, one at a time: fast-check goes on along the same stream (the base runs answered from memory) for the share.
  const until = spec.clock!.extensionUntil();
  return sequential({ ...spec, runs: spec.maxRuns! }, probeOnce, keep, warnings, Math.max(1, until - Date.now()));
}

/**
 * A deep property's further runs, probed in growing chunks of the same seed's stream (so a run's index, and the
 * replay path, are those fast-check gives it), until its share of the time budget is spent, its cap is reached, or
 * the stream has nothing new to offer (an operation with few distinct inputs).
 */
async function extend<T>(
  spec: PropertySpec<T>,
  clock: RunClock,
  probeOnce: (value: T, key?: string) => Promise<Violation[]>,
  keep: (vs: Violation[]) => void,
): Promise<{ runs: number; failing?: { value: T; errors: Violation[] } }> {
  const until = clock.extensionUntil();
  const known = new Set<string>();
  let runs = spec.runs;
  let stale = 0;
  while (Date.now() < until && runs < spec.maxRuns! && !clock.expired()) {
    const next = Math.min(spec.maxRuns!, runs * 2);
    const fresh = distinct(fc.sample(spec.arbitrary, { seed: spec.seed, numRuns: next }).slice(runs)).filter(([key]) => !known.has(key));
    for (const [key] of fresh) known.add(key);
    // Chunks small enough to notice the end of the share between them, large enough to keep every slot busy.
    for (let i = 0; i < fresh.length; i += 64) {
      if (Date.now() >= until || clock.expired()) return { runs: runs + i };
      const chunk = fresh.slice(i, i + 64);
      const found = await Promise.all(chunk.map(([key, v]) => probeOnce(v, key)));
      found.forEach(keep);
      const at = found.findIndex((vs) => vs.some((v) => v.severity === 'error'));
      if (at >= 0) return { runs: next, failing: { value: chunk[at]![1], errors: found[at]! } };
    }
    runs = next;
    // Twice nothing new: this operation's inputs are exhausted.
    if (!fresh.length && ++stale >= 2) break;
  }
  return { runs };
}

/** fast-check's own sequential loop: finds (again) and shrinks a failure, replays a path straight to one. */
async function sequential<T>(
  spec: PropertySpec<T>,
  probeOnce: (value: T) => Promise<Violation[]>,
  keep: (vs: Violation[]) => void,
  warnings: Map<string, Violation>,
  timeLimitMs?: number,
): Promise<PropertyResult<T>> {
  const property = fc.asyncProperty(spec.arbitrary, async (value) => {
    const found = await probeOnce(value);
    keep(found);
    return !found.some((v) => v.severity === 'error');
  });
  const details = await fc.check(property, {
    numRuns: spec.runs,
    seed: spec.seed,
    ...(spec.path ? { path: spec.path } : {}),
    // A deep run's share of the time: stop drawing new runs then (not a failure); a failure found is still shrunk.
    ...(timeLimitMs !== undefined ? { interruptAfterTimeLimit: timeLimitMs } : {}),
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
  if (details.failed) {
    // What the property threw, as it was thrown (whoever catches it may look for its class): fast-check types it unknown.
    const thrown: unknown = (details as { errorInstance?: unknown }).errorInstance ?? new Error('property failed without a counterexample');
    throw thrown;
  }
  return { seed: details.seed, runs: details.numRuns, errors: [], warnings: [...warnings.values()] };
}

/**
 * A value's identity: clock-bound fields by their rule, not the instant they would serialize to now. Worked out for
 * every value a property draws (the overhead bench pays it too).
 */
export function keyOf(value: unknown): string {
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
  settings: { runs: number; concurrency: number; replay?: { test: string; path: string }; deep?: boolean },
  runSeed: number,
  name: string,
  progress?: { clock: RunClock; label: string },
): { runs: number; seed: number; path?: string; concurrent: boolean; clock?: RunClock; label?: string; maxRuns?: number } {
  return {
    runs: settings.runs,
    seed: seedFor(runSeed, name),
    concurrent: settings.concurrency > 1,
    ...(settings.replay?.test === name ? { path: settings.replay.path } : {}),
    ...(progress ? { clock: progress.clock, label: progress.label } : {}),
    ...(settings.deep ? { maxRuns: settings.runs * DEEP_RUNS_FACTOR } : {}),
  };
}

/** A deep run's cap on runs per property, as a multiple of CONTRACT_RUNS: the time budget is what ends it first. */
export const DEEP_RUNS_FACTOR = 100;

/** A per-property seed from the run's seed and the property's name: one printed seed replays the whole run. */
export function seedFor(runSeed: number, name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return (runSeed ^ h) | 0;
}
