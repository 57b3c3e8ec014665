import pLimit from 'p-limit';
import { apiByName } from '../config/apis.ts';
import { CannotRunError } from '../errors.ts';
import { loadSpec } from '../spec/load.ts';
import { FETCH_DEFAULTS, type PagesSource } from './apis.ts';
import { fenceOperation, readPage, type PageReading } from './blocks.ts';
import { fetchDoc, type FetchLimits } from './http.ts';
import { indexLinks, pageKey } from './llms-index.ts';
import { readManifest, sha256, type ManifestEntry } from './manifest.ts';
import { nextManifest, unchangedEntry, type Item, type Plan } from './plan.ts';
import { fileNameFor, readSnapshotPages, type SnapshotPage } from './snapshot.ts';

export interface PagesOptions {
  dir: string;
  /** `--index`: another index or a mirror of it. */
  index?: string;
  timeoutMs: number;
  now?: Date;
}

/** A page to fetch: where from, under which name it is known, and its snapshot copy if there is one. */
interface Candidate {
  key: string;
  fetchUrl: string;
  canonical: string;
  snap?: SnapshotPage;
}

/**
 * Plans a pull of a docs site: the index's pages under the API's prefixes and every page already in the
 * snapshot, fetched and compared with the snapshot. Writes nothing.
 */
export async function planPages(api: string, source: PagesSource, o: PagesOptions): Promise<Plan> {
  const indexUrl = o.index ?? source.index;
  if (!indexUrl) {
    throw new CannotRunError(`upstream: no machine-readable index is known for ${api} (${source.docsHost}) — pass --index <url> of an llms.txt-style list of its .md pages`);
  }
  const origin = httpUrl(indexUrl, '--index');
  const limits: FetchLimits = { ...FETCH_DEFAULTS, timeoutMs: o.timeoutMs, maxBytes: FETCH_DEFAULTS.maxPageBytes, allowedHost: origin.host };
  const index = await fetchDoc(indexUrl, limits);
  if (!index.ok) throw new CannotRunError(`upstream: ${indexUrl} (the index) — ${index.problem}; nothing was fetched`);
  const links = indexLinks(index.body.toString('utf8'), indexUrl);
  if (!links.length) throw new CannotRunError(`upstream: ${indexUrl} lists no .md pages — is it an llms.txt-style index? Pass another with --index`);

  const contractPaths = source.keep === 'operations' ? await contractPathsOf(api) : undefined;
  const manifest = readManifest(o.dir);
  const snapshot = readSnapshotPages(o.dir, source.docsHost, manifest);
  const candidates = new Map<string, Candidate>();
  // A mirror (--index elsewhere) serves the docs host's pages under the same paths: they are fetched from it, and
  // known by their docs-host URL, so the snapshot reads the same whichever served it.
  const add = (key: string, snap?: SnapshotPage) => {
    const known = candidates.get(key);
    if (known) return void (known.snap ??= snap);
    candidates.set(key, { key, fetchUrl: new URL(key, origin).href, canonical: `https://${source.docsHost}${key}`, ...(snap ? { snap } : {}) });
  };
  for (const snap of snapshot) if (snap.key && !candidates.get(snap.key)?.snap) add(snap.key, snap);
  for (const link of links) {
    if (link.host !== source.docsHost && link.host !== origin.host) continue;
    const key = pageKey(link);
    if (source.under.some((prefix) => key.startsWith(prefix))) add(key);
  }

  const now = (o.now ?? new Date()).toISOString();
  const limit = pLimit(FETCH_DEFAULTS.concurrency);
  const results = await Promise.all(
    [...candidates.values()].map((c) =>
      limit(async () => {
        const entry = c.snap?.managed ? manifest?.files[c.snap.file] : undefined;
        // Validators only when the file is still what the manifest says: a hand edit must not hide behind a 304.
        const known = entry && entry.sha256 === c.snap?.sha256 ? { ...(entry.etag ? { etag: entry.etag } : {}), ...(entry.lastModified ? { lastModified: entry.lastModified } : {}) } : {};
        return { c, result: await fetchDoc(c.fetchUrl, limits, known) };
      }),
    ),
  );

  const items: Item[] = [];
  const taken = new Set(snapshot.map((s) => s.file));
  const held = new Map<string, string>(); // operation → the pulled file that holds it
  let fetched = 0;
  let ignored = 0;
  for (const { c, result } of results.sort((a, b) => a.c.key.localeCompare(b.c.key))) {
    if (!result.ok) {
      if (c.snap && (result.status === 404 || result.status === 410)) items.push({ kind: 'gone', file: c.snap.file, detail: `${c.fetchUrl} answers ${result.status}` });
      else items.push({ kind: 'failed', url: c.fetchUrl, problem: result.problem });
      continue;
    }
    fetched++;
    const previous = c.snap && manifest?.files[c.snap.file];
    if (result.status === 304 && c.snap && previous) {
      items.push({ kind: 'unchanged', file: c.snap.file, entry: unchangedEntry(previous, { ...previous, ...pick(result) }) });
      hold(held, readPage(c.snap.bytes.toString('utf8')), c.snap.file);
      continue;
    }
    const text = result.body.toString('utf8');
    const reading = readPage(text);
    if (!c.snap && !(source.keep === 'all' || concerns(reading, text, contractPaths!))) {
      ignored++;
      continue;
    }
    if (reading.kind === 'unreadable') {
      items.push({ kind: 'skipped', ...(c.snap ? { file: c.snap.file } : {}), url: c.fetchUrl, reason: reading.reason });
      continue;
    }
    const entry: ManifestEntry = { url: c.canonical, fetchedAt: now, sha256: sha256(result.body), ...pick(result), ...(reading.kind === 'openapi' ? { operations: reading.operations } : {}) };
    if (c.snap && c.snap.sha256 === entry.sha256) items.push({ kind: 'unchanged', file: c.snap.file, entry: unchangedEntry(previous || undefined, entry) });
    else if (c.snap) items.push({ kind: 'changed', file: c.snap.file, bytes: result.body, entry, detail: describeChange(readPage(c.snap.bytes.toString('utf8')), reading) });
    else {
      const file = fileNameFor(c.key, taken);
      taken.add(file);
      items.push({ kind: 'new', file, bytes: result.body, entry, detail: reading.kind === 'openapi' ? reading.operations.join(', ') : 'a page without an OpenAPI block' });
    }
    hold(held, reading, (items.at(-1) as { file: string }).file);
  }

  for (const snap of snapshot) {
    if (snap.key || snap.managed) continue;
    const reading = readPage(snap.bytes.toString('utf8'));
    const op = reading.kind === 'openapi' ? reading.operations.find((o) => held.has(o)) : undefined;
    if (op) items.push({ kind: 'superseded', file: snap.file, detail: `documents ${op}, which ${held.get(op)} now holds as pulled` });
  }
  return { api, dir: o.dir, source: indexUrl, items, fetched, ignored, manifest: nextManifest(api, indexUrl, manifest, items) };
}

