import { mergeAllOf } from '../arbitraries/from-schema.ts';
import { escapeToken, getAt } from '../spec/pointer.ts';
import { documentedResponse, type Operation } from '../spec/operations.ts';
import type { Exchange } from '../client/exchange.ts';
import type { SpecModel } from './types.ts';
import { deref } from '../spec/refs.ts';
import type { OpenApiDocument } from '../spec/types.ts';

type Schema = Record<string, unknown>;

export interface Visit {
  schema: Schema;
  value: unknown;
  /** JSON pointer into the body. */
  location: string;
  /** Whether the property exists in its parent object (false: omitted). */
  present: boolean;
}

/**
 * Walks a body alongside its schema, visiting every (schema node, value) pair — including properties the
 * schema names but the body omits — so the field-level checks (enums, timestamps, nullables, invariants) read
 * what the spec says about each place without re-implementing `$ref`/`allOf` resolution.
 */
/**
 * The visits of an exchange's JSON body against the schema documented for its status; none when the body is not
 * JSON or the status documents no schema. The shared first step of every field-level check.
 */
export function documentedVisits(op: Operation, exchange: Exchange, spec: SpecModel): readonly Visit[] {
  const r = exchange.response;
  const documented = r && documentedResponse(op, r.status);
  if (!r || r.json === undefined || !documented?.schemaPointer) return [];
  return walk(spec.doc, documented.schemaPointer, r.json);
}

export function walk(doc: OpenApiDocument, schemaPointer: string, body: unknown): readonly Visit[] {
  // Four field-level checks and the live-drift observer read the same body: walk it once per schema.
  if (!body || typeof body !== 'object') return walkFrom(doc, schemaPointer, body);
  let bySchema = walks.get(body);
  if (!bySchema) walks.set(body, (bySchema = new Map()));
  let visits = bySchema.get(schemaPointer);
  if (!visits) bySchema.set(schemaPointer, (visits = walkFrom(doc, schemaPointer, body)));
  return visits;
}

function walkFrom(doc: OpenApiDocument, schemaPointer: string, body: unknown): Visit[] {
  const visits: Visit[] = [];
  walkNode(doc, getAt(doc, schemaPointer), body, '', true, 0, visits);
  return visits;
}

const walks = new WeakMap<object, Map<string, Visit[]>>();

/** A schema node with its `$ref`s followed and `allOf` merged, and its properties' pointer tokens escaped. */
interface Resolved {
  schema: Schema;
  properties: Array<[name: string, token: string, sub: unknown]>;
}

// The document does not change once loaded, so each schema node is resolved once, not once per body.
const resolved = new WeakMap<object, Resolved>();

function resolve(doc: OpenApiDocument, raw: object): Resolved {
  let r = resolved.get(raw);
  if (!r) {
    let schema = deref<Schema>(doc, raw);
    if (Array.isArray(schema['allOf'])) schema = mergeAllOf(doc, schema);
    const properties = Object.entries((schema['properties'] as Record<string, unknown> | undefined) ?? {}).map(([name, sub]): [string, string, unknown] => [name, escapeToken(name), sub]);
    resolved.set(raw, (r = { schema, properties }));
  }
  return r;
}

function walkNode(doc: OpenApiDocument, raw: unknown, value: unknown, location: string, present: boolean, depth: number, out: Visit[]): void {
  if (!raw || typeof raw !== 'object' || depth > 32) return;
  const { schema, properties } = resolve(doc, raw);
  out.push({ schema, value, location, present });
  if (!present || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    const items = schema['items'];
    if (items) for (let i = 0; i < value.length; i++) walkNode(doc, items, value[i], `${location}/${i}`, true, depth + 1, out);
    return;
  }
  for (const [name, token, sub] of properties) {
    const has = Object.prototype.hasOwnProperty.call(value, name);
    walkNode(doc, sub, has ? (value as Record<string, unknown>)[name] : undefined, `${location}/${token}`, has, depth + 1, out);
  }
}

export function allowsNull(schema: Schema): boolean {
  const t = schema['type'];
  return (Array.isArray(t) && t.includes('null')) || schema['nullable'] === true || (Array.isArray(schema['enum']) && schema['enum'].includes(null));
}


/** Whether any documented response schema of the operation has a node matching `test` (walks without a body). */
export function responseSchemasHave(op: Operation, spec: SpecModel, test: (s: Record<string, unknown>) => boolean): boolean {
  const seen = new Set<unknown>();
  const visit = (node: unknown, depth: number): boolean => {
    if (!node || typeof node !== 'object' || depth > 24 || seen.has(node)) return false;
    seen.add(node);
    let schema = node as Record<string, unknown>;
    if (typeof schema['$ref'] === 'string') return visit(getAt(spec.doc, (schema['$ref'] as string).slice(1)), depth + 1);
    if (test(schema)) return true;
    return Object.values(schema).some((child) =>
      Array.isArray(child) ? child.some((c) => visit(c, depth + 1)) : typeof child === 'object' && visit(child, depth + 1),
    );
  };
  return [...op.responses.values()].some((r) => r.schemaPointer && visit(getAt(spec.doc, r.schemaPointer), 0));
}
