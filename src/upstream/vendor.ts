import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { FETCH_DEFAULTS, type VendorSource } from './apis.ts';
import { fetchDoc, httpUrl } from './http.ts';
import { conditionalFor, readManifest, sha256, validatorsOf, type ManifestEntry } from './manifest.ts';
import { nextManifest, unchangedEntry, type Item, type Plan } from './plan.ts';

export interface VendorOptions {
  dir: string;
  /** `--source`: the folder of the vendor files, or one file in it (its siblings are fetched beside it). */
  source?: string;
  timeoutMs: number;
  now?: Date;
}

/** Plans a pull of a vendor's own files (Sumvin's OpenAPI document, PIN, SOURCE.md): fetched, compared byte for byte. */
export async function planVendor(api: string, vendor: VendorSource, o: VendorOptions): Promise<Plan> {
  const from = httpUrl(o.source ?? vendor.from, '--source');
  const manifest = readManifest(o.dir);
  const now = (o.now ?? new Date()).toISOString();
  const limit = pLimit(FETCH_DEFAULTS.concurrency);
  const results = await Promise.all(
    vendor.files.map((f) =>
      limit(async () => {
        const url = new URL(f.name, from);
        const path = join(o.dir, f.name);
        const local = existsSync(path) ? readFileSync(path) : undefined;
        const entry = manifest?.files[f.name];
        const known = conditionalFor(entry, local && sha256(local));
        const limits = { ...FETCH_DEFAULTS, timeoutMs: o.timeoutMs, maxBytes: FETCH_DEFAULTS.maxVendorBytes, allowedHost: url.host };
        return { f, url: url.href, local, previous: entry, result: await fetchDoc(url.href, limits, known) };
      }),
    ),
  );
  const items: Item[] = [];
  let fetched = 0;
  for (const { f, url, local, previous, result } of results) {
    if (!result.ok) {
      items.push({ kind: 'failed', url, problem: result.problem });
      continue;
    }
    fetched++;
    if (result.status === 304 && previous) {
      items.push({ kind: 'unchanged', file: f.name, entry: unchangedEntry(previous, { ...previous, ...validatorsOf(result) }) });
      continue;
    }
    const problem = f.kind === 'openapi-json' ? notOpenApi(result.body) : undefined;
    if (problem) {
      items.push({ kind: 'skipped', file: f.name, url, reason: problem });
      continue;
    }
    const entry: ManifestEntry = { url, fetchedAt: now, sha256: sha256(result.body), ...validatorsOf(result) };
    if (!local) items.push({ kind: 'new', file: f.name, bytes: result.body, entry, detail: 'not in the snapshot yet' });
    else if (sha256(local) === entry.sha256) items.push({ kind: 'unchanged', file: f.name, entry: unchangedEntry(previous, entry) });
    else items.push({ kind: 'changed', file: f.name, bytes: result.body, entry, detail: whatChanged(f.kind, local, result.body) });
  }
  return { api, dir: o.dir, source: from.href, items, fetched, ignored: 0, manifest: nextManifest(api, from.href, manifest, items) };
}

/**
 * The backstop Sumvin's own SOURCE.md asks for: a fetch can succeed with an empty or wrapped payload, so the
 * document must at least look like OpenAPI before it replaces ours.
 */
function notOpenApi(body: Buffer): string | undefined {
  try {
    const doc = JSON.parse(body.toString('utf8')) as { openapi?: unknown; paths?: unknown };
    if (typeof doc.openapi !== 'string' || typeof doc.paths !== 'object' || doc.paths === null)
      return 'not an OpenAPI document (no openapi version or no paths) — kept ours; check --source';
    return undefined;
  } catch (error) {
    return `not JSON (${(error as Error).message.split('\n')[0]}) — cut off, or not the document; kept ours`;
  }
}

/** One short phrase: a one-line file's old → new value (a PIN), or an OpenAPI document's version and size. */
function whatChanged(kind: 'openapi-json' | 'text', before: Buffer, after: Buffer): string {
  if (kind === 'openapi-json') {
    const sum = (b: Buffer) => {
      const doc = JSON.parse(b.toString('utf8')) as { info?: { version?: string }; paths?: Record<string, object> };
      const ops = Object.values(doc.paths ?? {}).reduce(
        (n, item) => n + Object.keys(item).filter((k) => /^(get|put|post|delete|options|head|patch|trace)$/.test(k)).length,
        0,
      );
      return `${doc.info?.version ?? '?'} (${ops} operations)`;
    };
    try {
      return `${sum(before)} → ${sum(after)}`;
    } catch {
      return 'its content changed';
    }
  }
  const [a, b] = [before.toString('utf8').trim(), after.toString('utf8').trim()];
  return !a.includes('\n') && !b.includes('\n') && a.length <= 80 && b.length <= 80 ? `${a} → ${b}` : 'its text changed';
}
