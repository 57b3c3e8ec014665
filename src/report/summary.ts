import type { Outcome } from '../run/ledger.ts';
import type { RunReport } from './aggregate.ts';
import { formatViolation } from './format.ts';

interface CheckRow {
  check: string;
  passed: number;
  violated: number;
  notApplicable: number;
  warnings: number;
  reasons: Set<string>;
}

export function checkRows(outcomes: readonly Outcome[]): CheckRow[] {
  const rows = new Map<string, CheckRow>();
  for (const o of outcomes) {
    const row = rows.get(o.check) ?? { check: o.check, passed: 0, violated: 0, notApplicable: 0, warnings: 0, reasons: new Set<string>() };
    if (o.status === 'passed') row.passed++;
    else if (o.status === 'violated') row.violated++;
    else {
      row.notApplicable++;
      if (o.reason) row.reasons.add(o.reason);
    }
    row.warnings += o.warnings;
    rows.set(o.check, row);
  }
  return [...rows.values()].sort((a, b) => a.check.localeCompare(b.check));
}

/** The console summary: one line per check across operations, then the violations, then the verdict. */
export function consoleSummary(report: RunReport, reportsDir = 'reports'): string {
  const rows = checkRows(report.outcomes);
  const width = Math.max(...rows.map((r) => r.check.length), 5);
  const lines = ['', `Contract summary — ${report.spec} against ${report.target.kind} (${report.target.baseUrl}) · seed ${report.runSeed}`];
  lines.push(`  ${'check'.padEnd(width)}  passed  violated  n/a  warnings   (operations)`);
  for (const r of rows) {
    const reason = r.notApplicable && r.reasons.size ? `  n/a: ${[...r.reasons][0]}${r.reasons.size > 1 ? ` (+${r.reasons.size - 1} more reasons)` : ''}` : '';
    lines.push(`  ${r.check.padEnd(width)}  ${String(r.passed).padStart(6)}  ${String(r.violated).padStart(8)}  ${String(r.notApplicable).padStart(3)}  ${String(r.warnings).padStart(8)}${reason}`);
  }
  const totals = rows.reduce((t, r) => ({ p: t.p + r.passed, v: t.v + r.violated, n: t.n + r.notApplicable }), { p: 0, v: 0, n: 0 });
  lines.push(`  ${'total'.padEnd(width)}  ${String(totals.p).padStart(6)}  ${String(totals.v).padStart(8)}  ${String(totals.n).padStart(3)}`);
  if (report.warnings.length) {
    lines.push('', `Warnings (${report.warnings.length}) — drift the contract tolerates:`);
    for (const w of report.warnings.slice(0, 10)) lines.push(`  ${formatViolation(w).replace(/\n/g, '\n  ')}`);
  }
  if (report.violations.length) {
    lines.push('', `Violations (${report.violations.length}):`);
    for (const v of report.violations.slice(0, 20)) lines.push(`  ${formatViolation(v).replace(/\n/g, '\n  ')}\n      reproduce: ${v.replay}`);
  }
  for (const e of report.errors) lines.push(`cannot run: ${e}`);
  if (report.rateLimited) lines.push('', `rate limited: ${report.rateLimited} answer(s) of 429 were waited out (Retry-After) and retried — not violations`);
  if (report.cutShort.length) {
    const unsent = report.cutShort.reduce((n, c) => n + c.unsent, 0);
    lines.push('', `REQUEST BUDGET SPENT: ${report.cutShort.length} test(s) stopped short, ${unsent} request(s) not sent — raise CONTRACT_MAX_REQUESTS for a complete run:`);
    for (const c of report.cutShort.slice(0, 10)) lines.push(`  ${c.test} (${c.unsent} not sent)`);
  }
  const verdict = { holds: 'the contract holds', violated: 'the contract is violated', 'cannot-run': 'the run could not be made' }[report.verdict];
  lines.push('', `${verdict} — ${report.violations.length} violation(s), ${report.warnings.length} warning(s) in ${(report.durationMs / 1000).toFixed(1)} s · reports in ${reportsDir.replace(/\/+$/, '')}/`);
  return lines.join('\n');
}

export function markdownSummary(report: RunReport): string {
  const rows = checkRows(report.outcomes);
  const out = [`# Contract run — ${report.verdict}`, '', `Spec \`${report.spec}\` against **${report.target.kind}** · seed \`${report.runSeed}\` · ${report.runs} runs per property`, ''];
  out.push('| check | passed | violated | not applicable | warnings | why not applicable |', '|---|---:|---:|---:|---:|---|');
  for (const r of rows) out.push(`| \`${r.check}\` | ${r.passed} | ${r.violated} | ${r.notApplicable} | ${r.warnings} | ${[...r.reasons].join('; ')} |`);
  if (report.cutShort.length) out.push('', `**Request budget spent:** ${report.cutShort.length} test(s) stopped short — raise \`CONTRACT_MAX_REQUESTS\`.`);
  if (report.violations.length) {
    out.push('', '## Violations', '');
    for (const v of report.violations) out.push('```', formatViolation(v), `reproduce: ${v.replay}`, '```');
  }
  if (report.warnings.length) {
    out.push('', '## Warnings', '');
    for (const w of report.warnings) out.push('```', formatViolation(w), '```');
  }
  return out.join('\n') + '\n';
}
