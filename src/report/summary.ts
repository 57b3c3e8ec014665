import type { Outcome } from '../run/ledger.ts';
import type { Finding } from '../run/findings.ts';
import type { RunReport } from './aggregate.ts';
import { curlLine, formatFinding, tokenExport, tokensIn } from './format.ts';
import { replayCommand } from '../config/replay.ts';
import type { TokenSource } from '../config/tokens.ts';

interface CheckRow {
  check: string;
  passed: number;
  warned: number;
  violated: number;
  inferred: number;
  notApplicable: number;
  notReached: number;
  findings: number;
  occurrences: number;
  /** Why not applicable / why not reached, kept apart so a label never carries the other's reason. */
  reasons: Set<string>;
  unreached: Set<string>;
}

/**
 * Per check, across operations: how many operations each outcome (a check that found only warnings or inferences
 * is counted under those, never as passed), and its failing findings with their occurrences — the same ones the
 * Findings section lists.
 */
export function checkRows(outcomes: readonly Outcome[], findings: readonly Finding[] = []): CheckRow[] {
  const rows = new Map<string, CheckRow>();
  const row = (check: string) => {
    let r = rows.get(check);
    if (!r)
      rows.set(
        check,
        (r = {
          check,
          passed: 0,
          warned: 0,
          violated: 0,
          inferred: 0,
          notApplicable: 0,
          notReached: 0,
          findings: 0,
          occurrences: 0,
          reasons: new Set(),
          unreached: new Set(),
        }),
      );
    return r;
  };
  for (const o of outcomes) {
    const r = row(o.check);
    if (o.status === 'passed') r.passed++;
    else if (o.status === 'warned') r.warned++;
    else if (o.status === 'violated') r.violated++;
    else if (o.status === 'inferred') r.inferred++;
    else if (o.status === 'not-reached') {
      r.notReached++;
      if (o.reason) r.unreached.add(o.reason);
    } else {
      r.notApplicable++;
      if (o.reason) r.reasons.add(o.reason);
    }
  }
  for (const f of findings) {
    if (f.severity !== 'error' || f.known) continue;
    const r = row(f.check);
    r.findings++;
    r.occurrences += f.count;
  }
  return [...rows.values()].sort((a, b) => a.check.localeCompare(b.check));
}

/** Findings of one rule at one place across operations: what a fault that breaks every response prints once. */
interface FindingGroup {
  check: string;
  location: string;
  severity: Finding['severity'];
  findings: Finding[];
  count: number;
}

