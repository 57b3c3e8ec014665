/**
 * What an HTTP header can carry (RFC 9110 §5.5: a field value is Latin-1 bytes, no control character but an inner
 * tab, and whitespace at either end is not part of it). One rule for the values the suite sends in headers: a token
 * of the matrix, refused at load, and a generated header parameter, never drawn.
 */
const NAMED: Record<string, string> = { '\n': 'a newline', '\r': 'a carriage return', '\t': 'a tab', ' ': 'a space' };

const describe = (c: string) => NAMED[c] ?? `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** What keeps a value out of a header, as the user would see it — never the value itself. */
export function headerProblem(value: string): string | undefined {
  if (/^\s/.test(value)) return `starts with ${describe(value[0]!)}`;
  if (/\s$/.test(value)) return `ends with ${describe(value.at(-1)!)}`;
  const control = /[\x00-\x08\x0a-\x1f\x7f]/.exec(value);
  if (control) return `contains ${NAMED[control[0]] ?? `a control character (${describe(control[0])})`}`;
  return undefined;
}

/** A character beyond Latin-1 (a zero-width space pasted with a token) cannot go into a header at all. */
export function beyondLatin1(value: string): string | undefined {
  const wide = /[^\x00-\xff]/u.exec(value);
  return wide ? `contains ${describe(wide[0])}, a character beyond Latin-1` : undefined;
}

/** Whether a header can carry the value unchanged. */
export function carriedByHeader(value: string): boolean {
  return value !== '' && headerProblem(value) === undefined && beyondLatin1(value) === undefined;
}