function hold(held: Map<string, string>, reading: PageReading, file: string): void {
  if (reading.kind === 'openapi') for (const op of reading.operations) held.set(op, file);
}

/** Whether a page outside the snapshot is about this API: its OpenAPI block (or, cut off, its fence) names a contract path. */
function concerns(reading: PageReading, text: string, paths: ReadonlySet<string>): boolean {
  if (reading.kind === 'openapi') return reading.paths.some((p) => paths.has(p));
  if (reading.kind === 'unreadable') return paths.has(fenceOperation(text)?.path ?? '');
  return false;
}

function describeChange(before: PageReading, after: PageReading): string {
  if (after.kind !== 'openapi') return before.kind === 'openapi' ? 'its OpenAPI block is gone' : 'its text changed';
  const ops = after.operations.join(', ');
  if (before.kind !== 'openapi') return `now a complete OpenAPI block (${ops})`;
  return before.document === after.document ? `its text changed; its OpenAPI block (${ops}) did not` : `its OpenAPI block changed (${ops})`;
}

const pick = (r: { etag?: string; lastModified?: string }) => ({ ...(r.etag ? { etag: r.etag } : {}), ...(r.lastModified ? { lastModified: r.lastModified } : {}) });

export function httpUrl(text: string, flag: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    // reported below
  }
  if (!url || !/^https?:$/.test(url.protocol)) throw new CannotRunError(`upstream: ${flag} ${JSON.stringify(text)} is not an http(s) URL`);
  return url;
}

/** The paths of the API's contract (spec/apis.json): a page naming one of them is one of this API's pages. */
async function contractPathsOf(api: string): Promise<Set<string>> {
  const { doc } = await loadSpec(apiByName(api).spec);
  return new Set(Object.keys(doc.paths ?? {}));
}
