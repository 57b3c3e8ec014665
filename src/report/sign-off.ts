import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { apiBySpec } from '../config/apis.ts';
import { MANIFEST, readManifest } from '../upstream/manifest.ts';
import type { HtmlExtras } from './html.ts';

/** The suite's own package.json, wherever the run was started from. */
const PACKAGE = resolve(import.meta.dirname, '../../package.json');

/**
 * What a release sign-off names beside the verdict: exactly which spec (its bytes' sha256), how fresh its upstream
 * snapshot is (the newest fetch of spec/upstream/<api>/manifest.json, when the spec is one of spec/apis.json and
 * a pull wrote one), and which version of the suite judged. A file that cannot be read leaves its fact out.
 */
export function signOffFacts(specPath: string, root = process.cwd()): Pick<HtmlExtras, 'tool' | 'specSha256' | 'upstream'> {
  const pkg = attempt(() => JSON.parse(readFileSync(PACKAGE, 'utf8')) as { name?: string; version?: string });
  const specSha256 = attempt(() =>
    createHash('sha256')
      .update(readFileSync(resolve(root, specPath)))
      .digest('hex'),
  );
  const api = attempt(() => apiBySpec(specPath, root));
  const dir = api && join(root, 'spec/upstream', api.name);
  const manifest = dir ? attempt(() => readManifest(dir)) : undefined;
  const fetched = manifest
    ? Object.values(manifest.files)
        .map((f) => f.fetchedAt)
        .sort()
    : [];
  return {
    tool: { name: pkg?.name ?? 'kyc-contract-suite', version: pkg?.version ?? 'unknown' },
    ...(specSha256 ? { specSha256 } : {}),
    ...(dir && fetched.length ? { upstream: { manifest: relative(root, join(dir, MANIFEST)), fetchedAt: fetched.at(-1)!, files: fetched.length } } : {}),
  };
}

function attempt<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
