/**
 * A value read from a spec or a JSON body, as text: a string as it is, a number, boolean or bigint as `String` writes
 * it, nothing (null, undefined) as '', anything else (an object or array where a string was expected) as its JSON —
 * never "[object Object]".
 */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null || value === undefined) return '';
  // A function or a symbol (never in parsed JSON or YAML) has no JSON.
  return JSON.stringify(value) ?? '';
}
