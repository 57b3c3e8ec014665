import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { parseDocument } from 'yaml';
import { CannotRunError } from '../base/errors.ts';

/**
 * A spec as it stands at a git ref, written to a folder of its own with every file its `$ref`s reach at that ref
 * (followed from file to file), laid out as in the repository: a multi-file spec is compared whole, not its root
 * file against today's copies of the rest. Returns the root file's path on disk.
 */
export function specAtRef(ref: string, path: string, { cwd, label = `git:${ref}:${path}` }: { cwd?: string; label?: string } = {}): string {
  const root = posix.normalize(path.replace(/^\.\//, ''));
  const dir = mkdtempSync(join(tmpdir(), 'drift-git-'));
  const seen = new Set<string>([root]);
  /** Files still to read, with the file whose `$ref` named them (none for the root). */
  let level: Array<{ file: string; from?: string }> = [{ file: root }];
  while (level.length) {
    const contents = readAtRef(
      ref,
      level.map((l) => l.file),
      cwd,
    );
    const next: typeof level = [];
    level.forEach(({ file, from }, i) => {
      const text = contents[i];
      if (text === undefined)
        throw new CannotRunError(
          from === undefined ? `drift: ${label} — git has no ${file} at ${ref}` : `drift: ${label} — ${file}, which ${from} refers to, is not in git at ${ref}`,
        );
      const out = join(dir, file);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, text);
      for (const target of fileRefs(text)) {
        const resolved = posix.normalize(posix.join(posix.dirname(file), target));
        if (resolved.startsWith('../') || posix.isAbsolute(resolved))
          throw new CannotRunError(`drift: ${label} — ${file} refers to ${target}, outside the repository: compare files on disk instead`);
        if (!seen.has(resolved)) {
          seen.add(resolved);
          next.push({ file: resolved, from: file });
        }
      }
    });
    level = next;
  }
  return join(dir, root);
}

/**
 * Each file's bytes at the ref, undefined where git has none: one `git cat-file --batch` per round of `$ref`s, not
 * one process per file (DigitalOcean's spec is ~2,000 files).
 */
function readAtRef(ref: string, files: readonly string[], cwd?: string): Array<string | undefined> {
  let out: Buffer;
  try {
    out = execFileSync('git', ['cat-file', '--batch'], {
      input: files.map((f) => `${ref}:${f}\n`).join(''),
      maxBuffer: 1 << 30,
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(cwd ? { cwd } : {}),
    });
  } catch (error) {
    throw new CannotRunError(`drift: git:${ref} — git could not read the repository (${String((error as Error).message).split('\n')[0]})`);
  }
  const texts: Array<string | undefined> = [];
  let at = 0;
  for (let i = 0; i < files.length; i++) {
    const eol = out.indexOf(10, at);
    const header = out.subarray(at, eol).toString('utf8');
    at = eol + 1;
    // "<oid> blob <size>" then the bytes and a newline; anything else ("… missing", a tree, an ambiguous name) is none.
    const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
    if (!m) {
      texts.push(undefined);
      continue;
    }
    const size = Number(m[2]);
    texts.push(m[1] === 'blob' ? out.subarray(at, at + size).toString('utf8') : undefined);
    at += size + 1;
  }
  return texts;
}

/** The files a spec file's `$ref`s name (relative paths; fragments, URLs and local pointers left out). */
export function fileRefs(text: string): string[] {
  const doc = parseDocument(text, { uniqueKeys: false });
  // An unreadable file is left for the loader to report, with its line.
  if (doc.errors.length) return [];
  const found = new Set<string>();
  let tree: unknown;
  try {
    tree = doc.toJS({ maxAliasCount: 100_000 });
  } catch {
    return [];
  }
  const stack: unknown[] = [tree];
  const seen = new Set<object>();
  while (stack.length) {
    const node = stack.pop();
    if (!node || typeof node !== 'object' || seen.has(node)) continue;
    seen.add(node);
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') {
        const file = v.split('#')[0]!;
        // Named as the loader (Redocly's bundler) reads it: literally, not percent-decoded.
        if (file && !/^[a-z][a-z0-9+.-]*:/i.test(file)) found.add(file);
      } else if (v && typeof v === 'object') stack.push(v);
    }
  }
  return [...found];
}
