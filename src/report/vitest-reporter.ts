import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import type { Violation } from '../checks/types.ts';
import type { ScenarioResult } from '../run/scenarios/result.ts';
import { skipReason } from '../run/scenarios/result.ts';
import { EXIT_CODE, mergeOutcomes, mergeWarnings, notReachingTheApi, trafficOf, unreachedCase, verdictOf, type RunReport } from './aggregate.ts';
import { replayCommand, type ReplayContext } from '../config/replay.ts';
import type { TokenSource } from '../config/tokens.ts';
import type { Redactor } from '../base/redact.ts';
import { liveDriftMarkdown, ObservationLog } from '../drift/observe.ts';
import { findingId, goneFromBaseline, groupFindings, isKnown, keyOf, type Baseline } from '../run/findings.ts';
import { consoleSummary, markdownSummary } from './summary.ts';
import { junitXml, type JunitCase } from './junit.ts';
import { inferencesMarkdown } from './inferences.ts';
import { htmlReport } from './html.ts';
import { signOffFacts } from './sign-off.ts';

export interface ReporterOptions {
  spec: string;
  target: { kind: string; baseUrl: string };
  runSeed: number;
  runs: number;
  outDir: string;
  redactor: Redactor;
  policy: RunReport['policy'];
  replay: ReplayContext;
  tokenSource?: TokenSource;
  baseline?: Baseline;
  /** Write the run's findings here as a baseline for later runs. */
  writeBaseline?: string;
  /** What to say when no contract test ran at all. */
  nothingRan?: string;
  /** The run's time budget (CONTRACT_MAX_TIME), as reports name it. */
  maxTime?: string;
  /** A deep run (--deep). */
  deep?: boolean;
  /** Whether the target went away during the run (the embedded mock died): then nothing it answered counts. */
  targetGone?: () => string | undefined;
  /** A `--shard i/n` run also writes contract-shard.json, what `--merge-reports` rebuilds the whole run from. */
  shard?: { index: number; count: number };
  print?: (text: string) => void;
}

/** What a `--shard i/n` run leaves for `--merge-reports`: its contract tests' results, as the reporter collected them. */
export interface ShardPart {
  tool: RunReport['tool'];
  kind: 'contract-shard';
  shard: { index: number; count: number };
  spec: string;
  target: RunReport['target'];
  runSeed: number;
  runs: number;
  policy: RunReport['policy'];
  replay: RunReport['replay'];
  startedAt: number;
  durationMs: number;
  errors: string[];
  cases: JunitCase[];
  gone?: string;
  /**
   * Where the shard read its tokens (a file path or the variable's name, never a token), null for none: the merged
   * report's token export lines must read them as the shards did, not from wherever the fan-in job happens to run.
   * Absent in shards written before it was recorded.
   */
  tokenSource?: TokenSource | null;
}

export const SHARD_FILE = 'contract-shard.json';

/**
 * Collects each contract test's ScenarioResult (carried in the test's meta) and writes the run's reports, all
 * from the same findings so their counts agree. Everything written passes through the Redactor once more: a
 * token must not reach a file even by mistake.
 */
export class ContractReporter implements Reporter {
  private readonly cases: JunitCase[] = [];
  private readonly errors: string[] = [];
  /** A test that could not be made (a CannotRunError: a setup that cannot work, a defect of the suite's own). */
  private cannotRun: string | undefined;
  private started = Date.now();
  /** Merged shards: the longest shard's duration (they ran side by side), not the merge's own. */
  private durationMs?: number;
  /** Requests the contract tests sent, when they counted them (test meta `contractRequests`). */
  private requests: number | undefined;
  report?: RunReport;

  constructor(private readonly options: ReporterOptions | Promise<ReporterOptions>) {}

  private markStarted!: () => void;
  /** Settles when vitest begins the run (the global setup and the workers come next). */
  readonly runStarted = new Promise<void>((resolve) => (this.markStarted = resolve));

  onTestRunStart(): void {
    this.markStarted();
  }

  onTestCaseResult(testCase: TestCase): void {
    const meta = testCase.meta().contract;
    const file = relative(process.cwd(), testCase.module.moduleId);
    const ms = testCase.diagnostic()?.duration ?? 0;
    const sent = testCase.meta().contractRequests;
    if (sent !== undefined) this.requests = (this.requests ?? 0) + sent;
    if (meta) this.cases.push({ file, result: meta, ms });
    else if (testCase.result().state === 'failed') {
      const error = testCase.result().errors?.[0];
      const message = error?.message?.split('\n')[0] ?? 'failed';
      this.errors.push(`${testCase.fullName}: ${message}`);
      if (error?.name === 'CannotRunError') this.cannotRun ??= message;
    }
  }

