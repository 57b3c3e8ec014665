import type { OpenApiDocument } from './types.ts';

/**
 * The values of a path parameter that would send a request to another path of the spec: the literal segments
 * that a sibling path has in the parameter's place, where the two paths agree everywhere else. OpenAPI matches
 * concrete paths before templated ones, and so does Prism: with `/apps/propose` documented, `GET /apps/{id}` with
 * `id=propose` is not a request to `/apps/{id}`, and its answer says nothing about that operation. Methods are not
 * compared: Prism picks the path first (a router that picks by method too loses only a value it could have used).
 */
export function routedElsewhere(doc: OpenApiDocument, path: string, name: string): ReadonlySet<string> {
  let byPath = cache.get(doc);
  if (!byPath) cache.set(doc, (byPath = new Map<string, ReadonlySet<string>>()));
  const key = `${path}\u0000${name}`;
  let found = byPath.get(key);
  if (!found) byPath.set(key, (found = literalsInPlace(Object.keys(doc.paths ?? {}), path, name)));
  return found;
}

const cache = new WeakMap<OpenApiDocument, Map<string, ReadonlySet<string>>>();

function literalsInPlace(paths: readonly string[], path: string, name: string): ReadonlySet<string> {
  const mine = path.split('/');
  // Only a parameter that is a whole segment: `{a}.{b}` or `v{n}` leave the literal to be matched in part.
  const at = mine.indexOf(`{${name}}`);
  const found = new Set<string>();
  if (at < 0) return found;
  const templated = (segment: string) => segment.includes('{');
  for (const other of paths) {
    if (other === path) continue;
    const theirs = other.split('/');
    if (theirs.length !== mine.length || templated(theirs[at]!)) continue;
    // Everywhere else the same: equal literals, or templates on both sides. A literal against a template elsewhere
    // takes the request only for one value of that other parameter, and two templated paths are not ordered.
    if (theirs.every((segment, i) => i === at || segment === mine[i] || (templated(segment) && templated(mine[i]!)))) found.add(theirs[at]!);
  }
  return found;
}
