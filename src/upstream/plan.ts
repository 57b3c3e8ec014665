import type { Manifest, ManifestEntry } from './manifest.ts';

/** What one upstream document means for the snapshot. `--check` reports the plan; `pull` applies it. */
export type Item =
  | { kind: 'unchanged'; file: string; entry: ManifestEntry }
  | { kind: 'changed'; file: string; bytes: Buffer; entry: ManifestEntry; detail: string }
  | { kind: 'new'; file: string; bytes: Buffer; entry: ManifestEntry; detail: string }
  /** In the snapshot, no longer served upstream: the pull deletes it. */
  | { kind: 'gone'; file: string; detail: string }
  /** A hand-vendored copy (no manifest entry, no `Source:`) of an operation a pulled page now holds: deleted, or
   *  drift would merge the stale copy over the fresh one. */
  | { kind: 'superseded'; file: string; detail: string }
  /** Fetched, but not usable as it is (a cut-off OpenAPI block, not an OpenAPI document): the snapshot copy stays. */
  | { kind: 'skipped'; file?: string; url: string; reason: string }
  /** Not fetched: the snapshot copy, if any, stays. */
  | { kind: 'failed'; url: string; problem: string };

export type ItemKind = Item['kind'];

export interface Plan {
  api: string;
  dir: string;
  /** The index or vendor folder read. */
  source: string;
  items: Item[];
  /** Documents that answered (200 or 304); none at all is exit 2. */
  fetched: number;
  /** Index pages fetched that turned out not to be about this API. */
  ignored: number;
  /** The manifest as it will stand after the pull. */
  manifest: Manifest;
}

/** The kinds that make the snapshot differ from upstream. */
export const DIFFERENCES: readonly ItemKind[] = ['changed', 'new', 'gone', 'superseded'];

/** Manifest entries after the plan: written and unchanged files get theirs, deleted ones lose theirs. */
export function nextManifest(api: string, source: string, previous: Manifest | undefined, items: Item[]): Manifest {
  const files: Record<string, ManifestEntry> = { ...previous?.files };
  for (const item of items) {
    if (item.kind === 'unchanged' || item.kind === 'changed' || item.kind === 'new') files[item.file] = item.entry;
    if (item.kind === 'gone' || item.kind === 'superseded') delete files[item.file];
  }
  return { api, source, files };
}

/** An unchanged file keeps the fetch time of its content; fresher validators are taken. */
export function unchangedEntry(previous: ManifestEntry | undefined, fresh: ManifestEntry): ManifestEntry {
  if (!previous || previous.sha256 !== fresh.sha256) return fresh;
  return {
    ...previous,
    ...(fresh.etag ? { etag: fresh.etag } : {}),
    ...(fresh.lastModified ? { lastModified: fresh.lastModified } : {}),
    ...(fresh.operations ? { operations: fresh.operations } : {}),
  };
}
