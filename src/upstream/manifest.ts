import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CannotRunError } from '../base/errors.ts';

export const MANIFEST = 'manifest.json';

/** One vendored file: where it came from, when its current content was fetched, and how to tell it changed. */
export interface ManifestEntry {
  url: string;
  /** When the content now on disk was fetched; a pull that finds it unchanged leaves the entry alone. */
  fetchedAt: string;
  /** sha256 of the file's bytes — exactly what upstream served (`sha256sum` agrees). */
  sha256: string;
  etag?: string;
  lastModified?: string;
  /** The operations its OpenAPI block documents, when it has one. */
  operations?: string[];
}

export interface Manifest {
  api: string;
  /** The index or vendor folder the last pull read. */
  source: string;
  files: Record<string, ManifestEntry>;
}

/** The HTTP validators an answer carried, for the manifest. */
export function validatorsOf(r: { etag?: string; lastModified?: string }): Pick<ManifestEntry, 'etag' | 'lastModified'> {
  return { ...(r.etag ? { etag: r.etag } : {}), ...(r.lastModified ? { lastModified: r.lastModified } : {}) };
}

/**
 * The validators to send for a file: those of its manifest entry, but only while the file is still what the entry
 * says — a hand edit must not hide behind a 304.
 */
export function conditionalFor(entry: ManifestEntry | undefined, fileSha256: string | undefined): Pick<ManifestEntry, 'etag' | 'lastModified'> {
  return entry && entry.sha256 === fileSha256 ? validatorsOf(entry) : {};
}

export const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

/** The folder's manifest, if it has one; a broken one is one line saying how to get it back. */
export function readManifest(dir: string): Manifest | undefined {
  const file = join(dir, MANIFEST);
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
    if (typeof parsed?.files !== 'object' || parsed.files === null) throw new Error('no "files" object');
    return parsed;
  } catch (error) {
    throw new CannotRunError(
      `upstream: ${file} is not a manifest (${(error as Error).message.split('\n')[0]}) — restore it with git checkout, or delete it to rebuild it from the pages`,
    );
  }
}

/** Stable text (files sorted, fixed key order), so an unchanged manifest is byte-identical and not rewritten. */
export function manifestText(m: Manifest): string {
  const files = Object.fromEntries(
    Object.keys(m.files)
      .sort()
      .map((name) => {
        const e = m.files[name]!;
        return [
          name,
          {
            url: e.url,
            fetchedAt: e.fetchedAt,
            sha256: e.sha256,
            ...(e.etag ? { etag: e.etag } : {}),
            ...(e.lastModified ? { lastModified: e.lastModified } : {}),
            ...(e.operations?.length ? { operations: e.operations } : {}),
          },
        ];
      }),
  );
  const comment =
    'Written by `npm run upstream -- pull` (docs/upstream.md): per vendored file, its URL, when its content was fetched, the sha256 of its bytes and the HTTP validators. Do not edit.';
  return JSON.stringify({ $comment: comment, api: m.api, source: m.source, files }, null, 2) + '\n';
}
