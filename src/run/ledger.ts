import type { CheckId } from '../checks/catalogue.ts';
import type { Violation } from '../checks/types.ts';
import type { NotSentKind } from '../client/exchange.ts';
import { ObservationLog } from '../drift/observe.ts';

/**
 * `passed`: judged something and found nothing; `warned`: found only drift the contract tolerates (warnings);
 * `violated`: a documented rule broken; `inferred`: only unconfirmed inferences; `not-applicable`: nothing to judge here (with the reason); `not-reached`: the run was
 * cut short (request budget, deadline) before this check judged anything.
 */
export type OutcomeStatus = 'passed' | 'warned' | 'violated' | 'inferred' | 'not-applicable' | 'not-reached';

/** The verdict of one check on one operation in one run, as the summary and reports show it. */
export interface Outcome {
  check: string;
  operation: string;
  status: OutcomeStatus;
  /** How many exchanges the check judged. */
  evaluated: number;
  /** Why it could not run (not-applicable / not-reached only). */
  reason?: string;
  warnings: number;
  inferences: number;
}

/**
 * Tallies what each (check, operation) pair saw. A pair that judged nothing is not-applicable (or not-reached)
 * with a reason — a check that could not run must never read as a pass.
 */
export class Ledger {
  private readonly rows = new Map<string, Map<string, Outcome>>();
  readonly violations: Violation[] = [];
  /** Exchanges not sent because the request budget was spent: the scenario stopped short. */
  unsent = 0;
  /** Exchanges not sent, by why: the budget, the time budget, an open circuit (per operation). */
  readonly notSentBy: Array<{ kind: NotSentKind; operation: string; count: number; reason: string }> = [];
  /** Operations this scenario could not finish (nothing more was sent): why, for the checks it had not judged yet. */
  private readonly cut = new Map<string, string>();
  private readonly counted = new WeakSet<object>();
  /** 429s waited out (flow control, not contract). */
  rateLimited = 0;
  /** What the server did beyond the spec (live drift), whatever the verdicts. */
  readonly observations = new ObservationLog();

  private row(check: string, operation: string): Outcome {
    let byCheck = this.rows.get(operation);
    if (!byCheck) this.rows.set(operation, (byCheck = new Map<string, Outcome>()));
    let row = byCheck.get(check);
    if (!row) byCheck.set(check, (row = { check, operation, status: 'not-applicable', evaluated: 0, warnings: 0, inferences: 0 }));
    return row;
  }

  /** One exchange judged by each of these checks. */
  judged(operation: string, checks: Iterable<CheckId>): void {
    for (const check of checks) {
      const row = this.row(check, operation);
      row.evaluated += 1;
      if (row.status === 'not-applicable' || row.status === 'not-reached') {
        row.status = 'passed';
        delete row.reason;
      }
    }
  }

  /** The check exists for the operation but had nothing to judge in what was seen (yet). */
  seen(check: CheckId, operation: string, reason: string): void {
    const row = this.row(check, operation);
    if (row.evaluated === 0 && row.status === 'not-applicable') row.reason ??= reason;
  }

  notApplicable(check: CheckId, operation: string, reason: string): void {
    // Once nothing more could be sent, "nothing to judge" (no answer to compare, no link to follow) is "not reached".
    const cut = this.cut.get(operation);
    if (cut) return this.notReached(check, operation, cut);
    const row = this.row(check, operation);
    if (row.evaluated === 0 && row.status === 'not-applicable') row.reason ??= reason;
  }

  /** An exchange that was never sent: the checks it would have fed are not reached, and the scenario stopped short. */
  notSent(exchange: object, kind: NotSentKind, operation: string, reason: string, checks: Iterable<CheckId>): void {
    // Counted once per exchange, however many judges look at it.
    if (!this.counted.has(exchange)) {
      this.counted.add(exchange);
      if (kind === 'budget') this.unsent += 1;
      const entry = this.notSentBy.find((e) => e.kind === kind && e.operation === operation);
      if (entry) entry.count += 1;
      else this.notSentBy.push({ kind, operation, count: 1, reason });
    }
    this.cut.set(operation, reason);
    for (const check of checks) this.notReached(check, operation, reason);
  }

  /** The run was cut short before this check judged anything here: not a pass, not "nothing to judge". */
  notReached(check: CheckId, operation: string, reason: string): void {
    const row = this.row(check, operation);
    if (row.evaluated === 0) {
      row.status = 'not-reached';
      row.reason = reason;
    }
  }

  record(violations: readonly Violation[]): void {
    for (const v of violations) {
      const row = this.row(v.check, v.operation);
      if (v.severity === 'warning') {
        row.warnings += 1;
        // Something was judged and found: never shown as a clean pass.
        if (row.status !== 'violated' && row.status !== 'inferred') {
          row.status = 'warned';
          delete row.reason;
        }
      } else if (v.severity === 'inference') {
        row.inferences += 1;
        if (row.status !== 'violated') row.status = 'inferred';
      } else row.status = 'violated';
      this.violations.push(v);
    }
  }

  outcomes(): Outcome[] {
    return [...this.rows.values()].flatMap((byCheck) => [...byCheck.values()]);
  }
}
