import pLimit from 'p-limit';
import { apiByName } from '../config/apis.ts';
import { CannotRunError } from '../base/errors.ts';
import { loadSpec } from '../spec/load.ts';
import { FETCH_DEFAULTS, type PagesSource } from './apis.ts';
import { fenceOperation, readPage, type PageReading } from './blocks.ts';
import { fetchDoc, httpUrl, type Fetched, type FetchLimits } from './http.ts';
import { indexLinks, pageKey } from './llms-index.ts';
import { conditionalFor, readManifest, sha256, validatorsOf, type Manifest, type ManifestEntry } from './manifest.ts';
import { nextManifest, unchangedEntry, type Item, type Plan } from './plan.ts';
import { fileNameFor, readSnapshotPages, type SnapshotPage } from './snapshot.ts';

export interface PagesOptions {
  dir: string;
  /** `--index`: another index or a mirror of it. */
  index?: string;
  timeoutMs: number;
  now?: Date;
}

/** A page to fetch: where from, under which URL it is known, and its snapshot copy if there is one. */
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
    throw new CannotRunError(
      `upstream: no machine-readable index is known for ${api} (${source.docsHost}) — pass --index <url> of an llms.txt-style list of its .md pages`,
    );
  }
  const origin = httpUrl(indexUrl, '--index');
  const limits: FetchLimits = { ...FETCH_DEFAULTS, timeoutMs: o.timeoutMs, maxBytes: FETCH_DEFAULTS.maxPageBytes, allowedHost: origin.host };
  const index = await fetchDoc(indexUrl, limits);
  if (!index.ok) throw new CannotRunError(`upstream: ${indexUrl} (the index) — ${index.problem}; nothing was fetched`);
  const links = indexLinks(index.body.toString('utf8'), indexUrl);
  if (!links.length) throw new CannotRunError(`upstream: ${indexUrl} lists no .md pages — is it an llms.txt-style index? Pass another with --index`);

  const manifest = readManifest(o.dir);
  const snapshot = readSnapshotPages(o.dir, source.docsHost, manifest);
  const belongs = await belongsTest(api, source);
  const limit = pLimit(FETCH_DEFAULTS.concurrency);
  const fetched = await Promise.all(
    candidatesOf(links, snapshot, source, origin).map((c) =>
      limit(async () => ({
        c,
        result: await fetchDoc(c.fetchUrl, limits, conditionalFor(c.snap?.managed ? manifest?.files[c.snap.file] : undefined, c.snap?.sha256)),
      })),
    ),
  );
  const { items, held, answered, ignored } = classify(fetched, { manifest, snapshot, belongs, now: (o.now ?? new Date()).toISOString() });
  items.push(...superseded(snapshot, held));
  // Entries of files deleted by hand go: the manifest describes the folder as it is.
  const present = manifest && { ...manifest, files: Object.fromEntries(Object.entries(manifest.files).filter(([f]) => snapshot.some((s) => s.file === f))) };
  return { api, dir: o.dir, source: indexUrl, items, fetched: answered, ignored, manifest: nextManifest(api, indexUrl, present, items) };
}

/**
 * The snapshot's pages and the index's pages under the API's prefixes, once each. A mirror (`--index` elsewhere)
 * serves the docs host's pages under the same paths: they are fetched from it and known by their docs-host URL,
 * so the snapshot reads the same whichever served it. Links to other hosts are not followed.
 */
function candidatesOf(links: URL[], snapshot: SnapshotPage[], source: PagesSource, origin: URL): Candidate[] {
  const candidates = new Map<string, Candidate>();
  const add = (key: string, snap?: SnapshotPage) => {
    if (candidates.has(key)) return;
    candidates.set(key, { key, fetchUrl: new URL(key, origin).href, canonical: `https://${source.docsHost}${key}`, ...(snap ? { snap } : {}) });
  };
  for (const snap of snapshot) if (snap.key) add(snap.key, snap);
  for (const link of links) {
    if (link.host !== source.docsHost && link.host !== origin.host) continue;
    const key = pageKey(link);
    if (source.under.some((prefix) => key.startsWith(prefix))) add(key);
  }
  return [...candidates.values()].sort((a, b) => a.key.localeCompare(b.key));
}

interface Context {
  manifest: Manifest | undefined;
  snapshot: SnapshotPage[];
  belongs: (reading: PageReading, text: string) => boolean;
  now: string;
}

