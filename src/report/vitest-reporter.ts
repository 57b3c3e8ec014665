import { mkdirSync, writeFileSync } from 'node:fs';
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import type { ScenarioResult } from '../run/scenarios/result.ts';
import { mergeOutcomes, mergeWarnings, verdictOf, type RunReport } from './aggregate.ts';
import { replayCommand } from './format.ts';
import type { Redactor } from './redact.ts';
import { liveDriftMarkdown, ObservationLog } from '../drift/observe.ts';
import { consoleSummary, markdownSummary } from './summary.ts';

export interface ReporterOptions {
  spec: string;
  target: { kind: string; baseUrl: string };
  runSeed: number;
  runs: number;
  outDir: string;
  redactor: Redactor;
  print?: (text: string) => void;
}

/**
 * Collects each contract test's ScenarioResult (carried in the test's meta) and writes the run's reports.
 * Everything written passes through the Redactor once more: a token must not reach a file even by mistake.
 */
export class ContractReporter implements Reporter {
  private readonly results: ScenarioResult[] = [];
  private readonly errors: string[] = [];
  private readonly started = Date.now();
  report?: RunReport;

  constructor(private readonly options: ReporterOptions) {}

  onTestCaseResult(testCase: TestCase): void {
    const meta = testCase.meta().contract;
    if (meta) this.results.push(meta);
    else if (testCase.result().state === 'failed') {
      this.errors.push(`${testCase.fullName}: ${testCase.result().errors?.[0]?.message?.split('\n')[0] ?? 'failed'}`);
    }
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<{ message?: string }>): void {
    for (const m of modules) {
      for (const e of m.errors()) this.errors.push(`${m.moduleId}: ${e.message?.split('\n')[0]}`);
    }
    for (const e of unhandled) this.errors.push(`unhandled: ${e.message?.split('\n')[0]}`);
    if (this.results.length === 0 && this.errors.length === 0) this.errors.push('no contract test ran (check --only / the spec)');
    const { runSeed } = this.options;
    const base = {
      tool: 'salesive-account-contract' as const,
      spec: this.options.spec,
      target: this.options.target,
      runSeed,
      runs: this.options.runs,
      startedAt: new Date(this.started).toISOString(),
      durationMs: Date.now() - this.started,
      outcomes: mergeOutcomes(this.results),
      violations: this.results.flatMap((r) =>
        r.errors.map((v) => ({ ...v, test: r.name, ...(r.seed !== undefined ? { seed: r.seed } : {}), ...(r.path ? { path: r.path } : {}), replay: replayCommand(runSeed, r.name, r.path) })),
      ),
      warnings: mergeWarnings(this.results),
      errors: this.errors.map((e) => this.options.redactor.text(e)),
      cutShort: this.results.filter((r) => r.unsent).map((r) => ({ test: r.name, unsent: r.unsent! })),
      rateLimited: this.results.reduce((n, r) => n + (r.rateLimited ?? 0), 0),
    };
    const report: RunReport = this.options.redactor.value({ ...base, verdict: verdictOf(base) });
    this.report = report;
    mkdirSync(this.options.outDir, { recursive: true });
    writeFileSync(`${this.options.outDir}/contract.json`, JSON.stringify(report, null, 2) + '\n');
    writeFileSync(`${this.options.outDir}/summary.md`, markdownSummary(report));
    // Live drift is written whatever the verdict: a passing run can still show the server moving.
    const log = new ObservationLog();
    for (const r of this.results) log.merge(r.observations ?? []);
    const observations = this.options.redactor.value(log.list());
    writeFileSync(`${this.options.outDir}/drift.json`, JSON.stringify({ target: report.target, observations }, null, 2) + '\n');
    writeFileSync(`${this.options.outDir}/drift.md`, liveDriftMarkdown(observations, `${report.target.kind} ${report.target.baseUrl}`));
    (this.options.print ?? ((t: string) => process.stdout.write(t + '\n')))(consoleSummary(report, this.options.outDir));
  }
}
