import type { Violation } from '../checks/types.ts';
import { ObservationLog } from '../drift/observe.ts';

export type OutcomeStatus = 'passed' | 'violated' | 'not-applicable';

/** The verdict of one check on one operation in one run, as the summary and reports show it. */
export interface Outcome {
  check: string;
  operation: string;
  status: OutcomeStatus;
  /** How many exchanges the check judged. */
  evaluated: number;
  /** Why it could not run (not-applicable only). */
  reason?: string;
  warnings: number;
}

/**
 * Tallies what each (check, operation) pair saw. A pair that judged nothing is not-applicable with a reason —
 * a check that could not run must never read as a pass.
 */
export class Ledger {
  // By operation, then check: booked for every check on every exchange, so no key strings are built.
  private readonly rows = new Map<string, Map<string, Outcome>>();
  private readonly pending = new Map<string, Map<ReadonlyArray<{ id: string }>, number>>();
  readonly violations: Violation[] = [];
  /** Exchanges not sent because the request budget was spent: the scenario stopped short. */
  unsent = 0;
  /** 429s waited out (flow control, not contract). */
  rateLimited = 0;
  /** What the server did beyond the spec (live drift), whatever the verdicts. */
  readonly observations = new ObservationLog();

  private row(check: string, operation: string): Outcome {
    let byCheck = this.rows.get(operation);
    if (!byCheck) this.rows.set(operation, (byCheck = new Map()));
    let row = byCheck.get(check);
    if (!row) byCheck.set(check, (row = { check, operation, status: 'not-applicable', evaluated: 0, warnings: 0 }));
    return row;
  }

  evaluated(check: string, operation: string, count = 1): void {
    const row = this.row(check, operation);
    row.evaluated += count;
    if (row.status === 'not-applicable') row.status = 'passed';
    delete row.reason;
  }

  /**
   * One exchange judged by each of these checks. Booked for every exchange, so it only counts here; the rows
   * are brought up to date when read.
   */
  judgedBy(operation: string, checks: ReadonlyArray<{ id: string }>): void {
    let pending = this.pending.get(operation);
    if (!pending) this.pending.set(operation, (pending = new Map()));
    const count = pending.get(checks) ?? 0;
    // The first booking makes the rows exist now, so the order of outcomes is the order checks were first seen.
    if (count === 0) for (const c of checks) this.row(c.id, operation);
    pending.set(checks, count + 1);
  }

  private settle(): void {
    for (const [operation, byList] of this.pending) {
      for (const [checks, count] of byList) for (const c of checks) this.evaluated(c.id, operation, count);
    }
    this.pending.clear();
  }

  notApplicable(check: string, operation: string, reason: string): void {
    const row = this.row(check, operation);
    if (row.evaluated === 0) row.reason ??= reason;
  }

  record(violations: readonly Violation[]): void {
    for (const v of violations) {
      const row = this.row(v.check, v.operation);
      if (v.severity === 'warning') row.warnings += 1;
      else row.status = 'violated';
      this.violations.push(v);
    }
  }

  outcomes(): Outcome[] {
    this.settle();
    return [...this.rows.values()].flatMap((byCheck) => [...byCheck.values()]);
  }
}
