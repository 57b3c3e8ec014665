import { existsSync, readFileSync } from 'node:fs';
import { CannotRunError } from '../base/errors.ts';
import { parseConfigJson } from './json.ts';
import { beyondLatin1, headerProblem } from '../base/header-value.ts';
import type { ContractRules } from '../spec/rules.ts';

/** One identity of the matrix: its credential, the scheme it is for, what it was granted, its tenant, its values. */
export interface TokenEntry {
  name: string;
  token: string;
  /** A `securitySchemes` name of the spec. */
  scheme: string;
  scopes: string[];
  /** Its tenant label (a store, an organization); a token without one is its own tenant. */
  store: string;
  /** Known values bound to this identity, for inputs the spec marks `x-identity-value`. */
  values: Record<string, unknown>;
}

/** Where the matrix came from, for replay lines: a file path, or the variable holding it inline. */
export type TokenSource = { file: string } | { variable: 'CONTRACT_TOKENS' };

/**
 * Reads the token matrix from CONTRACT_TOKENS (inline JSON, for CI secrets) or CONTRACT_TOKENS_FILE, and rejects
 * a matrix the run could only misread. Messages name the token, never its value.
 */
export function readTokens(
  env: NodeJS.ProcessEnv,
  rules: ContractRules,
  schemesInUse: readonly string[] = Object.keys(rules.schemes),
): TokenEntry[] | undefined {
  const source = tokenSource(env);
  if (!source) return undefined;
  const label = 'file' in source ? 'CONTRACT_TOKENS_FILE' : 'CONTRACT_TOKENS';
  let text: string;
  if ('file' in source) {
    if (!existsSync(source.file))
      throw new CannotRunError(`CONTRACT_TOKENS_FILE: ${source.file} does not exist (copy tokens.example.json and fill in real tokens)`);
    text = readFileSync(source.file, 'utf8');
  } else text = env['CONTRACT_TOKENS']!;
  return validateTokens(parseConfigJson(text, label), label, rules, schemesInUse);
}

export function tokenSource(env: NodeJS.ProcessEnv): TokenSource | undefined {
  if (env['CONTRACT_TOKENS']?.trim()) return { variable: 'CONTRACT_TOKENS' };
  const file = env['CONTRACT_TOKENS_FILE']?.trim();
  return file ? { file } : undefined;
}

/** Values people leave in a copied example file: a run with them only produces 401s blamed on the API. */
const PLACEHOLDER = /REPLACE|CHANGE_?ME|YOUR[_-]|<[^>]*>|^x+$|^\.\.\.$|xxxx|example|placeholder/i;

export function validateTokens(
  parsed: unknown,
  source: string,
  rules: ContractRules,
  schemesInUse: readonly string[] = Object.keys(rules.schemes),
): TokenEntry[] {
  const list = (parsed as { tokens?: unknown })?.tokens;
  if (!Array.isArray(list) || list.length === 0) {
    throw new CannotRunError(`${source}: expected {"tokens":[{"name","token","scheme"?,"scopes"?,"store"?,"values"?}, …]} with at least one token`);
  }
  const names = new Set<string>();
  const values = new Map<string, string>();
  return list.map((raw, i) => {
    const t = (raw ?? {}) as Partial<TokenEntry> & Record<string, unknown>;
    const name = typeof t.name === 'string' && t.name ? t.name : `#${i + 1}`;
    if (names.has(name)) throw new CannotRunError(`${source}: two tokens are named '${name}'`);
    names.add(name);
    if (typeof t.token !== 'string' || !t.token) throw new CannotRunError(`${source}: token '${name}' has no "token" value`);
    const unsendable = headerProblem(t.token) ?? beyondLatin1(t.token);
    if (unsendable) throw new CannotRunError(`${source}: token '${name}' ${unsendable} — remove it (a header cannot carry it: every request would fail)`);
    const scheme = schemeOf(t, name, source, rules, schemesInUse);
    const prefix = rules.schemes[scheme]?.tokenPrefix;
    if (prefix && !t.token.startsWith(prefix)) {
      throw new CannotRunError(`${source}: token '${name}' has no ${prefix} prefix — credentials of ${scheme} start with ${prefix}`);
    }
    if (PLACEHOLDER.test(prefix ? t.token.slice(prefix.length) : t.token)) {
      throw new CannotRunError(
        `${source}: token '${name}' is a placeholder, not a credential — put a real ${scheme} credential in it (the example file only shows the shape)`,
      );
    }
    const twin = values.get(t.token);
    if (twin)
      throw new CannotRunError(
        `${source}: tokens '${twin}' and '${name}' hold the same value — each entry must be a distinct credential (the scope and tenant checks compare them)`,
      );
    values.set(t.token, name);
    const scopes = t.scopes ?? [];
    if (!Array.isArray(scopes) || scopes.some((s) => typeof s !== 'string'))
      throw new CannotRunError(`${source}: token '${name}' has "scopes" that is not an array of scope names`);
    const known = rules.schemes[scheme]?.scopes;
    const unknown = known ? scopes.filter((s) => !known.includes(s)) : [];
    if (unknown.length) throw new CannotRunError(`${source}: token '${name}' has unknown scope ${unknown.join(', ')} — ${scheme} knows ${known!.join(', ')}`);
    if (t.store !== undefined && (typeof t.store !== 'string' || !t.store))
      throw new CannotRunError(`${source}: token '${name}' has a "store" that is not a non-empty label`);
    if (t.values !== undefined && (typeof t.values !== 'object' || t.values === null || Array.isArray(t.values)))
      throw new CannotRunError(`${source}: token '${name}' has "values" that is not an object of known values`);
    for (const [key, value] of Object.entries(t.values ?? {})) {
      const problem = typeof value === 'string' ? headerProblem(value) : undefined;
      if (problem)
        throw new CannotRunError(
          `${source}: token '${name}' has values.${key} that ${problem} — remove it (an input bound to it may be a header, which cannot carry it)`,
        );
    }
    const extra = Object.keys(t).filter((k) => !['name', 'token', 'scheme', 'scopes', 'store', 'values'].includes(k));
    if (extra.length)
      throw new CannotRunError(
        `${source}: token '${name}' has unknown key ${extra.map((k) => JSON.stringify(k)).join(', ')} — a token has name, token, scheme, scopes, store, values`,
      );
    return { name, token: t.token, scheme, scopes, store: t.store ?? `token:${name}`, values: t.values ?? {} };
  });
}

function schemeOf(t: Partial<TokenEntry>, name: string, source: string, rules: ContractRules, inUse: readonly string[]): string {
  const all = Object.keys(rules.schemes);
  if (t.scheme !== undefined) {
    if (typeof t.scheme !== 'string' || !rules.schemes[t.scheme])
      throw new CannotRunError(
        `${source}: token '${name}' is for scheme ${JSON.stringify(t.scheme)}, which the spec does not define — one of ${all.join(', ') || '(none)'}`,
      );
    return t.scheme;
  }
  const candidates = inUse.length ? inUse : all;
  if (candidates.length === 1) return candidates[0]!;
  throw new CannotRunError(`${source}: token '${name}' needs "scheme": the operations accept ${candidates.join(', ')}`);
}
