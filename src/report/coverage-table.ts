import { CHECKS } from '../checks/catalogue.ts';
import type { SpecModel } from '../checks/types.ts';
import { coverage } from './coverage.ts';

export const COVERAGE_START = '<!-- coverage:start (npm run docs:checks writes this table) -->';
export const COVERAGE_END = '<!-- coverage:end -->';

/**
 * The README's feature table: one row per check, one column per API, saying where it applies there (how many
 * operations or flows), from each spec's declarations. `—`: not applicable to that API (and never counted as passed).
 */
export function coverageTable(apis: Array<{ name: string; spec: SpecModel }>): string {
  const head = `| check | ${apis.map((a) => a.name).join(' | ')} |`;
  const rule = `|---|${apis.map(() => '---:').join('|')}|`;
  const counts = apis.map((a) => coverage(a.spec));
  const rows = CHECKS.map((c) => `| [\`${c.id}\`](docs/checks.md#${c.id}) | ${counts.map((m) => (m.get(c.id) ? `${m.get(c.id)}` : '—')).join(' | ')} |`);
  return [COVERAGE_START, head, rule, ...rows, COVERAGE_END].join('\n');
}

/** A text with its coverage block replaced (or the text as is, when it has none). */
export function withCoverage(text: string, table: string): string {
  const start = text.indexOf(COVERAGE_START);
  const end = text.indexOf(COVERAGE_END);
  if (start < 0 || end < 0) return text;
  return text.slice(0, start) + table + text.slice(end + COVERAGE_END.length);
}
