import type { Applied } from './apply.ts';
import { DIFFERENCES, type Item, type ItemKind, type Plan } from './plan.ts';

export interface Rendered {
  /** The report: what differs, and what to run next. */
  out: string[];
  /** One line per document that could not be fetched or used: which URL, what happened, what to do. */
  err: string[];
  code: 0 | 1 | 2;
}

/**
 * Exit code, from the plan alone: 2 — nothing could be fetched; 1 — something needs a look (a document not
 * fetched or not usable; with --check, any difference from the snapshot); 0 — complete, and (with --check) identical.
 */
export function exitCode(plan: Plan, check: boolean): 0 | 1 | 2 {
  if (plan.fetched === 0) return 2;
  if (plan.items.some((i) => i.kind === 'failed' || i.kind === 'skipped')) return 1;
  return check && plan.items.some((i) => DIFFERENCES.includes(i.kind)) ? 1 : 0;
}

export interface RenderOptions {
  check: boolean;
  applied?: Applied;
  /** The pull command with the user's flags, for the next-step line. */
  pullCommand: string;
  /** How to see what the change means (drift), for the next-step line. */
  driftCommand: string;
}

export function renderPlan(plan: Plan, o: RenderOptions): Rendered {
  const code = exitCode(plan, o.check);
  const of = (kind: ItemKind) => plan.items.filter((i) => i.kind === kind);
  const err = plan.items.flatMap((i) =>
    i.kind === 'failed'
      ? [`upstream: ${i.url} — ${i.problem}`]
      : i.kind === 'skipped'
        ? [
            `upstream: ${i.url} — skipped: ${i.reason}; ${i.file ? `the snapshot copy ${i.file} is kept` : 'not added to the snapshot'} — pull again later, or tell the docs' owners`,
          ]
        : [],
  );
  if (code === 2) {
    err.push(
      `upstream: nothing could be fetched from ${plan.source}${plan.items.length ? '' : ' (no page to fetch: the index lists none for this API and the snapshot has none)'} — ${plan.dir} is untouched`,
    );
    return { out: [], err, code };
  }
  const ignored = plan.ignored ? `, ${plan.ignored} not about this API` : '';
  const out = [`upstream ${plan.api}: ${plan.source} → ${plan.dir} (${plan.fetched} fetched${ignored})`];
  for (const kind of DIFFERENCES) {
    for (const i of of(kind) as Array<Extract<Item, { kind: 'changed' | 'new' | 'gone' | 'superseded' }>>)
      out.push(`  ${kind.padEnd(10)}  ${i.file} — ${i.detail}`);
  }
  const unchanged = of('unchanged') as Array<Extract<Item, { kind: 'unchanged' }>>;
  if (unchanged.length) out.push(`  ${'unchanged'.padEnd(10)}  ${unchanged.map((i) => i.file).join(', ')}`);

  const differences = DIFFERENCES.map((k) => [k, of(k).length] as const).filter(([, n]) => n);
  const counted = differences.map(([k, n]) => `${n} ${k}`).join(', ');
  const incomplete = err.length ? `; ${err.length} document(s) not fetched or not usable (stderr) — their snapshot copies are kept` : '';
  if (o.check) {
    out.push(
      differences.length
        ? `upstream differs from ${plan.dir}: ${counted}${incomplete} — write it with \`${o.pullCommand}\`, then \`${o.driftCommand}\` says what changed`
        : `${plan.dir} matches upstream${incomplete}`,
    );
  } else if (o.applied && (o.applied.written.length || o.applied.removed.length)) {
    out.push(
      `wrote ${o.applied.written.length} file(s), removed ${o.applied.removed.length}, manifest ${o.applied.manifest ? 'updated' : 'unchanged'} (${counted})${incomplete} — what it means: \`${o.driftCommand}\``,
    );
  } else {
    out.push(`${plan.dir} is up to date: nothing written${o.applied?.manifest ? ' (manifest refreshed)' : ''}${incomplete}`);
  }
  return { out, err, code };
}
