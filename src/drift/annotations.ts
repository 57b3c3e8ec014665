import type { DriftReport } from './report.ts';
import { counts, describeChange } from './report.ts';
import type { DriftChange, DriftLevel } from './rules.ts';

const COMMAND: Record<DriftLevel, string> = { breaking: 'error', warning: 'warning', info: 'notice' };

/**
 * GitHub Actions workflow commands: one annotation per (rule, pointer) on the candidate spec's changed line, so
 * the pull request shows it where the edit is. A component used by several operations is one annotation naming them.
 * @see https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions#setting-an-error-message
 */
export function githubAnnotations(report: Pick<DriftReport, 'changes' | 'candidateFile'>, lineOf: (pointer: string) => number | undefined): string {
  const groups = new Map<string, DriftChange[]>();
  for (const c of report.changes) groups.set(`${c.rule} ${c.pointer}`, [...(groups.get(`${c.rule} ${c.pointer}`) ?? []), c]);
  const out: string[] = [];
  for (const list of groups.values()) {
    const first = list[0]!;
    const ops = [...new Set(list.map((c) => c.operation))];
    const where = ops.length > 3 ? `${ops.slice(0, 3).join(', ')} and ${ops.length - 3} more` : ops.join(', ');
    const line = lineOf(first.pointer);
    const props = `file=${property(report.candidateFile)}${line ? `,line=${line}` : ''},title=${property(`${first.level}: ${first.rule}`)}`;
    out.push(`::${COMMAND[first.level]} ${props}::${data(`${where} — ${describeChange(first)} (${first.pointer || '/'})`)}`);
  }
  const n = counts(report.changes);
  out.push(`spec drift: ${n.breaking} breaking · ${n.warning} warning · ${n.info} info`);
  return out.join('\n') + '\n';
}

function data(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function property(s: string): string {
  return data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
