import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST, manifestText } from './manifest.ts';
import type { Plan } from './plan.ts';

export interface Applied {
  written: string[];
  removed: string[];
  manifest: boolean;
}

/**
 * Writes a plan into its folder: changed and new files (each through a temporary file and a rename, so a reader
 * never sees half a page), deletions, and the manifest when its text changed. Unchanged files are not touched.
 */
export function applyPlan(plan: Plan): Applied {
  mkdirSync(plan.dir, { recursive: true });
  const written: string[] = [];
  const removed: string[] = [];
  for (const item of plan.items) {
    if (item.kind === 'changed' || item.kind === 'new') {
      atomicWrite(join(plan.dir, item.file), item.bytes);
      written.push(item.file);
    }
    if (item.kind === 'gone' || item.kind === 'superseded') {
      rmSync(join(plan.dir, item.file), { force: true });
      removed.push(item.file);
    }
  }
  const path = join(plan.dir, MANIFEST);
  const text = manifestText(plan.manifest);
  const changed = !existsSync(path) || readFileSync(path, 'utf8') !== text;
  if (changed) atomicWrite(path, text);
  return { written, removed, manifest: changed };
}

function atomicWrite(path: string, content: Buffer | string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}
