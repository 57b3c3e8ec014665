/** RFC 6901 JSON pointers: the one way this project addresses a place in a spec or a body. */
export function escapeToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** A token of a JSON pointer as the name it stands for (RFC 6901: `~1` is `/`, then `~0` is `~`). */
export function unescapeToken(token: string): string {
  return token.includes('~') ? token.replace(/~1/g, '/').replace(/~0/g, '~') : token;
}

export function pointer(...tokens: Array<string | number>): string {
  return tokens.map((t) => '/' + escapeToken(t)).join('');
}

// Spec pointers repeat on every exchange; decoding them again each time showed up in profiles.
const parsed = new Map<string, readonly string[]>();
const PARSED_MAX = 50_000;

export function parsePointer(ptr: string): readonly string[] {
  let tokens = parsed.get(ptr);
  if (!tokens) {
    if (parsed.size >= PARSED_MAX) parsed.clear();
    parsed.set(ptr, (tokens = decodePointer(ptr)));
  }
  return tokens;
}

/** Plain pointers as RFC 6901 writes them; a `#…` URI fragment (a `$ref`) is percent-decoded first. */
function decodePointer(ptr: string): string[] {
  if (ptr === '' || ptr === '#') return [];
  const fragment = ptr.startsWith('#');
  return (fragment ? ptr.slice(1) : ptr)
    .split('/')
    .slice(1)
    .map((t) => unescapeToken(fragment ? safeDecode(t) : t));
}

function safeDecode(token: string): string {
  try {
    return decodeURIComponent(token);
  } catch {
    return token;
  }
}

export function getAt(root: unknown, ptr: string): unknown {
  let node: unknown = root;
  for (const token of parsePointer(ptr)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}

/** Values at a pointer whose tokens may be `*` (every array item / object value). */
export function getAll(root: unknown, ptr: string): unknown[] {
  let nodes: unknown[] = [root];
  for (const token of parsePointer(ptr)) {
    const next: unknown[] = [];
    for (const node of nodes) {
      if (node === null || typeof node !== 'object') continue;
      if (token === '*') next.push(...Object.values(node as Record<string, unknown>));
      else if (token in (node)) next.push((node as Record<string, unknown>)[token]);
    }
    nodes = next;
  }
  return nodes;
}

/** A body location with its array indices folded to `*`: the pattern one finding stands for (`/data/roles/<i>/shop` becomes `/data/roles/*` + `/shop`). */
export function foldIndices(location: string): string {
  let out = folded.get(location);
  if (out === undefined) {
    if (folded.size >= PARSED_MAX) folded.clear();
    folded.set(location, (out = location.replace(/\/\d+(?=\/|$)/g, '/*')));
  }
  return out;
}
// Asked of every place of every body observed; the places of one operation's bodies are few.
const folded = new Map<string, string>();
