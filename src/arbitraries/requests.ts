import fc from 'fast-check';
import type { Operation, Parameter } from '../spec/operations.ts';
import { deref } from '../spec/refs.ts';
import type { JsonSchema, OpenApiDocument } from '../spec/types.ts';
import { arbitraryFor, boundedFilter, mergeAllOf, typesOf } from './from-schema.ts';

/** A request to one operation, before auth is added: the unit fast-check generates and shrinks. */
export interface RequestCase {
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, string>;
  /** `undefined`: no body is sent. */
  body?: unknown;
  /** Set on invalid cases: which input breaks which rule of the spec. */
  invalid?: { target: string; rule: string };
}

export interface RequestOptions {
  /** Known-good values for path parameters (ids read from a live list endpoint), used alongside generated ones. */
  pathValues?: Record<string, unknown[]>;
  /**
   * The spec's own validator: generated bodies it rejects are dropped. The generator covers the common
   * keywords; a complex schema (oneOf with discriminators, dependent fields) can still produce a body the spec
   * forbids, and a "valid" request must be valid.
   */
  isValidBody?: (body: unknown) => boolean;
}

/** Requests that satisfy every parameter and body schema of the operation. */
export function validRequests(doc: OpenApiDocument, op: Operation, options: RequestOptions = {}): fc.Arbitrary<RequestCase> {
  const byLocation = (where: Parameter['in']) => op.parameters.filter((p) => p.in === where);
  const pathArb = fc.record(
    Object.fromEntries(
      byLocation('path').map((p) => {
        const known = options.pathValues?.[p.name];
        return [p.name, known?.length ? fc.constantFrom(...known) : arbitraryFor(doc, p.schema)];
      }),
    ),
  );
  return fc
    .record({
      path: pathArb,
      query: parameterRecord(doc, byLocation('query')),
      headers: parameterRecord(doc, byLocation('header')).map(stringifyValues),
      body: op.body ? bodyArbitrary(doc, op.body.schema, op.body.required, options.isValidBody) : fc.constant(undefined),
    })
    .map(({ body, ...rest }) => (body === undefined ? rest : { ...rest, body }));
}

function bodyArbitrary(doc: OpenApiDocument, schema: JsonSchema, required: boolean, isValid?: (body: unknown) => boolean): fc.Arbitrary<unknown> {
  const body = isValid ? boundedFilter(arbitraryFor(doc, schema), isValid) : arbitraryFor(doc, schema);
  return required ? body : fc.option(body, { nil: undefined });
}

function parameterRecord(doc: OpenApiDocument, params: Parameter[]): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(Object.fromEntries(params.map((p) => [p.name, arbitraryFor(doc, p.schema)])), {
    requiredKeys: params.filter((p) => p.required).map((p) => p.name),
  });
}

function stringifyValues(record: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, String(v)]));
}

/**
 * Requests that break exactly one rule of the spec (a required input missing, a wrong type, a value past a
 * bound, a bad format or pattern). `undefined` when the operation takes no input that can be wrong.
 */
