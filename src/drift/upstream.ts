import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

export interface UpstreamCandidate {
  /** The rebuilt spec, as YAML text. */
  yaml: string;
  pages: { used: string[]; skipped: Array<{ page: string; reason: string }> };
}

/**
 * Rebuilds a candidate spec from doc pages that each carry one operation's OpenAPI document in a ````yaml
 * block (the format of spec/upstream/). A block must be closed within its excerpt: a page cut mid-block is
 * skipped with its reason, never read half — a truncated document parses, and would read as removals.
 */
export function rebuildFromUpstream(folder: string): UpstreamCandidate {
  const merged: { paths: Record<string, object>; components: Record<string, object>; [key: string]: unknown } = { paths: {}, components: {} };
  const used: string[] = [];
  const skipped: Array<{ page: string; reason: string }> = [];
  for (const page of readdirSync(folder)
    .filter((f) => f.endsWith('.md'))
    .sort()) {
    const text = readFileSync(join(folder, page), 'utf8');
    const blocks = text
      .split(/^--- excerpt \d+ ---$/m)
      .map((chunk) => /^````ya?ml[^\n]*\n([\s\S]*?)^````/m.exec(chunk)?.[1])
      .filter((b): b is string => !!b);
    if (!blocks.length) {
      skipped.push({ page, reason: /````ya?ml/.test(text) ? 'its OpenAPI block is cut off (an excerpt)' : 'no OpenAPI block' });
      continue;
    }
    let doc: Record<string, unknown> | null;
    try {
      doc = parse(blocks[0]!) as Record<string, unknown> | null;
    } catch (error) {
      skipped.push({ page, reason: `its OpenAPI block is not valid YAML (${(error as Error).message.split('\n')[0]})` });
      continue;
    }
    if (!doc?.['paths']) {
      skipped.push({ page, reason: 'its OpenAPI block has no paths' });
      continue;
    }
    for (const key of ['openapi', 'info', 'servers', 'security'] as const) merged[key] ??= doc[key];
    for (const [path, item] of Object.entries(doc['paths'] as Record<string, object>)) merged['paths'][path] = { ...merged['paths'][path], ...item };
    for (const [kind, entries] of Object.entries((doc['components'] as Record<string, object>) ?? {})) {
      merged['components'][kind] = { ...merged['components'][kind], ...entries };
    }
    used.push(page);
  }
  return { yaml: stringify(merged, { aliasDuplicateObjects: false }), pages: { used, skipped } };
}
