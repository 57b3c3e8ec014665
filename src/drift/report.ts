import type { IgnoreEntry, Ignored } from './ignore.ts';
import { DRIFT_RULES, type DriftChange, type DriftLevel } from './rules.ts';

/** One spec ↔ spec comparison, as every output format reads it. */
export interface DriftReport {
  title: string;
  from: string;
  to: string;
  /** The candidate's file as the reviewer knows it (for annotations): `spec/salesive-account.yaml`. */
  candidateFile: string;
  notes: string[];
  changes: DriftChange[];
  ignored: Ignored[];
  stale: IgnoreEntry[];
  failOn: FailOn;
}

export type FailOn = 'breaking' | 'warning';

const ORDER: Record<DriftLevel, number> = { breaking: 0, warning: 1, info: 2 };
const ICON: Record<DriftLevel, string> = { breaking: '🔴', warning: '🟠', info: '⚪' };

/** Whether a change fails the run under `--fail-on`. */
export function fails(change: DriftChange, failOn: FailOn): boolean {
  return ORDER[change.level] <= ORDER[failOn];
}

/** The exit code, from the changes alone: 1 when one of them fails the run, else 0. */
export function driftExitCode(report: Pick<DriftReport, 'changes' | 'failOn'>, warnOnly = false): 0 | 1 {
  return !warnOnly && report.changes.some((c) => fails(c, report.failOn)) ? 1 : 0;
}

export function counts(changes: readonly DriftChange[]): Record<DriftLevel, number> {
  const out = { breaking: 0, warning: 0, info: 0 };
  for (const c of changes) out[c.level]++;
  return out;
}

/** `GET /kyc/status — response 200 data.status: a response field may carry … — a → b` */
export function describeChange(c: DriftChange): string {
  const delta = c.from !== undefined || c.to !== undefined ? ` — ${c.from ?? ''}${c.from !== undefined && c.to !== undefined ? ' → ' : ''}${c.to ?? ''}` : '';
  return `${c.location}: ${DRIFT_RULES[c.rule].says}${delta}`;
}

/** Markdown for a PR comment: grouped by operation, breaking first, one line per change, then what was accepted. */
export function driftMarkdown(report: Pick<DriftReport, 'title' | 'notes' | 'changes' | 'ignored' | 'stale'>): string {
  const { changes } = report;
  const n = counts(changes);
  const out = [
    `## ${report.title}`,
    '',
    changes.length
      ? `**${n.breaking} breaking** · ${n.warning} warning · ${n.info} info`
      : report.ignored.length
        ? 'No changes beyond those accepted below.'
        : 'No changes.',
  ];
  for (const note of report.notes) out.push('', `> ${note}`);
  const byOp = new Map<string, DriftChange[]>();
  for (const c of changes) byOp.set(c.operation, [...(byOp.get(c.operation) ?? []), c]);
  const worst = (list: DriftChange[]) => Math.min(...list.map((c) => ORDER[c.level]));
  for (const [op, list] of [...byOp].sort(([, a], [, b]) => worst(a) - worst(b))) {
    out.push('', `### \`${op}\``, '');
    for (const c of [...list].sort((x, y) => ORDER[x.level] - ORDER[y.level]))
      out.push(`- ${ICON[c.level]} **${c.level}** \`${c.rule}\` at ${describeChange(c)} · \`${c.pointer || '/'}\``);
  }
  if (report.ignored.length) {
    out.push('', `### Accepted (drift-ignore)`, '');
    for (const c of report.ignored) out.push(`- \`${c.rule}\` \`${c.pointer}\` (${c.operation}): ${c.reason}`);
  }
  for (const e of report.stale)
    out.push('', `> drift-ignore entry \`${e.rule}\` \`${e.pointer}\` accepted nothing in this comparison — remove it if the change is gone.`);
  return out.join('\n') + '\n';
}

/** reports/drift-spec.json: the report as data; `rules` gives each id used its level and meaning. */
export function driftJson(report: DriftReport): string {
  const used = [...new Set([...report.changes, ...report.ignored].map((c) => c.rule))].sort();
  return (
    JSON.stringify(
      {
        from: report.from,
        to: report.to,
        failOn: report.failOn,
        counts: counts(report.changes),
        notes: report.notes,
        changes: report.changes,
        ignored: report.ignored,
        staleIgnores: report.stale,
        rules: Object.fromEntries(used.map((id) => [id, { level: DRIFT_RULES[id].level, says: DRIFT_RULES[id].says }])),
      },
      null,
      2,
    ) + '\n'
  );
}