export function groupAcrossOperations(findings: readonly Finding[]): FindingGroup[] {
  const groups = new Map<string, FindingGroup>();
  for (const f of findings) {
    // An inference groups with the same guess only: two operations breaking different guesses stay apart.
    const key = `${f.check}\u0000${f.location}\u0000${f.basis}\u0000${f.severity}\u0000${f.known ? 1 : 0}\u0000${f.inferred?.marking ?? ''}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { check: f.check, location: f.location, severity: f.severity, findings: [], count: 0 }));
    g.findings.push(f);
    g.count += f.count;
  }
  return [...groups.values()];
}

const VERDICT_LINE = {
  holds: 'the contract holds',
  violated: 'the contract is violated',
  incomplete: 'INCOMPLETE — the contract was not fully checked',
  'cannot-run': 'the run could not be made',
} as const;

/** A baseline finding this run did not see where it did not judge: absence there says nothing. */
export const NOT_REJUDGED = 'this run did not judge their check on their operation — neither fixed nor still failing';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The run's findings by what they mean: failing, known (baseline), inferred, warnings, defects of the spec. */
export function totals(report: RunReport) {
  const failing = report.findings.filter((f) => f.severity === 'error' && !f.known);
  return {
    failing,
    occurrences: failing.reduce((n, f) => n + f.count, 0),
    known: report.findings.filter((f) => f.known),
    inferred: report.findings.filter((f) => f.severity === 'inference'),
    warnings: report.findings.filter((f) => f.severity === 'warning' && f.check !== 'spec-example-invalid'),
    spec: report.findings.filter((f) => f.check === 'spec-example-invalid'),
  };
}

/** The command that runs a finding's test again: its shrunk occurrence's (seed and path), else its first test's. */
export function replayOf(report: RunReport, f: Finding): string | undefined {
  const occurrence = report.violations.find((v) => v.finding === f.id);
  const test = f.tests[0];
  return occurrence?.replay ?? (test ? replayCommand(report.replay, test) : undefined);
}

/** Each group once: the rule, where, on which operations, how often; one example with its curl and replay. */
function groupLines(
  report: RunReport,
  groups: FindingGroup[],
  source: TokenSource | undefined,
  limit: number,
  withReplay: boolean,
  reportsDir = 'reports',
): string[] {
  const lines: string[] = [];
  for (const g of groups.slice(0, limit)) {
    const ops = g.findings.map((f) => f.operation);
    const head =
      g.findings.length === 1
        ? formatFinding(g.findings[0]!)
        : `${formatFinding({ ...g.findings[0]!, count: g.count, tokens: [...new Set(g.findings.flatMap((f) => f.tokens))], statuses: [...new Set(g.findings.flatMap((f) => f.statuses))] })}\n    on ${plural(ops.length, 'operation')}: ${ops.slice(0, 6).join(', ')}${ops.length > 6 ? ` (+${ops.length - 6})` : ''}`;
    lines.push(`  ${head.replace(/\n/g, '\n  ')}`);
    const example = g.findings[0]!.examples[0];
    if (withReplay && example?.request) {
      for (const t of tokensIn(example.request)) lines.push(`      ${tokenExport(t, source)}`);
      lines.push(`      ${curlLine(example.request)}`);
      const replay = replayOf(report, g.findings[0]!);
      if (replay) lines.push(`      reproduce: ${replay}`);
    }
  }
  if (groups.length > limit) lines.push(`  … and ${groups.length - limit} more (${reportsDir}/summary.md, ${reportsDir}/contract.json)`);
  return lines;
}

/** The console summary: the table, each finding once, what was not checked and why, then the verdict. */
export function consoleSummary(report: RunReport, reportsDir = 'reports', source?: TokenSource): string {
  const rows = checkRows(report.outcomes, report.findings);
  const t = totals(report);
  const dir = reportsDir.replace(/\/+$/, '');
  const width = Math.max(...rows.map((r) => r.check.length), 5);
  const lines = [
    '',
    `Contract summary — ${report.spec} against ${report.target.kind} (${report.target.baseUrl}) · seed ${report.runSeed} · inferred findings: ${report.policy.inferred}`,
  ];
  lines.push(`  ${'check'.padEnd(width)}  passed  warned  violated  inferred   n/a  not reached  findings (occurrences)   — operations per outcome`);
  // A check that could judge nothing anywhere gets one line under its reason, below the table, not a row of zeros.
  const idle = rows.filter((r) => r.passed + r.warned + r.violated + r.inferred + r.notReached === 0);
  const firstOf = (label: string, reasons: Set<string>) =>
    reasons.size ? `  ${label}: ${[...reasons][0]}${reasons.size > 1 ? ` (+${reasons.size - 1} more reasons)` : ''}` : '';
  for (const r of rows.filter((x) => !idle.includes(x))) {
    const why = r.notReached ? firstOf('not reached', r.unreached) || firstOf('n/a', r.reasons) : r.notApplicable ? firstOf('n/a', r.reasons) : '';
    const found = r.findings ? `${r.findings} (${r.occurrences})` : '-';
    lines.push(
      `  ${r.check.padEnd(width)}  ${String(r.passed).padStart(6)}  ${String(r.warned).padStart(6)}  ${String(r.violated).padStart(8)}  ${String(r.inferred).padStart(8)}  ${String(r.notApplicable).padStart(4)}  ${String(r.notReached).padStart(11)}  ${found.padStart(22)}${why}`,
    );
  }
  if (idle.length) {
    const byReason = new Map<string, string[]>();
    for (const r of idle) {
      const why = [...r.reasons][0] ?? 'nothing to judge';
      byReason.set(why, [...(byReason.get(why) ?? []), r.check]);
    }
    lines.push('', `Not applicable here (${plural(idle.length, 'check')}, never counted as passed):`);
    for (const [why, checks] of byReason) lines.push(`  ${checks.join(', ')} — ${why}`);
  }
  if (t.failing.length) {
    const inferred = t.failing.filter((f) => f.basis === 'inferred').length;
    const what =
      report.verdict === 'cannot-run'
        ? "seen in a run that could not be made: not the server's until a run that reaches it confirms them"
        : inferred
          ? `the server breaks the contract (${t.failing.length - inferred} documented, ${inferred} inferred — CONTRACT_INFERRED=fail)`
          : 'the server breaks what the docs state';
    lines.push('', `Findings (${plural(t.failing.length, 'finding')}, ${plural(t.occurrences, 'occurrence')}) — ${what}:`);
    lines.push(...groupLines(report, groupAcrossOperations(t.failing), source, 20, true, dir));
  }
  if (t.known.length) {
    lines.push('', `Known (${plural(t.known.length, 'finding')} in the baseline ${report.baseline?.file}) — reported, not failing:`);
    lines.push(...groupLines(report, groupAcrossOperations(t.known), source, 10, false, dir));
  }
  if (report.baseline?.fixed.length) {
    lines.push('', `Fixed (${plural(report.baseline.fixed.length, 'baseline finding')} no longer seen):`);
    for (const f of report.baseline.fixed.slice(0, 10)) lines.push(`  ${f.check} · ${f.operation}${f.location ? ` at ${f.location}` : ''} · id ${f.id}`);
  }
  if (report.baseline?.notJudged.length) {
    lines.push('', `Not re-judged (${plural(report.baseline.notJudged.length, 'baseline finding')} not seen, but ${NOT_REJUDGED}):`);
    for (const f of report.baseline.notJudged.slice(0, 10))
      lines.push(`  ${f.check} · ${f.operation}${f.location ? ` at ${f.location}` : ''} · id ${f.id} — ${f.why}`);
    if (report.baseline.notJudged.length > 10) lines.push(`  … ${report.baseline.notJudged.length - 10} more in ${dir}/summary.md`);
  }
  if (t.inferred.length) {
    lines.push(
      '',
      `Unconfirmed inferences (${t.inferred.length}) — the server disagrees with what the spec guessed where the docs are silent (confirm upstream, or relax the spec; CONTRACT_INFERRED=fail makes them fail):`,
    );
    lines.push(...groupLines(report, groupAcrossOperations(t.inferred), source, 20, false, dir));
  }
  if (t.warnings.length) {
    lines.push('', `Warnings (${t.warnings.length}) — drift the contract tolerates:`);
    lines.push(...groupLines(report, groupAcrossOperations(t.warnings), source, 10, false, dir));
  }
  if (t.spec.length) {
    lines.push(
      '',
      `Spec findings (${t.spec.length}) — the mock served the spec's own examples, and they break the spec (a defect of the spec, not of a server):`,
    );
    lines.push(...groupLines(report, groupAcrossOperations(t.spec), source, 10, false, dir));
  }
  if (report.gaps.length) {
    lines.push('', `Could not generate (${report.gaps.length}) — requests not sent, so not judged:`);
    for (const g of report.gaps.slice(0, 10)) lines.push(`  ${g}`);
  }
  if (report.skipped.length)
    lines.push(
      '',
      `${plural(report.skipped.length, 'test')} skipped: nothing to judge there (${[...new Set(report.skipped.map((s) => s.reason))].slice(0, 3).join('; ')}${new Set(report.skipped.map((s) => s.reason)).size > 3 ? '; …' : ''})`,
    );
  for (const e of report.errors) lines.push(`could not run: ${e}`);
  if (report.rateLimited || report.throttle) lines.push('', throttleLine(report));
  for (const c of report.circuits ?? []) lines.push('', circuitLine(c));
  if (report.timeBudget?.ranOut) {
    lines.push(
      '',
      `TIME BUDGET RAN OUT (${report.timeBudget.label}): ${plural(report.timeBudget.testsCut, 'test')} stopped short, ${report.timeBudget.notSent} request(s) not sent — every check not reached says so; raise CONTRACT_MAX_TIME / --max-time for a complete run`,
    );
  }
  if (report.deep && report.operations?.length) {
    lines.push('', `Deep run — how far it got per operation (cases judged · requests sent):`);
    // A flow's requests are its operations': a flow row counts its command sequences.
    for (const o of report.operations.slice(0, 30))
      lines.push(
        `  ${o.operation}: ${o.cases.toLocaleString('en-US')} ${o.operation.startsWith('flow ') ? 'sequences' : `cases · ${o.requests.toLocaleString('en-US')} requests`}${o.notSent ? ` · ${o.notSent} not sent` : ''}`,
      );
    if (report.operations.length > 30) lines.push(`  … and ${report.operations.length - 30} more (${dir}/summary.md)`);
  }
  if (report.cutShort.length) {
    const unsent = report.cutShort.reduce((n, c) => n + c.unsent, 0);
    lines.push(
      '',
      `REQUEST BUDGET SPENT: ${report.cutShort.length} test(s) stopped short, ${unsent} request(s) not sent — raise CONTRACT_MAX_REQUESTS for a complete run:`,
    );
    for (const c of report.cutShort.slice(0, 10)) lines.push(`  ${c.test} (${c.unsent} not sent)`);
  }
  lines.push(
    '',
    `${VERDICT_LINE[report.verdict]} — ${report.because}; ${plural(t.failing.length, 'finding')} (${plural(t.occurrences, 'occurrence')}), ${t.inferred.length} unconfirmed inference(s), ${t.warnings.length} warning(s)${t.spec.length ? `, ${t.spec.length} spec finding(s)` : ''} in ${(report.durationMs / 1000).toFixed(1)} s · reports in ${dir}/`,
  );
  return lines.join('\n');
}

