import { escapeToken, getAt } from './pointer.ts';
import { eitherInferred, type Basis, type Provenance, DOCUMENTED } from './provenance.ts';
import { refOf } from './refs.ts';
import type { OpenApiDocument } from './types.ts';
import type { Validators } from './validators.ts';

type Schema = Record<string, unknown>;

/** What walking a body needs of the spec: the document, its validators (to pick a oneOf branch) and provenance. */
export interface WalkContext {
  doc: OpenApiDocument;
  validators: Validators;
  provenance: Provenance;
}

export interface Visit {
  /** The schema at this place, `$ref`s followed and `allOf` merged. */
  schema: Schema;
  value: unknown;
  /** JSON pointer into the body. */
  location: string;
  /** Whether the property exists in its parent object (false: omitted). */
  present: boolean;
  /** The basis of everything this schema node states, inherited along the walk (ref sites, enclosing schemas). */
  inherited: Basis;
  /** Where each keyword of `schema` is written in the document (an `allOf` branch, a `$ref` target). */
  keywordAt: ReadonlyMap<string, string>;
  /** Which `required` list names each required property (allOf branches may split them). */
  requiredAt: ReadonlyMap<string, string>;
}

/**
 * The basis of one keyword at a visited place: inferred when the keyword itself is marked, or when anything the
 * place inherits is. Every field-level check asks this before it reports.
 */
export function keywordBasis(ctx: WalkContext, visit: Visit, keyword: string, property?: string): Basis {
  // "`name` is required" rests on the list that names it, which an allOf may have split from the others.
  const at = keyword === 'required' && property !== undefined ? (visit.requiredAt.get(property) ?? visit.keywordAt.get(keyword)) : visit.keywordAt.get(keyword);
  return eitherInferred(visit.inherited, at === undefined ? DOCUMENTED : ctx.provenance.at(`${at}/${escapeToken(keyword)}`));
}

/**
 * Walks a body alongside its schema, visiting every (schema node, value) pair — including properties the schema
 * names but the body omits — so the field-level checks read what the spec says about each place without
 * re-implementing `$ref`/`allOf` resolution. `oneOf`/`anyOf` are walked into the branch the value validates
 * against (none: the schema check says so, and nothing beneath is judged). Walked once per body and schema.
 */
export function walk(ctx: WalkContext, schemaPointer: string, body: unknown): readonly Visit[] {
  if (!body || typeof body !== 'object') return walkFrom(ctx, schemaPointer, body);
  let bySchema = walks.get(body);
  if (!bySchema) walks.set(body, (bySchema = new Map<string, Visit[]>()));
  let visits = bySchema.get(schemaPointer);
  if (!visits) bySchema.set(schemaPointer, (visits = walkFrom(ctx, schemaPointer, body)));
  return visits;
}

const walks = new WeakMap<object, Map<string, Visit[]>>();

function walkFrom(ctx: WalkContext, schemaPointer: string, body: unknown): Visit[] {
  const visits: Visit[] = [];
  walkNode(ctx, schemaPointer, body, '', true, ctx.provenance.at(schemaPointer), 0, visits);
  return visits;
}

/** A schema place resolved once per document: its merged schema, where each keyword and property comes from. */
interface Resolved {
  schema: Schema;
  keywordAt: Map<string, string>;
  /** The ref sites and targets passed through: their markings apply to this place. */
  sites: string[];
  /** The first inferred basis among `sites` (else documented), once known. */
  sitesBasis?: Basis;
  properties: Array<{ name: string; token: string; pointer: string }>;
  /** Which node's `required` list names each required property (allOf branches split documented from inferred). */
  requiredAt: Map<string, string>;
  /** Branch pointers of a `oneOf`/`anyOf`, to be picked by the value. */
  branches: string[];
  items?: string;
  additional?: string;
}

const resolvedByDoc = new WeakMap<OpenApiDocument, Map<string, Resolved | null>>();

