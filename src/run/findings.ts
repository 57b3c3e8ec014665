import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { Severity, Violation } from '../checks/types.ts';
import { CannotRunError } from '../base/errors.ts';
import { foldIndices } from '../spec/pointer.ts';

/**
 * One finding: every occurrence of the same broken rule at the same place of the same operation, on the same
 * basis — array indices folded (`/data/roles/*` + `/shop`), generated values and message text left out, so the
 * same fault gives the same finding in every run (the key a baseline matches on).
 */
export interface FindingKey {
  check: string;
  operation: string;
  location: string;
  basis: 'documented' | 'inferred';
}

export interface Finding extends FindingKey {
  /** Stable: a hash of the key. `npm run contract -- replay <id>` takes it. */
  id: string;
  severity: Severity;
  inferred?: { reason: string; marking: string };
  count: number;
  /** The matrix tokens it was seen with, and the statuses answered. */
  tokens: string[];
  statuses: number[];
  /** The contract tests it was seen in (replay runs the first). */
  tests: string[];
  /** One or two occurrences, the shrunk counterexample's first. */
  examples: Violation[];
  /** In the baseline: known, reported, not failing. */
  known?: boolean;
  /** A timeout or connection failure that opened its operation's circuit: the requests to it not sent afterwards. */
  notSent?: number;
}

export function keyOf(v: Pick<Violation, 'check' | 'operation' | 'location' | 'basis' | 'inSpec'>): FindingKey {
  // Array indices of a body fold; a pointer into the spec (an example) names one place and stays as it is.
  return { check: v.check, operation: v.operation, location: v.inSpec ? v.location : foldIndices(v.location), basis: v.basis };
}

export function findingId(k: FindingKey): string {
  return createHash('sha256').update(`${k.check}\u0000${k.operation}\u0000${k.location}\u0000${k.basis}`).digest('hex').slice(0, 10);
}

/** Groups occurrences into findings, in first-seen order; `first` (the shrunk counterexamples) lead the examples. */
export function groupFindings(occurrences: ReadonlyArray<Violation & { test?: string }>, first: readonly Violation[] = []): Finding[] {
  const byId = new Map<string, Finding>();
  for (const v of occurrences) {
    const key = keyOf(v);
    const id = findingId(key);
    let f = byId.get(id);
    if (!f)
      byId.set(
        id,
        (f = {
          id,
          ...key,
          severity: v.severity,
          ...(v.inferred ? { inferred: v.inferred } : {}),
          count: 0,
          tokens: [],
          statuses: [],
          tests: [],
          examples: [],
        }),
      );
    f.count += 1;
    // One place can be judged by several scenarios, some only noting it (a warning about the mock): the finding is
    // as severe as its most severe occurrence, whichever came first.
    if (v.severity === 'error' && f.severity !== 'error') f.severity = 'error';
    if (v.token && !f.tokens.includes(v.token)) f.tokens.push(v.token);
    if (v.status !== undefined && !f.statuses.includes(v.status)) f.statuses.push(v.status);
    if (v.test && !f.tests.includes(v.test)) f.tests.push(v.test);
  }
  const errorsFirst = [...first, ...occurrences].sort((a, b) => Number(b.severity === 'error') - Number(a.severity === 'error'));
  for (const v of errorsFirst) {
    const f = byId.get(findingId(keyOf(v)));
    if (f && f.examples.length < 2 && !f.examples.some((e) => e.request?.url === v.request?.url && e.expected === v.expected && e.token === v.token))
      f.examples.push(v);
  }
  return [...byId.values()];
}

/** A baseline: the findings a team has accepted as known (a contract.json, or a file written by --write-baseline). */
export interface Baseline {
  file: string;
  ids: Set<string>;
  entries: Array<FindingKey & { id: string }>;
}

export function readBaseline(file: string): Baseline {
  if (!existsSync(file)) throw new CannotRunError(`--baseline: ${file} does not exist (write one with npm run contract -- --write-baseline ${file})`);
  let parsed: { findings?: unknown };
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as { findings?: unknown };
  } catch (error) {
    throw new CannotRunError(`--baseline: ${file} is not JSON — ${(error as Error).message.split('\n')[0]}`);
  }
  if (!Array.isArray(parsed.findings))
    throw new CannotRunError(`--baseline: ${file} has no "findings" list (use a reports/contract.json or a file from --write-baseline)`);
  const entries = (parsed.findings as Array<Partial<FindingKey>>).map((f, i) => {
    if (
      typeof f.check !== 'string' ||
      typeof f.operation !== 'string' ||
      typeof f.location !== 'string' ||
      (f.basis !== 'documented' && f.basis !== 'inferred')
    ) {
      throw new CannotRunError(`--baseline: ${file} finding #${i + 1} needs check, operation, location and basis`);
    }
    const key = { check: f.check, operation: f.operation, location: f.location, basis: f.basis };
    return { ...key, id: findingId(key) };
  });
  return { file, ids: new Set(entries.map((e) => e.id)), entries };
}

export function isKnown(baseline: Baseline | undefined, v: Pick<Violation, 'check' | 'operation' | 'location' | 'basis'>): boolean {
  return !!baseline && baseline.ids.has(findingId(keyOf(v)));
}
