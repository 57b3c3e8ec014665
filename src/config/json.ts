import { CannotRunError } from '../base/errors.ts';

/**
 * JSON.parse of a user's configuration, refused with where it is wrong and nothing of the text: V8's own message
 * quotes a slice of the input, and the input may be a token matrix.
 */
export function parseConfigJson(text: string, label: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const at = jsonErrorOffset(text);
    const where = at === undefined ? '' : at >= text.length ? ` (it ends early, at ${lineColumn(text, at)})` : ` at ${lineColumn(text, at)}`;
    throw new CannotRunError(`${label}: not valid JSON${where} — fix it there (the text is not shown: it may hold a secret)`);
  }
}

/** `line 3, column 12` of an offset: what an editor jumps to. */
export function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * The offset of the first character that makes `text` not JSON (its length when it ends too early); undefined when
 * it is JSON. V8 names a position for some errors only, so the parser's verdict is found again here.
 */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const skip = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const literal = (word: string): boolean => {
    for (const c of word) {
      if (text[i] !== c) return false;
      i++;
    }
    return true;
  };
  const number = (): boolean => {
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m) i += m[0].length;
    return !!m;
  };
  const string = (): boolean => {
    if (text[i] !== '"') return false;
    for (i++; i < text.length;) {
      const c = text[i]!;
      if (c === '"') return (i++, true);
      if (c < ' ') return false;
      if (c !== '\\') i++;
      else if (text[i + 1] === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
      else if (text[i + 1] !== undefined && '"\\/bfnrt'.includes(text[i + 1]!)) i += 2;
      else return (i++, false);
    }
    return false;
  };
  const members = (close: string, member: () => boolean): boolean => {
    i++;
    skip();
    if (text[i] === close) return (i++, true);
    for (;;) {
      skip();
      if (!member()) return false;
      skip();
      if (text[i] === close) return (i++, true);
      if (text[i] !== ',') return false;
      i++;
    }
  };
  const pair = (): boolean => {
    if (!string()) return false;
    skip();
    if (text[i] !== ':') return false;
    i++;
    return value();
  };
  const value = (): boolean => {
    skip();
    const c = text[i];
    if (c === '{') return members('}', pair);
    if (c === '[') return members(']', value);
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    return number();
  };
  try {
    if (!value()) return i;
  } catch {
    // Nesting deeper than the stack: JSON.parse's own limit, no position to give.
    return undefined;
  }
  skip();
  return i < text.length ? i : undefined;
}
