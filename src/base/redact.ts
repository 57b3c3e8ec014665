/**
 * Credentials never reach output: every string a report, a console line, a replay line or an error message carries
 * passes through a Redactor. Known tokens (and their base64 forms, as a Basic header would carry them) become
 * `<redacted:name>`; anything shaped like a credential — a declared token prefix, a JWT, a long bearer value —
 * keeps a short head and its last four characters: enough to tell two apart, useless to an attacker.
 */
export class Redactor {
  private readonly known: Array<{ value: string; label: string }>;
  /**
   * Altered forms of a known token (its tail changed, cut or extended, its case changed — what the credential
   * probes send): its head, in any case, and whatever token characters follow, shown as `<altered:name>`.
   */
  private readonly near: Array<{ find: RegExp; probe: RegExp; label: string }>;
  private readonly nearMin: number;
  private readonly shaped: RegExp | undefined;
  private readonly prefixes: readonly string[];

  constructor(tokens: ReadonlyArray<{ name: string; token: string }> = [], prefixes: readonly string[] = ['app_']) {
    const variants = tokens
      .filter((t) => t.token.length > 0)
      .flatMap((t) => [...new Set(forms(t.token))].map((value) => ({ value, label: `<redacted:${t.name}>` })));
    // Longest first, so a token that contains another is replaced whole.
    this.known = variants.filter((v) => v.value.length >= 4).sort((a, b) => b.value.length - a.value.length);
    // The head as sent and as a query string carries it (percent-encoded, in either hex case).
    const heads = tokens
      .filter((t) => t.token.length >= NEAR_MIN)
      .flatMap((t) => {
        const head = t.token.slice(0, Math.max(NEAR_MIN - 2, t.token.length - NEAR_SLACK));
        return [...new Set([head, encodeURIComponent(head)])].map((h) => ({ head: escapeRegExp(h), label: `<altered:${t.name}>` }));
      });
    this.near = heads.map(({ head, label }) => ({ find: new RegExp(`${head}[A-Za-z0-9._~+/=%-]*`, 'gi'), probe: new RegExp(head, 'i'), label }));
    this.nearMin = Math.min(...tokens.map((t) => t.token.length - NEAR_SLACK));
    this.prefixes = prefixes.filter((p) => p.length > 0);
    this.shaped = this.prefixes.length ? new RegExp(`(?:${this.prefixes.map(escapeRegExp).join('|')})[A-Za-z0-9_\\-.]{4,}`, 'g') : undefined;
  }

  text(input: string): string {
    // Most bodies hold nothing token-like: a few substring scans are far cheaper than the replacements.
    if (!this.mayHoldSecret(input)) return input;
    let out = input;
    for (const { value, label } of this.known) if (out.includes(value)) out = out.split(value).join(label);
    for (const { find, probe, label } of this.near) if (probe.test(out)) out = out.replace(find, label);
    if (this.shaped) out = out.replace(this.shaped, (token) => (unissued(token) ? token : `${token.slice(0, 4)}…${token.slice(-4)}`));
    return out
      .replace(JWT, (jwt) => (unissued(jwt) ? jwt : `eyJ…${jwt.slice(-4)}`))
      .replace(/((?:Bearer|Basic|Token)\s+)(?!<redacted|[A-Za-z]{0,8}…)([A-Za-z0-9._~+/=-]{12,})/gi, (m, head: string, secret: string) =>
        unissued(secret) ? m : `${head}…${secret.slice(-4)}`,
      );
  }

  /**
   * Whether a string could hold anything `text` would change. Every test is a substring or pattern search, so
   * what holds for a part holds for any string that contains it: one call on several strings joined answers for
   * each of them (the headers of a response, checked at once).
   */
  mayHoldSecret(input: string): boolean {
    return (
      this.prefixes.some((p) => input.includes(p)) ||
      /Bearer|Basic|Token|eyJ/i.test(input) ||
      this.known.some((t) => input.includes(t.value)) ||
      (input.length >= this.nearMin && this.near.some((n) => n.probe.test(input)))
    );
  }

  /** Deep copy with every string redacted (keys included: a server may echo a token as a key). */
  value<T>(input: T): T {
    if (typeof input === 'string') return this.text(input) as T;
    if (Array.isArray(input)) return (input as unknown[]).map((v) => this.value(v)) as T;
    if (input && typeof input === 'object') {
      const out: Record<string, unknown> = {};
      for (const k in input) if (Object.prototype.hasOwnProperty.call(input, k)) setKey(out, this.text(k), this.value((input as Record<string, unknown>)[k]));
      return out as T;
    }
    return input;
  }
}

/** Tokens this long or longer are also recognised altered: all but their last NEAR_SLACK characters, in any case. */
const NEAR_MIN = 8;
const NEAR_SLACK = 2;

/**
 * Every form a token can travel in: as sent, inside a Basic credential (base64, with or without padding), in a
 * URL (a query-string probe percent-encodes `+ / =`, in either hex case, or as a form would), and JSON-escaped.
 */
function forms(token: string): string[] {
  const basic = [token, `${token}:`, `:${token}`].flatMap((v) => {
    const b64 = Buffer.from(v).toString('base64');
    return [b64.replace(/=+$/, ''), Buffer.from(v).toString('base64url')];
  });
  const url = encodeURIComponent(token);
  const form = new URLSearchParams({ t: token }).toString().slice(2);
  const lower = url.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());
  return [token, ...basic, url, form, lower, JSON.stringify(token).slice(1, -1)];
}

/**
 * Marks a credential the suite made up to be refused (an unknown token, a wrong scheme): no secret, so printed in
 * full and a curl line replays it as sent. Matrix tokens are replaced before this is ever asked.
 */
export const UNISSUED = 'unissued';

function unissued(value: string): boolean {
  if (value.includes(UNISSUED)) return true;
  // A Basic credential or a JWT made of one: the mark is inside the base64.
  return value.split('.').some((part) => part.length >= 8 && Buffer.from(part, 'base64').toString('latin1').includes(UNISSUED));
}

/** A JSON Web Token: three base64url parts, the first two JSON objects (`eyJ` is `{"`). */
const JWT = /eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;

/** `out[key] = value`, except that a server-sent key named `__proto__` stays a plain key, not the prototype. */
export function setKey<V>(out: Record<string, V>, key: string, value: V): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
