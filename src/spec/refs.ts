import { getAt } from './pointer.ts';
import type { OpenApiDocument } from './types.ts';

/** Follows local `$ref`s (after bundling every `$ref` is local) until a concrete object; cycles give up. */
export function deref<T = Record<string, unknown>>(doc: OpenApiDocument, node: unknown): T {
  let current = node;
  for (let hops = 0; hops < 32; hops++) {
    if (!current || typeof current !== 'object' || !('$ref' in current)) return current as T;
    const ref = (current).$ref;
    if (typeof ref !== 'string' || !ref.startsWith('#')) return current as T;
    current = getAt(doc, ref);
  }
  return current as T;
}

/** The `$ref` target pointer of a node, or undefined when the node is inline. */
export function refOf(node: unknown): string | undefined {
  if (node && typeof node === 'object' && '$ref' in node) {
    const ref = (node).$ref;
    if (typeof ref === 'string' && ref.startsWith('#')) return ref.includes('%') ? safeDecode(ref.slice(1)) : ref.slice(1);
  }
  return undefined;
}

function safeDecode(pointer: string): string {
  try {
    return decodeURIComponent(pointer);
  } catch {
    return pointer;
  }
}
