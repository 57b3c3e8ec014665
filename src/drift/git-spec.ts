import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { parseDocument } from 'yaml';
import { CannotRunError } from '../base/errors.ts';

/**
 * A spec as it stands at a git ref, written to a folder of its own with every file it reaches at that ref —
 * `$ref`s, examples' `externalValue`s and discriminator mappings, followed from file to file as Redocly's bundler
 * (the loader) follows them — laid out as in the repository: a multi-file spec is compared whole, not its root
 * file against today's copies of the rest. `path` is read as `git show <ref>:<path>` reads it: from the
 * repository's root, or from the current folder when it starts with `./` or `../`. Returns the root file's path.
 */
export function specAtRef(ref: string, path: string, { cwd, label = `git:${ref}:${path}` }: { cwd?: string; label?: string } = {}): string {
  const fail = (why: string): never => {
    throw new CannotRunError(`drift: ${label} — ${why}`);
  };
  const prefix = /^\.\.?\//.test(path) ? git(['rev-parse', '--show-prefix'], label, cwd).toString('utf8').trim() : '';
  const root = posix.normalize(posix.join(prefix, path));
  if (outside(root) || absolute(path)) fail(`${path} is outside the repository: compare files on disk instead`);
  const dir = mkdtempSync(join(tmpdir(), 'drift-git-'));
  try {
    const seen = new Set<string>([root]);
    /** Files still to read: which file named each (none for the root), and whether it is a spec file to follow. */
    let level: Array<{ file: string; from?: string; follow: boolean }> = [{ file: root, follow: true }];
    while (level.length) {
      const contents = readAtRef(ref, level, label, cwd);
      const next: typeof level = [];
      level.forEach(({ file, from, follow }, i) => {
        const bytes = contents[i] ?? fail(from === undefined ? `git has no ${file} at ${ref}` : `${file}, which ${from} refers to, is not in git at ${ref}`);
        const out = join(dir, file);
        mkdirSync(dirname(out), { recursive: true });
        writeFileSync(out, bytes);
        if (!follow) return;
        for (const { target, spec } of fileRefs(bytes.toString('utf8'))) {
          const resolved = posix.normalize(posix.join(posix.dirname(file), target));
          if (absolute(target) || outside(resolved)) fail(`${file} refers to ${target}, outside the repository: compare files on disk instead`);
          if (!seen.has(resolved)) {
            seen.add(resolved);
            next.push({ file: resolved, from: file, follow: spec });
          }
        }
      });
      level = next;
    }
    return join(dir, root);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

const outside = (repoPath: string) => repoPath === '..' || repoPath.startsWith('../') || posix.isAbsolute(repoPath);
const absolute = (path: string) => posix.isAbsolute(path) || /^[A-Za-z]:[\\/]/.test(path);

/**
 * Each file's bytes at the ref, undefined where git has none: one `git cat-file --batch` per round of references,
 * not one process per file (DigitalOcean's spec is ~2,000 files).
 */
function readAtRef(ref: string, files: ReadonlyArray<{ file: string }>, label: string, cwd?: string): Array<Buffer | undefined> {
  const out = git(['cat-file', '--batch'], label, cwd, files.map(({ file }) => `${ref}:${file}\n`).join(''));
  const found: Array<Buffer | undefined> = [];
  let at = 0;
  for (let i = 0; i < files.length; i++) {
    const eol = out.indexOf(10, at);
    const header = out.subarray(at, eol).toString('utf8');
    at = eol + 1;
    // "<oid> blob <size>", the bytes and a newline; anything else ("… missing", a tree, an ambiguous name) is none.
    const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
    if (!m) {
      found.push(undefined);
      continue;
    }
    const size = Number(m[2]);
    found.push(m[1] === 'blob' ? out.subarray(at, at + size) : undefined);
    at += size + 1;
  }
  return found;
}

function git(args: string[], label: string, cwd?: string, input?: string): Buffer {
  try {
    return execFileSync('git', args, {
      maxBuffer: 1 << 30,
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(cwd ? { cwd } : {}),
      ...(input !== undefined ? { input } : {}),
    });
  } catch (error) {
    // git's own reason (not a repository, dubious ownership…), not node's "Command failed".
    const said = String((error as { stderr?: Buffer }).stderr ?? '')
      .trim()
      .split('\n')[0];
    throw new CannotRunError(`drift: ${label} — git could not read it: ${said || (error as Error).message.split('\n')[0]}`);
  }
}

/**
 * The files a spec file names, as Redocly's bundler reads them: `$ref`s (spec files, followed in turn), examples'
 * `externalValue`s and path-like discriminator mappings. Relative paths, taken literally (not percent-decoded);
 * fragments, `http(s)://` URLs and local pointers left out.
 */
export function fileRefs(text: string): Array<{ target: string; spec: boolean }> {
  const doc = parseDocument(text, { uniqueKeys: false });
  // An unreadable file is left for the loader to report, with its line.
  if (doc.errors.length) return [];
  let tree: unknown;
  try {
    tree = doc.toJS({ maxAliasCount: 100_000 });
  } catch {
    return [];
  }
  const found = new Map<string, boolean>();
  const add = (ref: string, spec: boolean) => {
    const file = ref.split('#')[0]!;
    if (file && !/^https?:\/\//i.test(file)) found.set(file, (found.get(file) ?? false) || spec);
  };
  const stack: unknown[] = [tree];
  const seen = new Set<object>();
  while (stack.length) {
    const node = stack.pop();
    if (!node || typeof node !== 'object' || seen.has(node)) continue;
    seen.add(node);
    const record = node as Record<string, unknown>;
    if (typeof record['$ref'] === 'string') add(record['$ref'], true);
    if (typeof record['externalValue'] === 'string') add(record['externalValue'], false);
    const mapping = (record['discriminator'] as { mapping?: unknown } | undefined)?.mapping;
    if (mapping && typeof mapping === 'object') for (const to of Object.values(mapping)) if (typeof to === 'string' && mappingRef(to)) add(to, true);
    for (const v of Object.values(record)) if (v && typeof v === 'object') stack.push(v);
  }
  return [...found].map(([target, spec]) => ({ target, spec }));
}

/** A discriminator mapping value that names a schema by reference, not by component name (Redocly's rule). */
function mappingRef(value: string): boolean {
  return value.startsWith('./') || value.startsWith('../') || value.includes('/');
}
