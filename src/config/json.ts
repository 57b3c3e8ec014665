import { parse, type ParseError } from 'jsonc-parser';
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

/**
 * The offset of the first character that makes `text` not JSON (its length when it ends too early); undefined when
 * no position can be named. V8 names a position for some errors only, and quotes the text in the others; jsonc-parser
 * (VS Code's, strict here: no comments, no trailing commas) names where it stops, as an offset alone.
 */
export function jsonErrorOffset(text: string): number | undefined {
  const errors: ParseError[] = [];
  parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  return errors[0]?.offset;
}
