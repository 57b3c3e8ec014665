import { mergeAllOf, typesOf } from '../arbitraries/from-schema.ts';
import { deref } from '../spec/refs.ts';
import type { JsonSchema, OpenApiDocument } from '../spec/types.ts';

/** What a client can rely on at one place of a body: the unit drift rules compare. */
export interface FieldFacts {
  types: string[];
  format?: string;
  enum?: unknown[];
  /** Required in its parent object (the root is always "required"). */
  required: boolean;
  description?: string;
}

const MAX_DEPTH = 12;

/**
 * Flattens a schema into `path → facts` (`data.status`, `data.roles[].pages[].id`), resolving `$ref` and
 * merging `allOf`, so two versions of a spec compare field by field whatever their structure (an inline enum
 * moved into a component is no change).
 */
export function flatten(doc: OpenApiDocument, schema: JsonSchema | undefined, root = ''): Map<string, FieldFacts> {
  const out = new Map<string, FieldFacts>();
  const visit = (raw: unknown, path: string, required: boolean, depth: number): void => {
    if (!raw || typeof raw !== 'object' || depth > MAX_DEPTH) return;
    let s = deref<Record<string, unknown>>(doc, raw);
    if (Array.isArray(s['allOf'])) s = mergeAllOf(doc, s);
    const variants = (s['oneOf'] ?? s['anyOf']) as unknown[] | undefined;
    const constant = 'const' in s ? [s['const']] : undefined;
    const types = typesOf(s).length ? typesOf(s) : constant ? [constant[0] === null ? 'null' : typeof constant[0]] : [];
    out.set(path, {
      types: types.length ? [...types].sort() : ['any'],
      ...(typeof s['format'] === 'string' ? { format: s['format'] } : {}),
      ...(Array.isArray(s['enum']) ? { enum: s['enum'] } : constant ? { enum: constant } : {}),
      required,
      ...(typeof s['description'] === 'string' ? { description: s['description'] } : {}),
    });
    const requiredNames = new Set((s['required'] as string[] | undefined) ?? []);
    for (const [name, sub] of Object.entries((s['properties'] as Record<string, unknown> | undefined) ?? {})) {
      visit(sub, path ? `${path}.${name}` : name, requiredNames.has(name), depth + 1);
    }
    if (s['items']) visit(s['items'], `${path}[]`, true, depth + 1);
    if (variants) variants.forEach((v, i) => visit(v, `${path}<${i}>`, true, depth + 1));
  };
  visit(schema, root, true, 0);
  return out;
}