function resolve(doc: OpenApiDocument, pointer: string): Resolved | null {
  let cache = resolvedByDoc.get(doc);
  if (!cache) resolvedByDoc.set(doc, (cache = new Map<string, Resolved | null>()));
  let r = cache.get(pointer);
  if (r === undefined) cache.set(pointer, (r = resolveUncached(doc, pointer)));
  return r;
}

function resolveUncached(doc: OpenApiDocument, pointer: string): Resolved | null {
  const sites: string[] = [];
  const target = followRefs(doc, pointer, sites);
  if (!target) return null;
  const r: Resolved = { schema: {}, keywordAt: new Map(), sites, properties: [], branches: [], requiredAt: new Map() };
  merge(doc, target.pointer, target.node, r, 0);
  return r;
}

/** Follows `$ref`s from a place, noting every site passed; the concrete schema and where it lives. */
function followRefs(doc: OpenApiDocument, pointer: string, sites: string[]): { pointer: string; node: Schema } | undefined {
  let here = pointer;
  let node = getAt(doc, pointer);
  for (let hops = 0; hops < 32; hops++) {
    if (!node || typeof node !== 'object') return undefined;
    sites.push(here);
    const ref = refOf(node);
    if (ref === undefined) return { pointer: here, node: node as Schema };
    here = ref;
    node = getAt(doc, ref);
  }
  return undefined;
}

/** Merges a schema (and its `allOf` branches, depth first) into `r`; the first writer of a keyword wins. */
function merge(doc: OpenApiDocument, pointer: string, node: Schema, r: Resolved, depth: number): void {
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' || k === 'allOf') continue;
    if (k === 'properties' && v && typeof v === 'object') {
      for (const name of Object.keys(v)) {
        if (r.properties.some((p) => p.name === name)) continue;
        r.properties.push({ name, token: escapeToken(name), pointer: `${pointer}/properties/${escapeToken(name)}` });
      }
      const props = (r.schema['properties'] as Schema | undefined) ?? {};
      r.schema['properties'] = { ...(v as Schema), ...props };
      // The first node with properties names the object's schema (what "the same kind of object" means).
      if (!r.keywordAt.has(k)) r.keywordAt.set(k, pointer);
      continue;
    }
    if (k === 'required' && Array.isArray(v)) {
      r.schema['required'] = [...new Set([...((r.schema['required'] as string[] | undefined) ?? []), ...(v as string[])])];
      for (const name of v as string[]) if (!r.requiredAt.has(name)) r.requiredAt.set(name, pointer);
      if (!r.keywordAt.has(k)) r.keywordAt.set(k, pointer);
      continue;
    }
    if ((k === 'oneOf' || k === 'anyOf') && Array.isArray(v)) {
      v.forEach((_b, i) => r.branches.push(`${pointer}/${k}/${i}`));
    }
    if (k === 'items' && v && typeof v === 'object' && r.items === undefined) r.items = `${pointer}/items`;
    if (k === 'additionalProperties' && v && typeof v === 'object' && r.additional === undefined) r.additional = `${pointer}/additionalProperties`;
    if (!(k in r.schema)) {
      r.schema[k] = v;
      r.keywordAt.set(k, pointer);
    }
  }
  if (Array.isArray(node['allOf']) && depth < 16) {
    (node['allOf'] as unknown[]).forEach((_b, i) => {
      const sites: string[] = [];
      const branch = followRefs(doc, `${pointer}/allOf/${i}`, sites);
      if (branch) merge(doc, branch.pointer, branch.node, r, depth + 1);
    });
  }
  if (!r.schema['type'] && r.properties.length) r.schema['type'] = 'object';
}

