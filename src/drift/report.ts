import { DRIFT_RULES, type DriftChange } from './rules.ts';

const ORDER = { breaking: 0, warning: 1, info: 2 } as const;

/** Markdown for a PR comment: grouped by operation, breaking first, one line per change. */
export function driftMarkdown(changes: readonly DriftChange[], title: string, notes: string[] = []): string {
  const counts = { breaking: 0, warning: 0, info: 0 };
  for (const c of changes) counts[c.level]++;
  const out = [`## ${title}`, '', changes.length ? `**${counts.breaking} breaking** · ${counts.warning} warning · ${counts.info} info` : 'No changes.'];
  for (const n of notes) out.push('', `> ${n}`);
  const byOp = new Map<string, DriftChange[]>();
  for (const c of changes) byOp.set(c.operation, [...(byOp.get(c.operation) ?? []), c]);
  const ops = [...byOp.entries()].sort(([, a], [, b]) => Math.min(...a.map((c) => ORDER[c.level])) - Math.min(...b.map((c) => ORDER[c.level])));
  for (const [op, list] of ops) {
    out.push('', `### \`${op}\``, '');
    for (const c of [...list].sort((x, y) => ORDER[x.level] - ORDER[y.level])) {
      const icon = c.level === 'breaking' ? '🔴' : c.level === 'warning' ? '🟠' : '⚪';
      const delta = c.from !== undefined || c.to !== undefined ? ` — ${c.from ?? ''}${c.from !== undefined && c.to !== undefined ? ' → ' : ''}${c.to ?? ''}` : '';
      out.push(`- ${icon} **${c.level}** \`${c.rule}\` at ${c.location}: ${DRIFT_RULES[c.rule].says}${delta}`);
    }
  }
  return out.join('\n') + '\n';
}