export function invalidRequests(doc: OpenApiDocument, op: Operation, options: RequestOptions = {}): fc.Arbitrary<RequestCase> | undefined {
  const valid = validRequests(doc, op, options);
  const mutations: Array<fc.Arbitrary<RequestCase>> = [];
  for (const p of op.parameters.filter((x) => x.in === 'query' || x.in === 'path')) {
    const slot = p.in === 'query' ? 'query' : 'path';
    const target = `${p.in} parameter ${p.name}`;
    if (p.required && p.in === 'query') {
      mutations.push(valid.map((c) => ({ ...c, query: without(c.query, p.name), invalid: { target, rule: 'required' } })));
    }
    for (const bad of badValues(doc, p.schema, { onTheWire: true })) {
      mutations.push(
        fc.tuple(valid, bad.value).map(([c, v]) => ({ ...c, [slot]: { ...c[slot], [p.name]: v }, invalid: { target, rule: bad.rule } })),
      );
    }
  }
  if (op.body) {
    if (op.body.required) mutations.push(valid.map((c) => ({ ...without(c as unknown as Record<string, unknown>, 'body'), invalid: { target: 'request body', rule: 'required' } }) as RequestCase));
    const schema = deref<Record<string, unknown>>(doc, op.body.schema);
    const merged = Array.isArray(schema['allOf']) ? mergeAllOf(doc, schema) : schema;
    const required = new Set((merged['required'] as string[] | undefined) ?? []);
    for (const [name, sub] of Object.entries((merged['properties'] as Record<string, JsonSchema> | undefined) ?? {})) {
      const target = `body field ${name}`;
      if (required.has(name)) {
        mutations.push(valid.map((c) => ({ ...c, body: without(c.body as Record<string, unknown>, name), invalid: { target, rule: 'required' } })));
      }
      for (const bad of badValues(doc, sub)) {
        mutations.push(
          fc.tuple(valid, bad.value).map(([c, v]) => ({ ...c, body: { ...(c.body as object), [name]: v }, invalid: { target, rule: bad.rule } })),
        );
      }
    }
  }
  return mutations.length ? fc.oneof(...mutations) : undefined;
}

interface BadValue {
  rule: string;
  value: fc.Arbitrary<unknown>;
}

/** Values a schema rejects, one family per rule it states. */
export function badValues(doc: OpenApiDocument, raw: JsonSchema, { onTheWire = false } = {}): BadValue[] {
  const s = deref<Record<string, unknown>>(doc, raw);
  if (typeof s !== 'object' || s === null) return [];
  const types = typesOf(s);
  const out: BadValue[] = [];
  if (types.length === 1 && (types[0] === 'integer' || types[0] === 'number')) {
    out.push({ rule: 'type', value: fc.constantFrom('abc', 'one', '1.5.2') });
    const safe = (v: number) => Math.abs(v) < Number.MAX_SAFE_INTEGER - 1000;
    if (typeof s['minimum'] === 'number' && safe(s['minimum'])) out.push({ rule: 'minimum', value: fc.integer({ min: Math.ceil(s['minimum']) - 1000, max: Math.ceil(s['minimum']) - 1 }) });
    if (typeof s['maximum'] === 'number' && safe(s['maximum'])) out.push({ rule: 'maximum', value: fc.integer({ min: Math.floor(s['maximum']) + 1, max: Math.floor(s['maximum']) + 1000 }) });
  }
  if (types.length === 1 && types[0] === 'string') {
    if (s['format'] || typeof s['pattern'] === 'string') {
      const pattern = typeof s['pattern'] === 'string' ? new RegExp(s['pattern']) : undefined;
      out.push({
        rule: s['format'] ? 'format' : 'pattern',
        value: fc
          .string({ maxLength: 6 })
          .map((x) => `not valid ${x}`)
          .filter((v) => !pattern || !pattern.test(v)),
      });
    }
    if (typeof s['minLength'] === 'number' && s['minLength'] > 0) out.push({ rule: 'minLength', value: fc.constant('') });
    // In a query or path every value travels as text, so only JSON bodies can carry a wrongly typed string.
    if (!Array.isArray(s['enum']) && !onTheWire) out.push({ rule: 'type', value: fc.constantFrom(12345, true, { nested: 1 }) });
  }
  if (Array.isArray(s['enum']) && types.every((t) => t === 'string')) {
    const allowed = new Set(s['enum']);
    out.push({ rule: 'enum', value: fc.string({ minLength: 1, maxLength: 8 }).map((x) => `zz_${x}`).filter((v) => !allowed.has(v)) });
  }
  return out;
}

function without<T extends Record<string, unknown>>(record: T, key: string): T {
  const { [key]: _dropped, ...rest } = record ?? ({} as T);
  return rest as T;
}
