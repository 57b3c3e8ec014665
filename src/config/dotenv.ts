import { readFileSync } from 'node:fs';
import { CannotRunError } from '../base/errors.ts';
import { SETTING_NAMES } from './env.ts';

/**
 * Reads an env file strictly and sets what the environment does not already hold. Not process.loadEnvFile: it skips
 * a line it cannot read, so a file of `CONTRACT_BASE_URL: …` lines (or a misspelt name) turned a live run into a
 * mock run that passed.
 */
export function applyEnvFile(path: string, env: NodeJS.ProcessEnv): void {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CannotRunError(
      `${path}: cannot be read as an env file (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}) — check the path and its permissions`,
    );
  }
  for (const [name, value] of parseEnvFile(text, path)) if (env[name] === undefined) env[name] = value;
}

const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/s;
const QUOTES = `"'\``;

/**
 * NAME=VALUE lines (an optional `export `, `#` comments, values optionally quoted — a quoted one may span lines, a
 * double-quoted one reads \n as a newline). Any other line is refused with its number, never its text (it may be a
 * secret); so is a CONTRACT_* name the suite does not read.
 */
export function parseEnvFile(text: string, source: string): Array<[string, string]> {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const out: Array<[string, string]> = [];
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    if (!line.trim() || line.trim().startsWith('#')) continue;
    const m = ASSIGNMENT.exec(line);
    if (!m) throw new CannotRunError(`${source}: line ${n + 1} is not NAME=VALUE — write each setting as NAME=VALUE (# starts a comment)`);
    const name = m[1]!;
    checkName(name, source, n + 1);
    const quote = m[2]!.charAt(0);
    if (!quote || !QUOTES.includes(quote)) {
      out.push([name, m[2]!.replace(/(^|\s+)#.*$/s, '').trim()]);
      continue;
    }
    const start = n;
    let rest = m[2]!.slice(1);
    while (!rest.includes(quote) && n + 1 < lines.length) rest += `\n${lines[++n]}`;
    const close = rest.indexOf(quote);
    if (close < 0) throw new CannotRunError(`${source}: line ${start + 1} opens a quoted value that is never closed — close the quote (${quote})`);
    if (!/^\s*(#.*)?$/s.test(rest.slice(close + 1)))
      throw new CannotRunError(`${source}: line ${n + 1} has text after the closing quote — quote the whole value, or put # before a comment`);
    const value = rest.slice(0, close);
    out.push([name, quote === '"' ? value.replace(/\\n/g, '\n') : value]);
  }
  return out;
}

/**
 * A CONTRACT_* name the suite does not read is a misspelling (CONTRACT_BASEURL) that would silently change the run.
 * `CONTRACT_TOKEN_<NAME>` is how replay curl lines take a token, so those pass — unless they are a setting misspelt.
 */
function checkName(name: string, source: string, line: number): void {
  const upper = name.toUpperCase();
  if (!upper.startsWith('CONTRACT_') || (SETTING_NAMES as readonly string[]).includes(name)) return;
  const [closest, distance] = closestSetting(upper);
  if (upper.startsWith('CONTRACT_TOKEN_') && name === upper && distance > 2) return;
  throw new CannotRunError(
    `${source}: line ${line} sets ${name}, which the suite does not read — did you mean ${closest}? (README, Live mode, lists the settings)`,
  );
}

export function closestSetting(name: string): [string, number] {
  return SETTING_NAMES.map((s): [string, number] => [s, editDistance(name, s)]).reduce((best, next) => (next[1] < best[1] ? next : best));
}

/** Levenshtein distance, one row at a time. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length]!;
}
