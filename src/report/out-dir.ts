import { accessSync, constants, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Why `dir` cannot take the reports, or undefined when it can: it is a writable folder, or can be made one under
 * the nearest folder that exists. Asked before a run, because the reports are written at its end: a file in the
 * way would otherwise be a bare EEXIST/ENOTDIR after the whole run, and its verdict lost. Nothing is created here.
 */
export function outDirProblem(dir: string): string | undefined {
  const target = resolve(dir);
  for (let at = target; ; at = dirname(at)) {
    const stat = statOf(at);
    if (stat) {
      if (!stat.isDirectory()) return at === target ? `${dir} is a file, not a folder` : `${dir} cannot be made: ${at} is a file, not a folder`;
      return writable(at) ? undefined : `${at} is not writable`;
    }
    if (dirname(at) === at) return `${dir} cannot be made: nothing of its path exists`;
  }
}

/** A path under a file is ENOTDIR, not missing: either way the search goes on up to what exists. */
function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
