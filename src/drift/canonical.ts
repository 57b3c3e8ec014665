import { createHash } from 'node:crypto';
import { child, isNameMap, isObject, items, keysOf, synthetic, type Side } from './side.ts';

/**
 * What "the same contract" means, in one place. Two nodes are equal when their canonical forms are, and the
 * canonical form erases exactly these differences:
 * - key order, and the order of arrays that are sets (`enum`, `required`, `type`, `oneOf`/`anyOf`/`allOf`,
 *   `parameters`, `tags`, security requirements and their scopes);
 * - `$ref` versus the same thing written inline (a `$ref` with siblings is its target overlaid with them);
 * - OpenAPI 3.0 `nullable` versus 3.1 type arrays (the loader rewrites 3.0 schemas), `type: x` versus `[x]`;
 * - `allOf` versus its branches merged, when they do not contradict each other;
 * - a keyword spelled out with its default value (`deprecated: false`, `required: false`, `minLength: 0`,
 *   `additionalProperties: true`, a parameter's default `style`/`explode`) versus leaving it out.
 * Everything else is a difference the diff must report.
 */

const ABSENT = 'absent';
// One memo per (data, set) flag pair: the same array reached as a set and as a list hashes apart.
const memo = [0, 1, 2, 3].map(() => new WeakMap<object, string>());
const MAX_DEPTH = 64;

/** The canonical hash of a node (`$ref`s followed, allOf merged); equal hashes mean equal contracts there. */
export function hashOf(s: Side | undefined): string {
  return s ? hashAt(s, [], 0) : ABSENT;
}

export function same(a: Side | undefined, b: Side | undefined): boolean {
  return hashOf(a) === hashOf(b);
}

/** The hash of `parent[key]`, where a default spelled out hashes as if the key were absent. */
export function keyHash(parent: Side | undefined, key: string): string {
  const c = child(parent, key);
  if (!c || (parent && isDefault(parent, key, c.node))) return ABSENT;
  return hashOf(c);
}

export function sameKey(a: Side | undefined, b: Side | undefined, key: string): boolean {
  return keyHash(a, key) === keyHash(b, key);
}

function hashAt(s: Side, stack: object[], depth: number): string {
  const node = s.node;
  if (!isObject(node)) return JSON.stringify(node) ?? 'undefined';
  const cache = memo[(s.data ? 1 : 0) + (s.set ? 2 : 0)]!;
  if (!s.origins) {
    const hit = cache.get(node);
    if (hit) return hit;
  }
  if (stack.includes(node) || depth > MAX_DEPTH) return `cycle:${s.ptr}`;
  stack.push(node);
  let out: string;
  if (Array.isArray(node)) {
    const hashes = items(s).map((item) => hashAt(item, stack, depth + 1));
    if (s.set) hashes.sort();
    out = digest((s.set ? 'set:' : 'list:') + hashes.join(','));
  } else {
    const view = s.data ? s : schemaView(s);
    const parts: string[] = [];
    for (const key of keysOf(view).sort()) {
      const c = child(view, key)!;
      if (isDefault(view, key, c.node)) continue;
      parts.push(
        `${JSON.stringify(key)}:${key === 'type' && typeof c.node === 'string' ? digest(`set:${JSON.stringify(c.node)}`) : hashAt(c, stack, depth + 1)}`,
      );
    }
    out = digest(`{${parts.join(',')}}`);
  }
  stack.pop();
  if (!s.origins) cache.set(node, out);
  return out;
}

function digest(text: string): string {
  return text.length < 40 ? text : createHash('sha1').update(text).digest('base64');
}

const FALSE_BY_DEFAULT = new Set([
  'deprecated',
  'readOnly',
  'writeOnly',
  'uniqueItems',
  'allowEmptyValue',
  'allowReserved',
  'nullable',
  'exclusiveMinimum',
  'exclusiveMaximum',
]);
const ZERO_BY_DEFAULT = new Set(['minLength', 'minItems', 'minProperties']);
const EMPTY_LIST_BY_DEFAULT = new Set(['required', 'parameters', 'tags']);

