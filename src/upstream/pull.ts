import { CannotRunError } from '../base/errors.ts';
import { UPSTREAM_APIS, type UpstreamApiName } from './apis.ts';
import { applyPlan, type Applied } from './apply.ts';
import { planPages } from './pages.ts';
import type { Plan } from './plan.ts';
import { planVendor } from './vendor.ts';

export interface PullOptions {
  api: string;
  /** The snapshot folder; spec/upstream/<api> by default. */
  dir?: string;
  index?: string;
  source?: string;
  timeoutMs: number;
  /** Compare only: write nothing. */
  check: boolean;
  now?: Date;
}

export const snapshotDir = (api: string) => `spec/upstream/${api}`;

/** Fetches an API's upstream material and compares it with the snapshot; without `check`, writes the difference. */
export async function pull(o: PullOptions): Promise<{ plan: Plan; applied?: Applied }> {
  const names = Object.keys(UPSTREAM_APIS);
  if (!names.includes(o.api))
    throw new CannotRunError(`upstream: --api ${JSON.stringify(o.api)} is not known — one of ${names.join(', ')} (src/upstream/apis.ts)`);
  const source = UPSTREAM_APIS[o.api as UpstreamApiName];
  const dir = o.dir ?? snapshotDir(o.api);
  if (source.kind === 'pages' && o.source)
    throw new CannotRunError(`upstream: --source is for vendor files; ${o.api} is pulled from its docs index — use --index <url>`);
  if (source.kind === 'vendor' && o.index)
    throw new CannotRunError(`upstream: --index is for docs sites; ${o.api} is pulled from its vendor files — use --source <url>`);
  const plan =
    source.kind === 'pages'
      ? await planPages(o.api, source, { dir, timeoutMs: o.timeoutMs, ...(o.index ? { index: o.index } : {}), ...(o.now ? { now: o.now } : {}) })
      : await planVendor(o.api, source, { dir, timeoutMs: o.timeoutMs, ...(o.source ? { source: o.source } : {}), ...(o.now ? { now: o.now } : {}) });
  // Nothing fetched is no evidence of anything: the snapshot stays as it is.
  if (o.check || plan.fetched === 0) return { plan };
  return { plan, applied: applyPlan(plan) };
}

/**
 * What to run to see what a pull changed: drift, for an API whose pages carry its operations' OpenAPI blocks;
 * git, for prose pages and vendor files (no contract of theirs to compare with yet).
 */
export function nextStep(api: string, dir = snapshotDir(api)): string {
  const source = UPSTREAM_APIS[api as UpstreamApiName];
  return source?.kind === 'pages' && source.keep === 'operations' ? `npm run drift -- --upstream ${dir}` : `git diff --stat -- ${dir}`;
}
