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
  private readonly rows = new Map<string, Outcome>();
  readonly violations: Violation[] = [];
  /** Exchanges not sent because the request budget was spent: the scenario stopped short. */
  unsent = 0;
  /** 429s waited out (flow control, not contract). */
  rateLimited = 0;
  /** What the server did beyond the spec (live drift), whatever the verdicts. */
  readonly observations = new ObservationLog();

  private row(check: string, operation: string): Outcome {
    const key = `${check}\u0000${operation}`;
    let row = this.rows.get(key);
    if (!row) {
      row = { check, operation, status: 'not-applicable', evaluated: 0, warnings: 0 };
      this.rows.set(key, row);
    }
    return row;
  }

  evaluated(check: string, operation: string, count = 1): void {
    const row = this.row(check, operation);
    row.evaluated += count;
    if (row.status === 'not-applicable') {
      row.status = 'passed';
      delete row.reason;
    }
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
    return [...this.rows.values()];
  }
}
