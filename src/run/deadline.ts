import type { RunSettings } from '../config/env.ts';
import type { Transport, TransportStats } from '../client/transport.ts';

/**
 * What one worker's run did between two contract tests' ends, carried with each test's result to the reports:
 * requests sent and not sent and cases judged per operation (added up there), the circuits open, and the
 * throttling state as it stands (the latest of each worker is the run's).
 */
export interface Traffic {
  pid: number;
  at: number;
  operations: Record<string, { sent: number; notSent: number; open?: { kind: 'timeout' | 'network'; after: number } }>;
  cases: Record<string, number>;
  throttle?: TransportStats['throttle'];
  deadlineHit?: string;
  /** The HTTP answers since the last call (see TransportStats.answers); absent when there were none. */
  answers?: TransportStats['answers'];
}

/**
 * The run's clock: the time budget (CONTRACT_MAX_TIME) and how a deep run (--deep) shares it out, plus what the run
 * has done so far (cases per operation) for the progress lines and the reports. One per run context (a worker).
 *
 * A deep run keeps exploring until the budget, fairly: every contract test first does what a normal run does (its
 * base runs), then a property or flow explores further for its share of what is left — the time left before the
 * budget's grace period, less what the tests still to come are expected to need for their own base runs, divided
 * by how many tests are left (the CLI counts them before the run; --deep). The last test takes what remains, so
 * the run ends at the budget, with the grace period left for shrinking what failed, the requests in flight and the
 * reports. From the budget on the transport sends nothing more.
 */
export class RunClock {
  readonly deadline: number | undefined;
  readonly label: string | undefined;
  readonly deep: boolean;
  /** Contract tests in this run (a deep run's CLI counts them); undefined when not known. */
  private planned: number | undefined;
  private finished = 0;
  /** Tests that asked for a share (a property or flow that explores further); the others cannot use one. */
  private extenders = 0;
  private askedThisTest = false;
  private testStart = Date.now();
  private baseEnd: number | undefined;
  private baseSpent = 0;
  private readonly started = Date.now();
  private readonly cases = new Map<string, number>();
  private casesTotal = 0;
  private now: string | undefined;
  private reported: { operations: TransportStats['operations']; cases: Map<string, number>; answers?: TransportStats['answers'] } = {
    operations: {},
    cases: new Map(),
  };

  constructor(
    settings: Pick<RunSettings, 'deadline' | 'maxTime' | 'deep'>,
    private readonly transport?: Pick<Transport, 'sent' | 'stats'>,
  ) {
    this.deadline = settings.deadline;
    this.label = settings.maxTime?.label;
    this.deep = settings.deep;
  }

  /** How many contract tests this run has (the deep share divides by what is left of them). */
  plan(tests: number): void {
    this.planned = tests;
  }

  expired(at = Date.now()): boolean {
    return this.deadline !== undefined && at >= this.deadline;
  }

  /** The end of exploring: the budget less a grace period (5 %, 1 to 30 s) for shrinking, in-flight requests and reports. */
  private get exploreUntil(): number {
    if (this.deadline === undefined) return Number.POSITIVE_INFINITY;
    const budget = this.deadline - this.started;
    return this.deadline - Math.min(30_000, Math.max(1000, budget * 0.05));
  }

  /** The current test has done its base runs: what it took is what the tests still to come are expected to need. */
  baseDone(): void {
    this.baseEnd ??= Date.now();
  }