/** How the server throttled and what the suite did about it: never a violation. */
function throttleLine(report: RunReport): string {
  const t = report.throttle;
  const waited = `${report.rateLimited} answer(s) of 429 were waited out (Retry-After, bounded) and retried`;
  if (!t) return `rate limited: ${waited} — not violations`;
  const rate = t.allowedPerSecond !== undefined ? `; the server allowed about ${t.allowedPerSecond.toFixed(1)} requests/s from its first 429 on` : '';
  return `rate limited: ${t.answered429} answer(s) of 429; ${waited}; requests in flight lowered from ${t.concurrency} to ${t.lowest} (${t.final} at the end)${rate} — not violations`;
}

function circuitLine(c: NonNullable<RunReport['circuits']>[number]): string {
  return `CIRCUIT OPEN: ${c.operation} — ${c.after} ${c.kind === 'timeout' ? 'timeouts' : 'connection failures'} in a row, so its other ${c.notSent} request(s) were not sent (its checks are "not reached"); the other operations went on`;
}

export function markdownSummary(report: RunReport, source?: TokenSource): string {
  const rows = checkRows(report.outcomes, report.findings);
  const t = totals(report);
  const out = [
    `# Contract run — ${report.verdict}`,
    '',
    `${report.because}. Spec \`${report.spec}\` against **${report.target.kind}** · seed \`${report.runSeed}\` · ${report.runs} runs per property${report.deep ? ' · **deep run**' : ''}${report.timeBudget ? ` · time budget ${report.timeBudget.label}` : ''} · inferred findings: \`${report.policy.inferred}\``,
    '',
  ];
  if (report.verdict === 'incomplete')
    out.push(
      '> **Incomplete:** not every check was run to the end — see "not reached" below. Nothing here says the contract holds where it was not checked.',
      '',
    );
  out.push(
    '| check | passed | warned | violated | inferred | not applicable | not reached | findings (occurrences) | why not checked |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
  );
  for (const r of rows)
    out.push(
      `| \`${r.check}\` | ${r.passed} | ${r.warned} | ${r.violated} | ${r.inferred} | ${r.notApplicable} | ${r.notReached} | ${r.findings ? `${r.findings} (${r.occurrences})` : ''} | ${[...[...r.unreached].map((u) => `not reached: ${u}`), ...r.reasons].join('; ')} |`,
    );
  const section = (title: string, groups: FindingGroup[], replay: boolean) => {
    if (!groups.length) return;
    out.push('', `## ${title}`, '', '```', ...groupLines(report, groups, source, 200, replay).map((l) => l.replace(/^ {2}/, '')), '```');
  };
  section(`Findings (${t.failing.length})`, groupAcrossOperations(t.failing), true);
  section(`Known — in the baseline (${t.known.length})`, groupAcrossOperations(t.known), false);
  if (report.baseline?.fixed.length)
    out.push(
      '',
      `## Fixed since the baseline (${report.baseline.fixed.length})`,
      '',
      ...report.baseline.fixed.map((f) => `- \`${f.check}\` · ${f.operation}${f.location ? ` at \`${f.location}\`` : ''} (id ${f.id})`),
    );
  if (report.baseline?.notJudged.length)
    out.push(
      '',
      `## Not re-judged since the baseline (${report.baseline.notJudged.length}) — ${NOT_REJUDGED}`,
      '',
      ...report.baseline.notJudged.map((f) => `- \`${f.check}\` · ${f.operation}${f.location ? ` at \`${f.location}\`` : ''} (id ${f.id}) — ${f.why}`),
    );
  section(`Unconfirmed inferences (${t.inferred.length}) — confirm upstream, or relax the spec`, groupAcrossOperations(t.inferred), false);
  section(`Warnings (${t.warnings.length})`, groupAcrossOperations(t.warnings), false);
  section(`Spec findings (${t.spec.length}) — the spec's own examples break it`, groupAcrossOperations(t.spec), false);
  if (report.gaps.length) out.push('', '## Could not generate', '', ...report.gaps.map((g) => `- ${g}`));
  if (report.skipped.length)
    out.push('', `## Skipped (${report.skipped.length}) — nothing to judge`, '', ...report.skipped.map((s) => `- ${s.test}: ${s.reason}`));
  if (report.rateLimited || report.throttle) out.push('', '## Rate limited', '', throttleLine(report));
  if (report.circuits?.length) out.push('', '## Circuits opened', '', ...report.circuits.map((c) => `- ${circuitLine(c).replace(/^CIRCUIT OPEN: /, '')}`));
  if (report.timeBudget?.ranOut)
    out.push(
      '',
      `## Time budget ran out (${report.timeBudget.label})`,
      '',
      `${plural(report.timeBudget.testsCut, 'test')} stopped short, ${report.timeBudget.notSent} request(s) not sent — raise \`CONTRACT_MAX_TIME\` / \`--max-time\`.`,
    );
  if (report.operations?.length) {
    out.push(
      '',
      `## ${report.deep ? 'Deep run — how far it got' : 'Traffic'} per operation`,
      '',
      '| operation | cases judged | requests sent | not sent |',
      '|---|---:|---:|---:|',
    );
    for (const o of report.operations) out.push(`| ${o.operation} | ${o.cases} | ${o.requests} | ${o.notSent} |`);
  }
  if (report.cutShort.length)
    out.push(
      '',
      `## Request budget spent`,
      '',
      `${report.cutShort.length} test(s) stopped short — raise \`CONTRACT_MAX_REQUESTS\`:`,
      '',
      ...report.cutShort.map((c) => `- ${c.test} (${c.unsent} not sent)`),
    );
  if (report.errors.length) out.push('', '## Could not run', '', ...report.errors.map((e) => `- ${e}`));
  return out.join('\n') + '\n';
}