/** Whether `key: value` on this node only spells out what leaving it out means. */
export function isDefault(parent: Side, key: string, value: unknown): boolean {
  if (parent.data || isNameMap(parent.key)) return false;
  if (FALSE_BY_DEFAULT.has(key)) return value === false;
  if (ZERO_BY_DEFAULT.has(key)) return value === 0;
  if (key === 'required' && value === false) return true;
  if (key === 'pattern') return value === ''; // matches every string
  if (EMPTY_LIST_BY_DEFAULT.has(key)) return Array.isArray(value) && value.length === 0;
  if (key === 'properties') return isEmptyObject(value);
  if (key === 'additionalProperties' || key === 'unevaluatedProperties') return value === true || isEmptyObject(value);
  const p = parent.node as Record<string, unknown>;
  if ((key === 'style' || key === 'explode') && typeof p['in'] === 'string') {
    const style = typeof p['style'] === 'string' ? p['style'] : defaultStyle(p['in']);
    return key === 'style' ? value === defaultStyle(p['in']) : value === (style === 'form');
  }
  return false;
}

function isEmptyObject(v: unknown): boolean {
  return isObject(v) && !Array.isArray(v) && Object.keys(v).length === 0;
}

/** OpenAPI: query and cookie parameters default to `form`, path and header to `simple`; `explode` is true for `form`. */
export function defaultStyle(location: unknown): string {
  return location === 'query' || location === 'cookie' ? 'form' : 'simple';
}

const MAX_MERGE_DEPTH = 16;

/**
 * A schema with its `allOf` branches merged into one object — properties and `required` united, each keyword
 * kept with the side it was read from — so `allOf: [$ref Base, {…}]` and the same fields written inline compare
 * equal. Branches that state the same keyword differently cannot be merged: they stay in an `allOf` of what is
 * left, compared branch by branch.
 */
export function schemaView(s: Side, depth = 0): Side {
  if (s.data || !isObject(s.node) || Array.isArray(s.node) || !Array.isArray((s.node as Record<string, unknown>)['allOf']) || depth > MAX_MERGE_DEPTH) return s;
  const rest: Side = { ...s, node: Object.fromEntries(Object.entries(s.node).filter(([k]) => k !== 'allOf')) };
  const branches = [rest, ...items(child(s, 'allOf')).map((b) => schemaView(b, depth + 1))];
  const node: Record<string, unknown> = {};
  const origins = new Map<string, Side>();
  const props: Record<string, unknown> = {};
  const propOrigins = new Map<string, Side>();
  const required = new Map<string, Side>();
  const residual: Side[] = [];
  for (const branch of branches) {
    if (!isObject(branch.node) || Array.isArray(branch.node)) {
      if (branch.node !== true) residual.push(branch); // `false` or a non-schema: kept as it is
      continue;
    }
    for (const key of keysOf(branch)) {
      const c = child(branch, key)!;
      if (key === 'properties' && isObject(c.node) && !Array.isArray(c.node)) {
        for (const name of keysOf(c)) {
          const p = child(c, name)!;
          const prev = propOrigins.get(name);
          if (!prev) {
            props[name] = p.node;
            propOrigins.set(name, p);
          } else if (hashOf(prev) !== hashOf(p)) {
            // Two branches constrain the same property: it must meet both, so it is the allOf of the two.
            const both = [
              ...(prev.virtual === undefined || !Array.isArray((prev.node as Record<string, unknown>)['allOf']) ? [prev] : items(child(prev, 'allOf'))),
              p,
            ];
            const list = {
              ...synthetic(
                prev,
                both.map((x) => x.node),
                new Map(both.map((x, i) => [String(i), x])),
                'allOf',
              ),
              set: true,
            };
            const merged = synthetic(prev, { allOf: list.node }, new Map([['allOf', list]]));
            props[name] = merged.node;
            propOrigins.set(name, { ...merged, virtual: prev.virtual ?? prev.ptr });
          }
        }
      } else if (key === 'required' && Array.isArray(c.node)) {
        for (const item of items(c)) if (typeof item.node === 'string' && !required.has(item.node)) required.set(item.node, item);
      } else if (!origins.has(key)) {
        node[key] = c.node;
        origins.set(key, c);
      } else if (hashOf(origins.get(key)) !== hashOf(c)) residual.push(synthetic(branch, { [key]: c.node }, new Map([[key, c]])));
    }
  }
  if (propOrigins.size) {
    node['properties'] = props;
    origins.set('properties', synthetic(s, props, propOrigins, 'properties'));
  }
  if (required.size) {
    const names = [...required.keys()];
    node['required'] = names;
    origins.set('required', { ...synthetic(s, names, new Map([...required.values()].map((item, i) => [String(i), item])), 'required'), set: true });
  }
  if (residual.length) {
    node['allOf'] = residual.map((r) => r.node);
    origins.set('allOf', { ...synthetic(s, node['allOf'] as unknown[], new Map(residual.map((r, i) => [String(i), r])), 'allOf'), set: true });
  }
  return synthetic(s, node, origins);
}
