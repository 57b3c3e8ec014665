import { isDeepStrictEqual } from 'node:util';
import { documentedResponse, type Operation } from './operations.ts';
import { escapeToken, parsePointer } from './pointer.ts';
import type { OpenApiDocument } from './types.ts';

/**
 * `x-volatile` (docs/extensions.md): the places of a response whose value may differ between two identical reads —
 * a per-request id, the server's clock — declared on the document (every response) or on a response object. JSON
 * pointers; `*` stands for any array index or object key, and a pointer covers everything beneath it.
 */
export function volatileFields(doc: OpenApiDocument, op: Operation, status: number): string[] {
  const own = documentedResponse(op, status)?.extensions['x-volatile'];
  return [...((doc['x-volatile'] as string[] | undefined) ?? []), ...((own as string[] | undefined) ?? [])];
}

/** Whether a place of a body is covered by one of these pointers (`*` matches any one token; below counts). */
export function covered(place: string, pointers: readonly string[]): boolean {
  const tokens = parsePointer(place);
  return pointers.some((p) => {
    const pattern = parsePointer(p);
    return pattern.length <= tokens.length && pattern.every((t, i) => t === '*' || t === tokens[i]);
  });
}

/** The leaf places where two JSON values differ (a whole subtree, where one side is not an object like the other). */
export function differingPaths(a: unknown, b: unknown, at = '', out = new Set<string>()): Set<string> {
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) differingPaths((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}/${escapeToken(k)}`, out);
  } else if (!isDeepStrictEqual(a, b)) out.add(at);
  return out;
}

/** Whether two JSON values are the same apart from these places (pointers as `covered` reads them). */
export function sameApart(a: unknown, b: unknown, places: readonly string[]): boolean {
  for (const p of differingPaths(a, b)) if (!covered(p, places)) return false;
  return true;
}