function walkNode(ctx: WalkContext, pointer: string, value: unknown, location: string, present: boolean, inherited: Basis, depth: number, out: Visit[]): void {
  if (depth > 32) return;
  const r = resolve(ctx.doc, pointer);
  if (!r) return;
  // The ref sites' own basis is the same on every walk through this place: worked out once (hot on every body).
  r.sitesBasis ??= r.sites.reduce<Basis>((b, site) => eitherInferred(b, ctx.provenance.at(site)), DOCUMENTED);
  const basis = eitherInferred(inherited, r.sitesBasis);
  out.push({ schema: r.schema, value, location, present, inherited: basis, keywordAt: r.keywordAt, requiredAt: r.requiredAt });
  if (!present) return;
  if (r.branches.length) {
    // The branch the value is an instance of; a value no branch accepts is the schema check's to report.
    const branch = r.branches.find((b) => ctx.validators.validate(b, value).length === 0);
    if (branch) walkNode(ctx, branch, value, location, true, basis, depth + 1, out);
  }
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    if (r.items) for (let i = 0; i < value.length; i++) walkNode(ctx, r.items, value[i], `${location}/${i}`, true, basis, depth + 1, out);
    return;
  }
  const own = value as Record<string, unknown>;
  for (const { name, token, pointer: sub } of r.properties) {
    const has = Object.prototype.hasOwnProperty.call(own, name);
    walkNode(ctx, sub, has ? own[name] : undefined, `${location}/${token}`, has, basis, depth + 1, out);
  }
  if (r.additional) {
    for (const name of Object.keys(own)) {
      if (!r.properties.some((p) => p.name === name)) walkNode(ctx, r.additional, own[name], `${location}/${escapeToken(name)}`, true, basis, depth + 1, out);
    }
  }
}

/**
 * The visit of a schema place without a body: what keywords it has (merged), where each is written, and what it
 * inherits — for generators and probes that need a keyword's basis before any response exists.
 */
export function schemaAt(ctx: WalkContext, pointer: string, inherited: Basis = DOCUMENTED): Visit | undefined {
  const r = resolve(ctx.doc, pointer);
  if (!r) return undefined;
  let basis = inherited;
  for (const site of r.sites) basis = eitherInferred(basis, ctx.provenance.at(site));
  return { schema: r.schema, value: undefined, location: '', present: false, inherited: basis, keywordAt: r.keywordAt, requiredAt: r.requiredAt };
}

/** The pointer of a named property's schema below a schema place (through `$ref`s and `allOf`). */
export function propertyAt(ctx: WalkContext, pointer: string, name: string): string | undefined {
  return resolve(ctx.doc, pointer)?.properties.find((p) => p.name === name)?.pointer;
}

/** The basis of "`name` is required" at a schema place: the marking on the `required` list that names it. */
export function requiredBasis(ctx: WalkContext, pointer: string, name: string): Basis {
  const r = resolve(ctx.doc, pointer);
  const visit = schemaAt(ctx, pointer);
  if (!r || !visit) return DOCUMENTED;
  const at = r.requiredAt.get(name);
  return eitherInferred(visit.inherited, at === undefined ? DOCUMENTED : ctx.provenance.at(`${at}/required`));
}

/** Whether any schema reachable from these places has a node matching `test` (walks the schemas, no body). */
export function schemasHave(doc: OpenApiDocument, pointers: Iterable<string>, test: (s: Schema) => boolean): boolean {
  const seen = new Set<unknown>();
  const visit = (node: unknown, depth: number): boolean => {
    if (!node || typeof node !== 'object' || depth > 24 || seen.has(node)) return false;
    seen.add(node);
    const schema = node as Schema;
    const ref = refOf(schema);
    if (ref !== undefined) return visit(getAt(doc, ref), depth + 1);
    if (test(schema)) return true;
    return Object.values(schema).some((child) => (Array.isArray(child) ? child.some((c) => visit(c, depth + 1)) : typeof child === 'object' && visit(child, depth + 1)));
  };
  for (const p of pointers) if (visit(getAt(doc, p), 0)) return true;
  return false;
}
