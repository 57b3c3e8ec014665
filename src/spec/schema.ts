import { deref } from './refs.ts';
import type { JsonSchema, OpenApiDocument } from './types.ts';

type Schema = Record<string, unknown>;

/** The JSON types a schema admits, from `type` (string or array), else from its shape. */
export function typesOf(s: Schema): string[] {
  const t = s['type'];
  if (Array.isArray(t)) return t as string[];
  if (typeof t === 'string') return s['nullable'] === true ? [t, 'null'] : [t];
  if (s['properties'] || s['additionalProperties']) return ['object'];
  if (s['items']) return ['array'];
  return [];
}

/** Shallow merge of `allOf` branches: enough for envelope-style composition (`EnvelopeBase` + `data`). */
export function mergeAllOf(doc: OpenApiDocument, s: Schema): Schema {
  const merged: Schema = { ...omit(s, 'allOf') };
  const properties: Record<string, JsonSchema> = { ...((s['properties'] as Record<string, JsonSchema>) ?? {}) };
  const required = new Set<string>((s['required'] as string[]) ?? []);
  for (const raw of s['allOf'] as JsonSchema[]) {
    let branch = asObject(deref(doc, raw));
    if (Array.isArray(branch['allOf'])) branch = mergeAllOf(doc, branch);
    for (const [k, v] of Object.entries(branch)) {
      if (k === 'properties') Object.assign(properties, v as object);
      else if (k === 'required') for (const r of v as string[]) required.add(r);
      else merged[k] ??= v;
    }
  }
  if (Object.keys(properties).length) merged['properties'] = properties;
  if (required.size) merged['required'] = [...required];
  if (!merged['type'] && merged['properties']) merged['type'] = 'object';
  return merged;
}

/** Whether a schema admits null: a type array, 3.0 `nullable`, an enum with null, or an anyOf/oneOf null branch. */
export function allowsNull(schema: Schema): boolean {
  const t = schema['type'];
  if ((Array.isArray(t) && t.includes('null')) || t === 'null' || schema['nullable'] === true || (Array.isArray(schema['enum']) && schema['enum'].includes(null))) return true;
  // FastAPI and pydantic write Optional[T] as anyOf: [T, {type: null}].
  return ['anyOf', 'oneOf'].some((k) => Array.isArray(schema[k]) && (schema[k] as unknown[]).some((b) => !!b && typeof b === 'object' && ((b as Schema)['type'] === 'null' || (b as Schema)['const'] === null)));
}

export function omit(s: Schema, key: string): Schema {
  const { [key]: _dropped, ...rest } = s;
  return rest;
}

export function asObject(s: unknown): Schema {
  return s && typeof s === 'object' ? (s as Schema) : {};
}
