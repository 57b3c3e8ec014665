import { parsePointer, unescapeToken } from './pointer.ts';
import type { OpenApiDocument } from './types.ts';

export type TimestampRepresentation = 'rfc3339' | 'rfc3339-seconds' | 'epoch-ms' | 'epoch-seconds';

/** `x-negotiated-representations` entries (docs/extensions.md): a request header switches named fields' form. */
export interface NegotiatedRepresentation {
  header: string;
  default: TimestampRepresentation;
  values: Record<string, TimestampRepresentation>;
  fields: string[];
}

/**
 * Where a field's representation is declared: a keyword of its schema (`format`, `x-timestamp`), or a
 * document-level declaration (`/x-timestamps`, `/x-negotiated-representations/0`) — what its basis rests on.
 */
export interface RepresentationRule {
  representation: TimestampRepresentation;
  keyword?: string;
  place?: string;
}

/** A field name against `*_at`-style globs (only `*` is special). */
export function nameMatches(name: string, globs: readonly string[]): boolean {
  return globs.some((g) => new RegExp(`^${g.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(name));
}

/** The name of the field at a body location: its last token that is not an array index. */
export function fieldName(location: string): string | undefined {
  // Read from the end, without splitting: asked of every place of every body.
  let end = location.length;
  while (end > 0) {
    const start = location.lastIndexOf('/', end - 1);
    if (start < 0) return undefined;
    const token = location.slice(start + 1, end);
    if (!INDEX.test(token)) return unescapeToken(token);
    end = start;
  }
  return undefined;
}
const INDEX = /^\d+$/;

export function negotiated(doc: OpenApiDocument): NegotiatedRepresentation[] {
  return (doc['x-negotiated-representations'] as NegotiatedRepresentation[] | undefined) ?? [];
}

/** The value of a header in a request, case-insensitively. */
export function headerValue(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const k in headers) if (k.toLowerCase() === lower) return headers[k];
  return undefined;
}

/**
 * The representation a response field must have: negotiated by a request header when one applies to its name,
 * else declared on its schema (`x-timestamp`), else by the document (`x-timestamps`), else `format: date-time`.
 * `undefined`: not a timestamp.
 */
export function timestampRepresentation(doc: OpenApiDocument, schema: Record<string, unknown>, location: string, requestHeaders: Readonly<Record<string, string>>): RepresentationRule | undefined {
  const name = fieldName(location);
  const rules = negotiated(doc);
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    if (name === undefined || !nameMatches(name, rule.fields)) continue;
    const sent = headerValue(requestHeaders, rule.header);
    const chosen = sent !== undefined && Object.prototype.hasOwnProperty.call(rule.values, sent) ? rule.values[sent]! : rule.default;
    return { representation: chosen, place: `/x-negotiated-representations/${i}` };
  }
  if (typeof schema['x-timestamp'] === 'string') return { representation: schema['x-timestamp'] as TimestampRepresentation, keyword: 'x-timestamp' };
  const declared = doc['x-timestamps'] as { representation: TimestampRepresentation; fields: string[] } | undefined;
  if (declared && name !== undefined && nameMatches(name, declared.fields)) return { representation: declared.representation, place: '/x-timestamps' };
  if (schema['format'] === 'date-time') return { representation: 'rfc3339', keyword: 'format' };
  return undefined;
}

/** Milliseconds since the epoch of a timestamp in any representation; `undefined` when unreadable. */
export function instantOf(value: unknown, representation?: TimestampRepresentation): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) {
    const unit = representation === 'epoch-seconds' ? 1000 : representation === 'epoch-ms' ? 1 : Math.abs(value) >= 1e11 ? 1 : 1000;
    return value * unit;
  }
  if (typeof value === 'string' && value !== '') {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
}

/** The negotiated value a request asked for, per declaration (undefined: the default form). */
export function negotiatedValue(rule: NegotiatedRepresentation, headers: Readonly<Record<string, string>>): string | undefined {
  const sent = headerValue(headers, rule.header);
  return sent !== undefined && Object.prototype.hasOwnProperty.call(rule.values, sent) ? sent : undefined;
}

/** Every (location, value) of the fields a declaration names, anywhere in a body. */
export function negotiatedFields(rule: NegotiatedRepresentation, body: unknown): Array<{ location: string; value: unknown }> {
  const out: Array<{ location: string; value: unknown }> = [];
  const visit = (node: unknown, at: string, depth: number): void => {
    if (!node || typeof node !== 'object' || depth > 32) return;
    for (const [k, v] of Object.entries(node)) {
      const here = `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (!Array.isArray(node) && nameMatches(k, rule.fields) && (v === null || typeof v !== 'object')) out.push({ location: here, value: v });
      else visit(v, here, depth + 1);
    }
  };
  visit(body, '', 0);
  return out;
}

/**
 * A body in a negotiated form, read back into the default one (an RFC 3339 string to epoch milliseconds …), so
 * the schema — written for the default — judges both forms. A value that does not parse is left as it is: the
 * timestamp check says what is wrong with it.
 */
export function toDefaultForm(doc: OpenApiDocument, body: unknown, headers: Readonly<Record<string, string>>): unknown {
  let out = body;
  for (const rule of negotiated(doc)) {
    if (negotiatedValue(rule, headers) === undefined || rule.default === 'rfc3339' || rule.default === 'rfc3339-seconds') continue;
    for (const { location, value } of negotiatedFields(rule, out)) {
      if (typeof value !== 'string') continue;
      const ms = Date.parse(value);
      if (Number.isNaN(ms)) continue;
      if (out === body) out = structuredClone(body);
      setAt(out, location, rule.default === 'epoch-seconds' ? Math.floor(ms / 1000) : ms);
    }
  }
  return out;
}

function setAt(root: unknown, location: string, value: unknown): void {
  const tokens = parsePointer(location);
  let node = root as Record<string, unknown>;
  for (let i = 0; i < tokens.length - 1; i++) node = node[tokens[i]!] as Record<string, unknown>;
  node[tokens[tokens.length - 1]!] = value;
}
