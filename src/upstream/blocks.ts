import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { rebuildFromUpstream } from '../drift/upstream.ts';

/** What a page says, read the way `npm run drift -- --upstream` reads it. */
export type PageReading =
  /** A complete OpenAPI block: the operations it documents (`GET /kyc/status`) and the document, normalised. */
  | { kind: 'openapi'; operations: string[]; paths: string[]; document: string }
  /** No OpenAPI block at all: a prose page (scopes, overview) — kept whole, ignored by drift. */
  | { kind: 'prose' }
  /** A block drift would skip — cut off, not YAML, without paths: the reason, in drift's words. */
  | { kind: 'unreadable'; reason: string };

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/**
 * Reads one page with drift's own reader (src/drift/upstream.ts), so that a page the pull keeps is a page drift
 * uses, and one it names as cut off is one drift would skip. That reader takes a folder, hence the one-page folder.
 * (A per-page function exported there would spare the folder.)
 */
export function readPage(text: string): PageReading {
  const dir = mkdtempSync(join(tmpdir(), 'upstream-page-'));
  try {
    writeFileSync(join(dir, 'page.md'), text);
    const candidate = rebuildFromUpstream(dir);
    const skipped = candidate.pages.skipped[0];
    if (skipped) return skipped.reason === 'no OpenAPI block' ? { kind: 'prose' } : { kind: 'unreadable', reason: skipped.reason };
    const paths = (parse(candidate.yaml) as { paths?: Record<string, Record<string, unknown>> }).paths ?? {};
    const operations = Object.entries(paths).flatMap(([path, item]) =>
      Object.keys(item ?? {})
        .filter((m) => METHODS.has(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    return { kind: 'openapi', operations, paths: Object.keys(paths), document: candidate.yaml };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The operation a cut-off block is about, from its fence (````yaml GET /kyc/status — the docs generator's label).
 * Only used to tell whether a page drift cannot read concerns this API at all.
 */
export function fenceOperation(text: string): { method: string; path: string } | undefined {
  const m = /^````ya?ml[ \t]+([A-Za-z]+)[ \t]+(\/\S*)/m.exec(text);
  return m ? { method: m[1]!.toUpperCase(), path: m[2]! } : undefined;
}