  /**
   * Until when the current property (or flow) may go on exploring past its base runs (epoch ms). Not deep: now.
   * Without a deadline, there is nothing to share: a deep property runs to its cap of runs.
   */
  extensionUntil(at = Date.now()): number {
    if (!this.deep) return at;
    this.baseDone();
    const end = this.exploreUntil;
    if (!Number.isFinite(end)) return end;
    if (!this.askedThisTest) {
      this.askedThisTest = true;
      this.extenders++;
    }
    const left = Math.max(1, (this.planned ?? this.finished + 20) - this.finished);
    const averageBase = this.finished ? this.baseSpent / this.finished : 0;
    // Only the tests that explore can use a share (scope matrices, tenant probes and failed properties cannot): the
    // time left is divided among as many of the tests to come as have explored so far, in proportion.
    const exploring = this.finished ? Math.max(1, Math.round(((left - 1) * this.extenders) / (this.finished + 1)) + 1) : left;
    // Half as much again held back for the tests to come: their base runs vary (and a shared machine slows them).
    const share = (end - at - 1.5 * averageBase * (left - 1)) / exploring;
    return at + Math.max(0, share);
  }

  /** A contract test ended (its verdict was given). */
  testFinished(at = Date.now()): void {
    this.baseSpent += (this.baseEnd ?? at) - this.testStart;
    this.finished++;
    this.askedThisTest = false;
    this.testStart = at;
    this.baseEnd = undefined;
  }

  /** One more generated case judged for an operation (or a flow). */
  countCase(label: string, n = 1): void {
    this.cases.set(label, (this.cases.get(label) ?? 0) + n);
    this.casesTotal += n;
    this.now = label;
  }

  /** What the run did since the last call (see Traffic): small, whatever the number of operations. */
  traffic(at = Date.now()): Traffic {
    const stats = this.transport?.stats();
    const operations: Traffic['operations'] = {};
    for (const [key, o] of Object.entries(stats?.operations ?? {})) {
      const before = this.reported.operations[key];
      const sent = o.sent - (before?.sent ?? 0);
      const notSent = o.notSent - (before?.notSent ?? 0);
      if (sent || notSent || (o.open && !before?.open)) operations[key] = { sent, notSent, ...(o.open ? { open: o.open } : {}) };
    }
    const cases: Record<string, number> = {};
    for (const [label, n] of this.cases) if (n !== (this.reported.cases.get(label) ?? 0)) cases[label] = n - (this.reported.cases.get(label) ?? 0);
    const was = this.reported.answers;
    const now = stats?.answers;
    const answers = now && {
      total: now.total - (was?.total ?? 0),
      success: now.success - (was?.success ?? 0),
      notFound: now.notFound - (was?.notFound ?? 0),
      notFoundOnFixedRoutes: now.notFoundOnFixedRoutes - (was?.notFoundOnFixedRoutes ?? 0),
    };
    this.reported = { operations: structuredClone(stats?.operations ?? {}), cases: new Map(this.cases), ...(now ? { answers: { ...now } } : {}) };
    return {
      ...(answers?.total ? { answers } : {}),
      pid: process.pid,
      at,
      operations,
      cases,
      ...(stats?.throttle ? { throttle: stats.throttle } : {}),
      ...(stats?.deadlineHit ? { deadlineHit: stats.deadlineHit } : {}),
    };
  }

  /** One progress line: time left (or spent), tests, cases, requests, what is being explored. */
  progressLine(at = Date.now()): string {
    const time = this.deadline !== undefined ? `${duration(Math.max(0, this.deadline - at))} left of ${this.label}` : `${duration(at - this.started)} in`;
    const tests = this.planned ? `${this.finished}/${this.planned} tests` : `${this.finished} tests done`;
    const requests = this.transport ? ` · ${this.transport.sent.toLocaleString('en-US')} requests` : '';
    return `contract: ${this.deep ? 'deep run · ' : ''}${time} · ${tests} · ${this.casesTotal.toLocaleString('en-US')} cases${requests}${this.now ? ` · now ${this.now}` : ''}`;
  }

  /** Prints a progress line every `everyMs` (to stderr: stdout is the summary's) until stopped. */
  startProgress(everyMs: number, write: (line: string) => void = (l) => void process.stderr.write(`${l}\n`)): () => void {
    if (!everyMs) return () => undefined;
    const timer = setInterval(() => write(this.progressLine()), everyMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}

/** 754 s → "12m 34s"; 9 s → "9s". */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}
