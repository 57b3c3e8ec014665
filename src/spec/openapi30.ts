import type { OpenApiDocument } from './types.ts';

type Node = Record<string, unknown>;

/**
 * OpenAPI 3.0 schemas are not JSON Schema 2020-12: `nullable: true` must become a `null` type, and boolean
 * `exclusiveMinimum`/`exclusiveMaximum` the numeric form. Rewrites them in place so one validator and one
 * generator serve 3.0 and 3.1 specs alike.
 * @see https://spec.openapis.org/oas/v3.0.3#fixed-fields-19 (nullable)
 */
export function normalizeOpenApi30(doc: OpenApiDocument): void {
  if (!doc.openapi.startsWith('3.0')) return;
  const done = new Set<object>();
  const schema = (s: unknown): void => {
    if (!s || typeof s !== 'object' || done.has(s)) return;
    done.add(s);
    const n = s as Node;
    rewrite(n);
    for (const key of ['items', 'additionalProperties', 'not']) schema(n[key]);
    for (const key of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(n[key])) (n[key] as unknown[]).forEach(schema);
    if (n['properties'] && typeof n['properties'] === 'object') Object.values(n['properties']).forEach(schema);
  };
  // Schemas sit under components.schemas and under every `schema` key (parameters, media types, headers).
  const find = (node: unknown, seen = new Set<object>()): void => {
    if (!node || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    for (const [key, child] of Object.entries(node)) {
      if (key === 'schema') schema(child);
      else find(child, seen);
    }
  };
  Object.values((doc.components?.['schemas']) ?? {}).forEach(schema);
  find(doc);
}

function rewrite(s: Node): void {
  if (s['nullable'] === true) {
    if (typeof s['type'] === 'string') s['type'] = [s['type'], 'null'];
    if (Array.isArray(s['enum']) && !s['enum'].includes(null)) s['enum'] = [...(s['enum'] as unknown[]), null];
  }
  delete s['nullable'];
  for (const [ex, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (s[ex] === true && typeof s[bound] === 'number') {
      s[ex] = s[bound];
      delete s[bound];
    } else if (s[ex] === false) delete s[ex];
  }
}