/** Each fetched page against its snapshot copy: unchanged, changed, new, gone, skipped, failed — or not ours. */
function classify(fetched: Array<{ c: Candidate; result: Fetched }>, x: Context) {
  const items: Item[] = [];
  const taken = new Set(x.snapshot.map((s) => s.file));
  const held = new Map<string, string>(); // operation → the pulled file that holds it
  let answered = 0;
  let ignored = 0;
  for (const { c, result } of fetched) {
    if (!result.ok) {
      if (c.snap && (result.status === 404 || result.status === 410))
        items.push({ kind: 'gone', file: c.snap.file, detail: `${c.fetchUrl} answers ${result.status}` });
      else items.push({ kind: 'failed', url: c.fetchUrl, problem: result.problem });
      continue;
    }
    answered++;
    const previous = c.snap && x.manifest?.files[c.snap.file];
    if (result.status === 304 && c.snap && previous) {
      items.push({ kind: 'unchanged', file: c.snap.file, entry: unchangedEntry(previous, { ...previous, ...validatorsOf(result) }) });
      hold(held, readPage(c.snap.bytes.toString('utf8')), c.snap.file);
      continue;
    }
    const text = result.body.toString('utf8');
    const reading = readPage(text);
    if (!c.snap && !x.belongs(reading, text)) {
      ignored++;
      continue;
    }
    if (reading.kind === 'unreadable') {
      items.push({ kind: 'skipped', ...(c.snap ? { file: c.snap.file } : {}), url: c.fetchUrl, reason: reading.reason });
      continue;
    }
    const entry: ManifestEntry = {
      url: c.canonical,
      fetchedAt: x.now,
      sha256: sha256(result.body),
      ...validatorsOf(result),
      ...(reading.kind === 'openapi' ? { operations: reading.operations } : {}),
    };
    const file = c.snap?.file ?? fileNameFor(c.key, taken);
    taken.add(file);
    if (c.snap?.sha256 === entry.sha256) items.push({ kind: 'unchanged', file, entry: unchangedEntry(previous || undefined, entry) });
    else if (c.snap) items.push({ kind: 'changed', file, bytes: result.body, entry, detail: describeChange(readPage(c.snap.bytes.toString('utf8')), reading) });
    else
      items.push({
        kind: 'new',
        file,
        bytes: result.body,
        entry,
        detail: reading.kind === 'openapi' ? reading.operations.join(', ') : 'a page without an OpenAPI block',
      });
    hold(held, reading, file);
  }
  return { items, held, answered, ignored };
}

function hold(held: Map<string, string>, reading: PageReading, file: string): void {
  if (reading.kind === 'openapi') for (const op of reading.operations) held.set(op, file);
}

/**
 * Hand-vendored copies (no manifest entry, no `Source:` line — the seed pages) of an operation a pulled page now
 * holds: drift merges pages in name order, so a stale copy would silently override the fresh page.
 */
function superseded(snapshot: SnapshotPage[], held: Map<string, string>): Item[] {
  return snapshot.flatMap((snap): Item[] => {
    if (snap.key || snap.managed) return [];
    const reading = readPage(snap.bytes.toString('utf8'));
    const op = reading.kind === 'openapi' ? reading.operations.find((o) => held.has(o)) : undefined;
    return op ? [{ kind: 'superseded', file: snap.file, detail: `documents ${op}, which ${held.get(op)} now holds as pulled` }] : [];
  });
}

/**
 * Whether a page outside the snapshot is one of the API's: `all` — every page under its prefixes; `operations` —
 * its OpenAPI block (or, cut off, its fence) names a path of the API's contract (spec/apis.json).
 */
async function belongsTest(api: string, source: PagesSource): Promise<Context['belongs']> {
  if (source.keep === 'all') return () => true;
  const { doc } = await loadSpec(apiByName(api).spec);
  const paths = new Set(Object.keys(doc.paths ?? {}));
  return (reading, text) =>
    reading.kind === 'openapi' ? reading.paths.some((p) => paths.has(p)) : reading.kind === 'unreadable' ? paths.has(fenceOperation(text)?.path ?? '') : false;
}

function describeChange(before: PageReading, after: PageReading): string {
  if (after.kind !== 'openapi') return before.kind === 'openapi' ? 'its OpenAPI block is gone' : 'its text changed';
  const ops = after.operations.join(', ');
  if (before.kind !== 'openapi') return `now a complete OpenAPI block (${ops})`;
  return before.document === after.document ? `its text changed; its OpenAPI block (${ops}) did not` : `its OpenAPI block changed (${ops})`;
}
