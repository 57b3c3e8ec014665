import { escapeToken, getAt } from '../spec/pointer.ts';
import type { OpenApiDocument } from '../spec/types.ts';

/**
 * One node of one of the two documents being compared, with `$ref`s already followed: what the diff walks.
 * `ptr` is where the node is written in its (bundled) document, so a change inside a component referenced by
 * ten operations has one pointer, the place a reviewer would edit.
 */
export interface Side {
  doc: OpenApiDocument;
  node: unknown;
  ptr: string;
  /** The key this node sits under in its parent: decides whether an array is a set (`enum`) or a list. */
  key: string;
  /** Inside example values, defaults, enums and `x-` extensions: data, compared as written (no `$ref`, no sets). */
  data: boolean;
  /** An array whose order means nothing (`enum`, `required`, `oneOf`, `parameters`, security requirements). */
  set?: boolean;
  /** Children that live elsewhere: `$ref` siblings, branches merged from `allOf`. */
  origins?: Map<string, Side>;
  /** The `$ref` targets followed to reach this node. */
  refs?: string[];
  /** Built by the diff (a merged `properties` list): `ptr` names no node; changes are reported at this pointer. */
  virtual?: string;
  /** Where the node is referenced from, when that is not where it is written (`…/responses/400` → a component). */
  site?: string;
}

const MAX_REF_HOPS = 32;
/** Keys whose values are example data or our own rule declarations, never OpenAPI objects. */
const DATA_KEYS = new Set(['example', 'examples', 'default', 'const', 'enum', 'value']);
/** Arrays compared as sets: reordering them changes nothing. */
const SET_KEYS = new Set(['enum', 'required', 'type', 'oneOf', 'anyOf', 'allOf', 'tags', 'security', 'parameters']);
/** Objects whose keys are names (a property called `example` is not an example). */
const NAME_MAPS = new Set([
  'properties',
  'patternProperties',
  'dependentSchemas',
  'dependentRequired',
  '$defs',
  'definitions',
  'schemas',
  'responses',
  'parameters',
  'examples',
  'requestBodies',
  'headers',
  'securitySchemes',
  'links',
  'callbacks',
  'pathItems',
  'paths',
  'content',
  'encoding',
  'variables',
  'mapping',
  'webhooks',
  'scopes',
]);

export function isNameMap(key: string): boolean {
  return NAME_MAPS.has(key);
}

export function isDataKey(key: string, parentKey: string): boolean {
  return !NAME_MAPS.has(parentKey) && (DATA_KEYS.has(key) || key.startsWith('x-'));
}

export function rootSide(doc: OpenApiDocument): Side {
  return { doc, node: doc, ptr: '', key: '', data: false };
}

/** The child under `key`, `$ref` followed, or undefined when the node has none. */
export function child(s: Side | undefined, key: string): Side | undefined {
  if (!s || !isObject(s.node)) return undefined;
  const origin = s.origins?.get(key);
  if (origin) return origin;
  if (!(key in s.node)) return undefined;
  const value = (s.node as Record<string, unknown>)[key];
  if (value === undefined) return undefined;
  if (Array.isArray(s.node)) return resolve({ doc: s.doc, node: value, ptr: `${s.ptr}/${escapeToken(key)}`, key: `${s.key}[]`, data: s.data, set: false });
  // Security requirements map scheme names to scope lists: sets too.
  const set = !s.data && (SET_KEYS.has(key) || s.key === 'security[]') && Array.isArray(value);
  return resolve({ doc: s.doc, node: value, ptr: `${s.ptr}/${escapeToken(key)}`, key, data: s.data || isDataKey(key, s.key), set });
}

/** Follows `$ref` (local, as every ref is after bundling). A `$ref` with siblings is its target overlaid with them. */
export function resolve(s: Side): Side {
  if (s.data) return s;
  let current = s;
  for (let hop = 0; hop < MAX_REF_HOPS; hop++) {
    const ref = refOf(current.node);
    if (ref === undefined) return current;
    const target = getAt(current.doc, ref);
    if (target === undefined) return current; // a $ref to nowhere is compared as written
    const siblings = Object.keys(current.node as object).filter((k) => k !== '$ref');
    const next: Side = { ...current, node: target, ptr: ref, refs: [...(current.refs ?? []), ref], site: current.site ?? current.ptr };
    delete next.origins;
    if (!siblings.length) {
      current = next;
      continue;
    }
    return overlay(resolve(next), current, siblings);
  }
  return current;
}

function overlay(target: Side, site: Side, siblings: string[]): Side {
  if (!isObject(target.node) || Array.isArray(target.node)) return target;
  const origins = new Map(target.origins);
  const node: Record<string, unknown> = { ...(target.node as Record<string, unknown>) };
  for (const key of siblings) {
    node[key] = (site.node as Record<string, unknown>)[key];
    origins.set(key, child(site, key)!);
  }
  for (const key of Object.keys(target.node)) if (!origins.has(key)) origins.set(key, child(target, key)!);
  return { ...site, node, origins, refs: target.refs ?? [] };
}

export function refOf(node: unknown): string | undefined {
  if (!isObject(node) || Array.isArray(node)) return undefined;
  const ref = (node as Record<string, unknown>)['$ref'];
  return typeof ref === 'string' && ref.startsWith('#') ? ref.slice(1) : undefined;
}

export function isObject(v: unknown): v is object {
  return typeof v === 'object' && v !== null;
}

export function isSet(s: Side | undefined): boolean {
  return !!s?.set;
}

export function keysOf(s: Side | undefined): string[] {
  return s && isObject(s.node) && !Array.isArray(s.node) ? Object.keys(s.node) : [];
}

/** Items of an array node as sides (`$ref`s followed). */
export function items(s: Side | undefined): Side[] {
  if (!s || !Array.isArray(s.node)) return [];
  return s.node.map((_, i) => child(s, String(i))!);
}

export function value<T = unknown>(s: Side | undefined): T | undefined {
  return s?.node as T | undefined;
}

/** A side built by the diff itself (a merged `allOf`), whose children come from the sides they were read from. */
export function synthetic(base: Side, node: Record<string, unknown> | unknown[], origins: Map<string, Side>, under?: string): Side {
  if (under === undefined) return { doc: base.doc, node, ptr: base.ptr, key: base.key, data: base.data, origins, ...(base.site ? { site: base.site } : {}) };
  return { doc: base.doc, node, ptr: `${base.ptr}/${under}`, key: under, data: base.data, origins, virtual: base.virtual ?? base.ptr };
}
