import type { RunReport } from './aggregate.ts';

/**
 * The unconfirmed inferences as a to-do list for reports/drift.md: each is a place where the spec guessed and the
 * server decided otherwise — confirm the guess upstream (and drop `x-inferred`), or relax the spec to what the
 * server does.
 */
export function inferencesMarkdown(report: RunReport): string {
  const list = report.findings.filter((f) => f.severity === 'inference');
  const out = ['', '## Unconfirmed inferences — to act on', ''];
  if (!list.length) {
    out.push(
      report.policy.inferred === 'off'
        ? 'Not collected (CONTRACT_INFERRED=off).'
        : 'None: the server agreed with every guess the spec makes that this run could test.',
    );
    return out.join('\n') + '\n';
  }
  out.push('Each row: the spec guessed where the docs are silent, and the server disagrees. Confirm upstream, or relax the spec.', '');
  out.push('| check | operation | where | the guess (x-inferred) | marking | seen |', '|---|---|---|---|---|---:|');
  for (const f of list) {
    out.push(
      `| \`${f.check}\` | \`${f.operation}\` | \`${f.location || '(response)'}\` | ${(f.inferred?.reason ?? '').replace(/\|/g, '\\|')} | \`${f.inferred?.marking ?? ''}\` | ${f.count} |`,
    );
  }
  return out.join('\n') + '\n';
}
