/**
 * Tokens never reach output: every string a report, a console line, a replay line or an error message carries
 * passes through a Redactor. Known tokens become `<redacted:name>`; anything else shaped like a token keeps its
 * prefix and last four characters, which is enough to tell two tokens apart and useless to an attacker.
 */
export class Redactor {
  private readonly known: Array<{ value: string; label: string }>;
  private readonly shaped: RegExp;

  constructor(tokens: ReadonlyArray<{ name: string; token: string }> = [], private readonly prefix = 'app_') {
    // Longest first, so a token that contains another is replaced whole.
    this.known = tokens
      .filter((t) => t.token.length > 0)
      .map((t) => ({ value: t.token, label: `<redacted:${t.name}>` }))
      .sort((a, b) => b.value.length - a.value.length);
    this.shaped = new RegExp(`${escapeRegExp(prefix)}[A-Za-z0-9_\\-.]{4,}`, 'g');
  }

  text(input: string): string {
    // Most bodies hold nothing token-like: a few substring scans are far cheaper than the replacements.
    if (!this.mayHoldSecret(input)) return input;
    let out = input;
    for (const { value, label } of this.known) out = out.split(value).join(label);
    return out.replace(this.shaped, (token) => `${token.slice(0, 4)}…${token.slice(-4)}`).replace(/(Bearer\s+)(?!<redacted|app_…)([A-Za-z0-9._~+/=-]{12,})/g, (_m, head: string, secret: string) => `${head}…${secret.slice(-4)}`);
  }

  private mayHoldSecret(input: string): boolean {
    return input.includes(this.prefix) || input.includes('Bearer') || this.known.some((t) => input.includes(t.value));
  }

  /** Deep copy with every string redacted (keys included: a server may echo a token as a key). */
  value<T>(input: T): T {
    if (typeof input === 'string') return this.text(input) as T;
    if (Array.isArray(input)) return input.map((v) => this.value(v)) as T;
    if (input && typeof input === 'object') {
      const out: Record<string, unknown> = {};
      for (const k in input) if (Object.prototype.hasOwnProperty.call(input, k)) setKey(out, this.text(k), this.value((input as Record<string, unknown>)[k]));
      return out as T;
    }
    return input;
  }
}

/** `out[key] = value`, except that a server-sent key named `__proto__` stays a plain key, not the prototype. */
export function setKey<V>(out: Record<string, V>, key: string, value: V): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
