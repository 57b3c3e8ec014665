import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, normalize, resolve, sep } from 'node:path';
import type { Severity, Violation } from '../checks/types.ts';
import { CannotRunError } from '../base/errors.ts';
import { isRecord } from '../base/shape.ts';
import { foldIndices } from '../spec/pointer.ts';
import type { Outcome } from './ledger.ts';

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
  /** The spec it was written for, as that run named it; absent in a hand-written file. */
  spec?: string;
  ids: Set<string>;
  entries: Array<FindingKey & { id: string }>;
}

/**
 * Reads a baseline and, given this run's spec, refuses one written for another: its findings would match nothing
 * and every one would be reported gone, or worse, match by accident. Every defect of the file is one line naming
 * it — never its content, which may hold what a server echoed.
 */
export function readBaseline(file: string, spec?: string, cwd = process.cwd()): Baseline {
  if (!existsSync(file)) throw new CannotRunError(`--baseline: ${file} does not exist (write one with npm run contract -- --write-baseline ${file})`);
  const redo = `use a reports/contract.json or write one with npm run contract -- --write-baseline ${file}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // JSON.parse's message quotes the text around the error: not for a log.
    throw new CannotRunError(`--baseline: ${file} is not valid JSON (cut short or edited by hand?) — ${redo}`);
  }
  const baseline = baselineOf(file, parsed, redo);
  if (spec !== undefined) refuseOtherSpec(baseline, spec, cwd);
  return baseline;
}

function baselineOf(file: string, parsed: unknown, redo: string): Baseline {
  if (!isRecord(parsed)) throw new CannotRunError(`--baseline: ${file} is not a JSON object with a "findings" list — ${redo}`);
  if (!Array.isArray(parsed['findings'])) throw new CannotRunError(`--baseline: ${file} has no "findings" list — ${redo}`);
  const entries = (parsed['findings'] as unknown[]).map((f, i) => {
    const key = isRecord(f) ? keyIn(f) : undefined;
    if (!key) throw new CannotRunError(`--baseline: ${file} finding #${i + 1} needs check, operation, location and basis — ${redo}`);
    return { ...key, id: findingId(key) };
  });
  const spec = typeof parsed['spec'] === 'string' ? parsed['spec'] : undefined;
  return { file, ...(spec ? { spec } : {}), ids: new Set(entries.map((e) => e.id)), entries };
}

function keyIn(f: Record<string, unknown>): FindingKey | undefined {
  const { check, operation, location, basis } = f;
  if (typeof check !== 'string' || typeof operation !== 'string' || typeof location !== 'string') return undefined;
  if (basis !== 'documented' && basis !== 'inferred') return undefined;
  return { check, operation, location, basis };
}

/** A baseline written for another spec than this run's is refused in one line (`--merge-reports` asks too). */
export function refuseOtherSpec(baseline: Baseline, spec: string, cwd = process.cwd()): void {
  if (baseline.spec === undefined || sameSpecPath(baseline.spec, spec, cwd)) return;
  throw new CannotRunError(
    `--baseline: ${baseline.file} was written for ${baseline.spec}, but this run tests ${spec} — pass that spec's baseline, or write one for this spec with --write-baseline`,
  );
}

/**
 * Whether two spec paths, each as some run was given it, name the same spec. A path is what a baseline records
 * (neither a title, which a hand-made spec may share with another, nor a hash, which changes with every fix to the
 * spec the baseline must outlive), so it is compared where it could have been written from: the same file from
 * here, or — the other run started elsewhere — one path the tail of the other at a segment boundary
 * (`spec/x.yaml` and `/ci/repo/spec/x.yaml`).
 */
export function sameSpecPath(a: string, b: string, cwd = process.cwd()): boolean {
  const [ra, rb] = [resolve(cwd, a), resolve(cwd, b)];
  if (ra === rb) return true;
  const tail = (p: string, whole: string) => {
    if (isAbsolute(p)) return false;
    const rest = normalize(p)
      .split(sep)
      .filter((s) => s !== '..' && s !== '.' && s !== '');
    return rest.length > 0 && whole.endsWith(sep + rest.join(sep));
  };
  return tail(a, rb) || tail(b, ra);
}

/**
 * Whether a run judged a (check, operation) pair cleanly enough to say a finding there is gone: it passed, or
 * found only warnings or inferences. Not applicable and not reached judged nothing; violated stopped at another
 * failure (a property stops at its first), so the finding's own place may never have been looked at again. The
 * same test `replay` makes before it says FIXED rather than NOT JUDGED.
 */
export function judgedAgain(outcome: Pick<Outcome, 'status'> | undefined): boolean {
  return !!outcome && (outcome.status === 'passed' || outcome.status === 'warned' || outcome.status === 'inferred');
}

/** Why a pair did not count as judged again, in the words replay prints. */
export function whyNotJudged(outcome: Pick<Outcome, 'status' | 'reason'> | undefined, unrun = 'no test of this run judged it'): string {
  if (!outcome) return unrun;
  return outcome.reason ? `${outcome.status}: ${outcome.reason}` : outcome.status;
}

/**
 * The baseline findings this run did not see: fixed only where the run judged the same check on the same
 * operation again; the rest were not re-judged — neither fixed nor still failing.
 */
export function goneFromBaseline(
  baseline: Baseline,
  seen: ReadonlySet<string>,
  outcomes: readonly Outcome[],
): { fixed: Array<FindingKey & { id: string }>; notJudged: Array<FindingKey & { id: string; why: string }> } {
  const fixed: Array<FindingKey & { id: string }> = [];
  const notJudged: Array<FindingKey & { id: string; why: string }> = [];
  for (const e of baseline.entries) {
    if (seen.has(e.id)) continue;
    const outcome = outcomes.find((o) => o.check === e.check && o.operation === e.operation);
    if (judgedAgain(outcome)) fixed.push(e);
    else notJudged.push({ ...e, why: whyNotJudged(outcome) });
  }
  return { fixed, notJudged };
}

export function isKnown(baseline: Baseline | undefined, v: Pick<Violation, 'check' | 'operation' | 'location' | 'basis'>): boolean {
  return !!baseline && baseline.ids.has(findingId(keyOf(v)));
}