  /**
   * vitest's end of the run. Options still to come are waited for: on the mock, `npm run contract` starts vitest while
   * it checks the spec. Options that never come (the spec failed that check) mean the run could not be made, and the
   * CLI says why in one line: nothing is written here.
   */
  async onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<{ message?: string }>): Promise<void> {
    let options: ReporterOptions;
    try {
      options = await this.options;
    } catch {
      return;
    }
    this.end(options, modules, unhandled);
  }

  /** Writes the reports and prints the summary, from every test taken in (merge.ts calls it after absorbing shards). */
  end(options: ReporterOptions, modules: ReadonlyArray<TestModule> = [], unhandled: ReadonlyArray<{ message?: string }> = []): void {
    for (const m of modules) for (const e of m.errors()) this.errors.push(`${relative(process.cwd(), m.moduleId)}: ${e.message?.split('\n')[0]}`);
    for (const e of unhandled) this.errors.push(`unhandled: ${e.message?.split('\n')[0]}`);
    if (!this.cases.length && !this.errors.length) this.errors.push(options.nothingRan ?? 'no contract test ran (check --only / the spec)');
    // A run whose requests never reached the API has judged nothing of it: every report says so, none blames the server.
    const unreached = notReachingTheApi(trafficOf(this.cases.map((c) => c.result)).answers, options.target);
    const cases = unreached ? this.cases.map((c) => unreachedCase(c, unreached)) : this.cases;
    const results = cases.map((c) => c.result);
    const { runSeed, baseline } = options;
    const replay = (r: ScenarioResult) => replayCommand(options.replay, r.name, r.stateful ? undefined : r.path);
    // Every occurrence the tests booked; the shrunk counterexamples lead each finding's examples.
    const occurrences = results.flatMap((r) => booked(r).map((v) => ({ ...v, test: r.name })));
    const findings = groupFindings(
      occurrences,
      results.flatMap((r) => r.errors),
    ).map((f) => (isKnown(baseline, f) ? { ...f, known: true } : f));
    const seen = new Set(findings.map((f) => f.id));
    const outcomes = mergeOutcomes(results);
    const { deadlineHit, ...traffic } = trafficOf(results);
    // A timeout or connection failure that opened its operation's circuit says how many requests it held back.
    for (const f of findings) {
      const circuit = traffic.circuits?.find(
        (c) => c.operation === f.operation && f.check === (c.kind === 'timeout' ? 'response-timeout' : 'connection-failed'),
      );
      if (circuit) f.notSent = circuit.notSent;
    }
    const timeCut = results.filter((r) => r.notSent?.some((n) => n.kind === 'deadline'));
    const base = {
      tool: 'kyc-contract-suite' as const,
      reportVersion: 2 as const,
      spec: options.spec,
      target: options.target,
      runSeed,
      runs: options.runs,
      startedAt: new Date(this.started).toISOString(),
      durationMs: this.durationMs ?? Date.now() - this.started,
      policy: options.policy,
      replay: options.replay,
      outcomes,
      findings,
      violations: results.flatMap((r) =>
        r.errors.map((v) => ({ ...v, test: r.name, finding: findingId(keyOf(v)), replay: replay(r), ...(r.path && !r.stateful ? { path: r.path } : {}) })),
      ),
      warnings: mergeWarnings(results),
      inferences: results.flatMap((r) => r.inferences),
      gaps: [...new Set(results.flatMap((r) => r.gaps ?? []))],
      ...(baseline ? { baseline: { file: baseline.file, known: findings.filter((f) => f.known).length, ...goneFromBaseline(baseline, seen, outcomes) } } : {}),
      errors: this.errors.map((e) => options.redactor.text(e)),
      cutShort: results.filter((r) => r.unsent).map((r) => ({ test: r.name, unsent: r.unsent! })),
      skipped: results.flatMap((r) => {
        const reason = skipReason(r);
        return reason ? [{ test: r.name, reason }] : [];
      }),
      rateLimited: results.reduce((n, r) => n + (r.rateLimited ?? 0), 0),
      ...(options.maxTime
        ? {
            timeBudget: {
              label: options.maxTime,
              ranOut: !!deadlineHit || timeCut.length > 0,
              testsCut: timeCut.length,
              notSent: timeCut.reduce((n, r) => n + r.notSent!.filter((x) => x.kind === 'deadline').reduce((m, x) => m + x.count, 0), 0),
            },
          }
        : {}),
      ...traffic,
      ...(options.deep ? { deep: true } : {}),
    };
    // The mock died, or a test could not be made: nothing the run judged counts, it could not be made (exit 2).
    const gone = options.targetGone?.() ?? this.cannotRun;
    if (gone) base.errors.unshift(options.redactor.text(gone));
    const report: RunReport = options.redactor.value({ ...base, ...verdictOf({ ...base, ran: gone ? 0 : results.length }) });
    this.report = report;
    const out = options.outDir;
    mkdirSync(out, { recursive: true });
    writeFileSync(`${out}/contract.json`, JSON.stringify(report, null, 2) + '\n');
    if (options.shard) {
      const part: ShardPart = {
        tool: report.tool,
        kind: 'contract-shard',
        shard: options.shard,
        spec: report.spec,
        target: report.target,
        runSeed,
        runs: report.runs,
        policy: report.policy,
        replay: report.replay,
        startedAt: this.started,
        durationMs: report.durationMs,
        errors: this.errors,
        cases: this.cases,
        ...(gone ? { gone } : {}),
        tokenSource: options.tokenSource ?? null,
      };
      writeFileSync(`${out}/${SHARD_FILE}`, JSON.stringify(options.redactor.value(part)) + '\n');
    }
    writeFileSync(`${out}/summary.md`, markdownSummary(report, options.tokenSource));
    writeFileSync(`${out}/junit.xml`, options.redactor.text(junitXml(report, cases, (id) => !!baseline?.ids.has(id))));
    // Live drift is written whatever the verdict: a passing run can still show the server moving.
    const log = new ObservationLog();
    for (const r of results) log.merge(r.observations ?? []);
    const observations = options.redactor.value(log.list());
    writeFileSync(
      `${out}/drift.json`,
      JSON.stringify({ target: report.target, observations, inferences: report.findings.filter((f) => f.severity === 'inference') }, null, 2) + '\n',
    );
    writeFileSync(`${out}/drift.md`, liveDriftMarkdown(observations, `${report.target.kind} ${report.target.baseUrl}`) + inferencesMarkdown(report));
    const figures = {
      tests: results.length,
      cases: results.reduce((n, r) => n + (r.runs ?? 0), 0),
      ...(this.requests !== undefined ? { requests: this.requests } : {}),
    };
    const source = options.tokenSource;
    writeFileSync(
      `${out}/index.html`,
      options.redactor.text(htmlReport(report, { ...signOffFacts(report.spec), figures, drift: observations, ...(source ? { tokenSource: source } : {}) })),
    );
    if (options.writeBaseline) {
      mkdirSync(dirname(options.writeBaseline), { recursive: true });
      const entries = report.findings
        .filter((f) => f.severity === 'error' || f.severity === 'inference')
        .map(({ id, check, operation, location, basis, severity }) => ({ id, check, operation, location, basis, severity }));
      writeFileSync(
        options.writeBaseline,
        JSON.stringify({ tool: report.tool, kind: 'baseline', spec: report.spec, writtenAt: new Date().toISOString(), findings: entries }, null, 2) + '\n',
      );
    }
    (options.print ?? ((t: string) => process.stdout.write(t + '\n')))(
      consoleSummary(report, out, options.tokenSource) +
        (options.writeBaseline
          ? `\nbaseline written to ${options.writeBaseline} (${report.findings.filter((f) => f.severity === 'error' || f.severity === 'inference').length} finding(s))`
          : ''),
    );
  }

  /** One shard's results, taken in as if its tests had run here: how `--merge-reports` rebuilds the whole run. */
  absorb(part: ShardPart): void {
    this.started = Math.min(this.started, part.startedAt);
    this.durationMs = Math.max(this.durationMs ?? 0, part.durationMs);
    // A shard whose target went away answered nothing that counts: its tests are missing, the run incomplete.
    if (part.gone) this.errors.push(`shard ${part.shard.index}/${part.shard.count}: ${part.gone}`);
    else this.cases.push(...part.cases);
    this.errors.push(...part.errors);
  }

  get exitCode(): number {
    return this.report ? EXIT_CODE[this.report.verdict] : EXIT_CODE['cannot-run'];
  }
}

/**
 * Every occurrence a test booked; a severity it booked none of (a scenario that reports its findings without a
 * ledger) comes from its result lists instead.
 */
function booked(r: ScenarioResult): Violation[] {
  const occurrences = r.occurrences ?? [];
  const has = (severity: Violation['severity']) => occurrences.some((v) => v.severity === severity);
  return [...occurrences, ...(has('error') ? [] : r.errors), ...(has('inference') ? [] : r.inferences), ...(has('warning') ? [] : r.warnings)];
}
