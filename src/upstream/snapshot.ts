import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pageKey } from './llms-index.ts';
import { sha256, type Manifest } from './manifest.ts';

/** A page file of the snapshot folder and the docs page it is a copy of, when that is known. */
export interface SnapshotPage {
  file: string;
  bytes: Buffer;
  sha256: string;
  /** Its page key (path on the docs host), from the manifest or — for pages vendored by hand — its `Source:` line. */
  key?: string;
  /** Listed in the manifest: written by a pull. */
  managed: boolean;
}

/**
 * The `*.md` pages of a snapshot folder (what drift reads), each matched to its docs page: by the manifest, or by
 * the first `Source: <url>` line that hand-vendored excerpts start with. Pages on other hosts stay unmatched.
 */
export function readSnapshotPages(dir: string, docsHost: string, manifest: Manifest | undefined): SnapshotPage[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((file) => {
      const bytes = readFileSync(join(dir, file));
      const entry = manifest?.files[file];
      const source = entry?.url ?? /^Source: (\S+)/.exec(bytes.subarray(0, 2048).toString('utf8'))?.[1];
      let key: string | undefined;
      try {
        const url = source ? new URL(source) : undefined;
        if (url?.host === docsHost) key = pageKey(url);
      } catch {
        // Not a URL: the page stays unmatched.
      }
      return { file, bytes, sha256: sha256(bytes), ...(key ? { key } : {}), managed: !!entry };
    });
}

/**
 * A file name for a new page: its last two path segments (`/apps-api/endpoint/kyc/get-kyc-status.md` →
 * `kyc-get-kyc-status.md`, the snapshot's convention), or the whole path when that is taken. Only [a-z0-9._-]:
 * an index is not trusted to name files.
 */
export function fileNameFor(key: string, taken: ReadonlySet<string>): string {
  const segments = key
    .replace(/\.md$/, '')
    .split('/')
    .filter(Boolean)
    .map((s) =>
      s
        .toLowerCase()
        .replace(/[^a-z0-9_]+/g, '-')
        .replace(/^-+|-+$/g, ''),
    )
    .filter(Boolean);
  const short = `${segments.slice(-2).join('-') || 'page'}.md`;
  if (!taken.has(short)) return short;
  const long = `${segments.join('-')}.md`;
  if (!taken.has(long)) return long;
  for (let n = 2; ; n++) if (!taken.has(long.replace(/\.md$/, `-${n}.md`))) return long.replace(/\.md$/, `-${n}.md`);
}
