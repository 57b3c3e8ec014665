import { existsSync, readFileSync } from 'node:fs';
import { CannotRunError } from '../errors.ts';
import type { ContractRules } from '../spec/rules.ts';

/** One token of the matrix: what it was granted and which store it is bound to. */
export interface TokenEntry {
  name: string;
  token: string;
  scopes: string[];
  store: string;
}

/**
 * Reads the token matrix from CONTRACT_TOKENS (inline JSON, for CI secrets) or CONTRACT_TOKENS_FILE, and rejects
 * a matrix the run could only misread. Messages name the token, never its value.
 */
export function readTokens(env: NodeJS.ProcessEnv, rules: ContractRules): TokenEntry[] | undefined {
  const inline = env['CONTRACT_TOKENS'];
  const file = env['CONTRACT_TOKENS_FILE'];
  if (!inline && !file) return undefined;
  const source = inline ? 'CONTRACT_TOKENS' : 'CONTRACT_TOKENS_FILE';
  let text = inline;
  if (!text) {
    if (!existsSync(file!)) throw new CannotRunError(`CONTRACT_TOKENS_FILE: ${file} does not exist`);
    text = readFileSync(file!, 'utf8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CannotRunError(`${source}: not valid JSON — ${(error as Error).message.split('\n')[0]}`);
  }
  return validateTokens(parsed, source, rules);
}

export function validateTokens(parsed: unknown, source: string, rules: ContractRules): TokenEntry[] {
  const list = (parsed as { tokens?: unknown })?.tokens;
  if (!Array.isArray(list) || list.length === 0) {
    throw new CannotRunError(`${source}: expected {"tokens":[{"name","token","scopes","store"}, …]} with at least one token`);
  }
  const names = new Set<string>();
  return list.map((raw, i) => {
    const t = raw as Partial<TokenEntry>;
    const name = typeof t.name === 'string' && t.name ? t.name : `#${i + 1}`;
    if (typeof t.token !== 'string' || !t.token) throw new CannotRunError(`${source}: token '${name}' has no "token" value`);
    if (rules.tokenPrefix && !t.token.startsWith(rules.tokenPrefix)) {
      throw new CannotRunError(
        `${source}: token '${name}' has no ${rules.tokenPrefix} prefix — tokens are issued by the install flow and start with ${rules.tokenPrefix}`,
      );
    }
    if (!Array.isArray(t.scopes) || t.scopes.some((s) => typeof s !== 'string')) {
      throw new CannotRunError(`${source}: token '${name}' needs "scopes": an array of scope names (may be empty)`);
    }
    const unknown = rules.knownScopes ? t.scopes.filter((s) => !rules.knownScopes!.includes(s)) : [];
    if (unknown.length) {
      throw new CannotRunError(`${source}: token '${name}' has unknown scope ${unknown.join(', ')} — the spec knows ${rules.knownScopes!.join(', ')}`);
    }
    if (typeof t.store !== 'string' || !t.store) throw new CannotRunError(`${source}: token '${name}' needs "store": a label of the store it is bound to`);
    if (names.has(name)) throw new CannotRunError(`${source}: two tokens are named '${name}'`);
    names.add(name);
    return { name, token: t.token, scopes: t.scopes, store: t.store };
  });
}
