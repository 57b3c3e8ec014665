import { mergeAllOf } from '../arbitraries/from-schema.ts';
import { escapeToken, getAt } from '../spec/pointer.ts';
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
export function* walk(doc: OpenApiDocument, schemaPointer: string, body: unknown): Generator<Visit> {
  yield* walkNode(doc, getAt(doc, schemaPointer) as Schema, body, '', true, 0);
}

function* walkNode(doc: OpenApiDocument, raw: unknown, value: unknown, location: string, present: boolean, depth: number): Generator<Visit> {
  if (!raw || typeof raw !== 'object' || depth > 32) return;
  let schema = deref<Schema>(doc, raw);
  if (Array.isArray(schema['allOf'])) schema = mergeAllOf(doc, schema);
  yield { schema, value, location, present };
  if (!present || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    if (schema['items']) for (const [i, item] of value.entries()) yield* walkNode(doc, schema['items'], item, `${location}/${i}`, true, depth + 1);
    return;
  }
  const properties = (schema['properties'] as Record<string, unknown> | undefined) ?? {};
  for (const [name, sub] of Object.entries(properties)) {
    const has = Object.prototype.hasOwnProperty.call(value, name);
    yield* walkNode(doc, sub, has ? (value as Record<string, unknown>)[name] : undefined, `${location}/${escapeToken(name)}`, has, depth + 1);
  }
}

export function allowsNull(schema: Schema): boolean {
  const t = schema['type'];
  return (Array.isArray(t) && t.includes('null')) || schema['nullable'] === true || (Array.isArray(schema['enum']) && schema['enum'].includes(null));
}
