import fc from 'fast-check';
import { deref } from '../spec/refs.ts';
import { asObject, mergeAllOf, omit, typesOf } from '../spec/schema.ts';
import { textOf } from '../spec/text.ts';
import type { JsonSchema, OpenApiDocument } from '../spec/types.ts';

// Re-exported for modules that still import them from here (they live in src/spec/schema.ts).
export { mergeAllOf, typesOf };

type Schema = Record<string, unknown>;

/** Past this depth of `$ref`s an optional branch is left out, so recursive schemas stay finite. */
const MAX_DEPTH = 6;
/** A recursive schema whose recursion is required cannot be generated finitely: past this, give up with null. */
const HARD_DEPTH = 16;
const MAX_ITEMS = 4;

/**
 * A fast-check arbitrary of values that validate against a JSON Schema (the 2020-12 subset OpenAPI 3.1 uses).
 * Enum values, bounds, formats and patterns are read from the schema, never retyped.
 */
export function arbitraryFor(doc: OpenApiDocument, schema: JsonSchema, depth = 0, shape: Shape = {}): fc.Arbitrary<unknown> {
  if (schema === true || schema === undefined) return fc.jsonValue({ maxDepth: 1 });
  if (schema === false) return fc.constant(undefined);
  if (depth > HARD_DEPTH) return fc.constant(null);
  const s = deref<Schema>(doc, schema);
  if ('const' in s) return fc.constant(s['const']);
  if (Array.isArray(s['enum'])) return fc.constantFrom(...(s['enum'] as unknown[]));
  if (Array.isArray(s['allOf'])) return arbitraryFor(doc, mergeAllOf(doc, s), depth + 1, shape);
  for (const key of ['oneOf', 'anyOf'] as const) {
    if (Array.isArray(s[key])) {
      const branches = (s[key] as JsonSchema[]).map((b) => arbitraryFor(doc, { ...omit(s, key), ...asObject(deref(doc, b)) }, depth + 1, shape));
      return fc.oneof(...branches);
    }
  }
  const types = typesOf(s);
  if (types.length > 1) return fc.oneof(...types.map((t) => arbitraryForType(doc, { ...s, type: t }, t, depth, shape)));
  return arbitraryForType(doc, s, types[0] ?? 'any', depth, shape);
}

/** `requiredOnly`: objects with their required properties alone — the smallest valid value of a schema's shape. */
export interface Shape {
  requiredOnly?: boolean;
}

function arbitraryForType(doc: OpenApiDocument, s: Schema, type: string, depth: number, shape: Shape): fc.Arbitrary<unknown> {
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer(integerBounds(s));
    case 'number':
      return fc.double({ ...numberBounds(s), noNaN: true, noDefaultInfinity: true });
    case 'string':
      return stringArbitrary(s);
    case 'array': {
      const minLength = num(s['minItems']) ?? 0;
      const maxLength = Math.max(minLength, Math.min(num(s['maxItems']) ?? MAX_ITEMS, MAX_ITEMS));
      if (depth > MAX_DEPTH && minLength === 0) return fc.constant([]);
      const items = arbitraryFor(doc, (s['items'] as JsonSchema) ?? true, depth + 1, shape);
      return fc.array(items, { minLength, maxLength, ...(s['uniqueItems'] ? { comparator: 'IsStrictlyEqual' as const } : {}) });
    }
    case 'object':
      return objectArbitrary(doc, s, depth, shape);
    default:
      return fc.jsonValue({ maxDepth: 1 });
  }
}

function objectArbitrary(doc: OpenApiDocument, s: Schema, depth: number, shape: Shape): fc.Arbitrary<unknown> {
  const properties = (s['properties'] as Record<string, JsonSchema> | undefined) ?? {};
  const required = new Set((s['required'] as string[] | undefined) ?? []);
  const entries = Object.entries(properties).filter(([name]) => required.has(name) || (depth <= MAX_DEPTH && !shape.requiredOnly));
  const record = fc.record(Object.fromEntries(entries.map(([name, sub]) => [name, arbitraryFor(doc, sub, depth + 1, shape)])), {
    requiredKeys: entries.map(([name]) => name).filter((n) => required.has(n)),
  });
  const extra = s['additionalProperties'];
  if (extra && typeof extra === 'object' && entries.length === 0 && !shape.requiredOnly) {
    return fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), arbitraryFor(doc, extra as JsonSchema, depth + 1, shape), { maxKeys: 3 });
  }
  return record;
}

function stringArbitrary(s: Schema): fc.Arbitrary<string> {
  const minLength = num(s['minLength']) ?? 0;
  const maxLength = num(s['maxLength']);
  const fitsLength = (v: string) => v.length >= minLength && (maxLength === undefined || v.length <= maxLength);
  const byFormat = formatArbitrary(textOf(s['format']));
  if (byFormat) return boundedFilter(byFormat, fitsLength, `no ${String(s['format'])} value fits the length bounds`) as fc.Arbitrary<string>;
  if (typeof s['pattern'] === 'string')
    return boundedFilter(
      patternArbitrary(s['pattern'], s['example']),
      fitsLength,
      `no value of pattern ${String(s['pattern'])} fits the length bounds`,
    ) as fc.Arbitrary<string>;
  return fc.string({ minLength, maxLength: maxLength ?? Math.max(minLength, 16) });
}

/**
 * Strings matching a pattern. fast-check cannot generate from every ECMA-262 feature (`\b`, lookaround): then
 * the schema's example is used, else the pattern filters plain strings.
 */
function patternArbitrary(pattern: string, example: unknown): fc.Arbitrary<string> {
  const re = new RegExp(pattern);
  try {
    return fc.stringMatching(re);
  } catch {
    if (typeof example === 'string' && re.test(example)) return fc.constant(example);
    return boundedFilter(fc.string({ maxLength: 24 }), (v) => re.test(v), `the generator cannot produce strings matching ${pattern}`) as fc.Arbitrary<string>;
  }
}

/**
 * Absolute http(s) URLs with paths and queries. Built from cheap parts: fc.webUrl's first use costs about a
 * second per process (BENCHMARKS.md), paid on every contract run.
 */
const segment = fc.stringMatching(/^[a-z0-9_.~-]{1,10}$/);
const urlArbitrary: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('https', 'http'), fc.domain(), fc.array(segment, { maxLength: 3 }), fc.option(fc.tuple(segment, segment), { nil: undefined }))
  .map(([scheme, host, path, query]) => `${scheme}://${host}/${path.join('/')}${query ? `?${query[0]}=${query[1]}` : ''}`);

const MIN_DATE = new Date('2000-01-01T00:00:00.000Z');
const MAX_DATE = new Date('2099-12-31T23:59:59.999Z');

function formatArbitrary(format: string): fc.Arbitrary<string> | undefined {
  switch (format) {
    case 'date-time':
      return fc.date({ min: MIN_DATE, max: MAX_DATE, noInvalidDate: true }).map((d) => d.toISOString());
    case 'date':
      return fc.date({ min: MIN_DATE, max: MAX_DATE, noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    case 'uri':
    case 'url':
      return urlArbitrary;
    case 'hostname':
      return fc.domain();
    case 'email':
      return fc.emailAddress();
    case 'uuid':
      return fc.uuid();
    case 'ipv4':
      return fc.ipV4();
    default:
      return undefined;
  }
}

function integerBounds(s: Schema): { min: number; max: number } {
  const { min, max } = numberBounds(s);
  // Specs write int64 bounds like 9223372036854776000; fast-check draws safe integers only.
  const clamp = (v: number) => Math.min(Number.MAX_SAFE_INTEGER, Math.max(Number.MIN_SAFE_INTEGER, v));
  const lo = clamp(Math.ceil(min ?? -1_000_000));
  return { min: lo, max: Math.max(lo, clamp(Math.floor(max ?? 1_000_000))) };
}

/**
 * A value the generator could not make valid: carried in place of one, so that the request is not sent as valid
 * and the run says which input it could not fill and why (never an invalid value sent as a valid one).
 */
export class Unsatisfiable {
  constructor(readonly reason: string) {}
  toJSON(): string {
    return `<could not generate: ${this.reason}>`;
  }
}

/**
 * `arb.filter(keep)`, unless a probe of 30 values finds none to keep: then an `Unsatisfiable` with the reason.
 * fast-check's filter retries forever, and a predicate no generated value meets (a pattern the generator cannot
 * honour, a body it cannot make valid) would hang the run.
 */
export function boundedFilter<T>(
  arb: fc.Arbitrary<T>,
  keep: (value: T) => boolean,
  why = 'no generated value satisfies the schema',
): fc.Arbitrary<T | Unsatisfiable> {
  const probe = fc.sample(arb, { numRuns: 30, seed: 1 });
  if (probe.some(keep)) return arb.filter(keep);
  const nested = probe.map(findUnsatisfiable).find((u) => u !== undefined);
  return fc.constant(nested ?? new Unsatisfiable(why));
}

/** The first Unsatisfiable inside a generated value, if any. */
export function findUnsatisfiable(value: unknown, depth = 0): Unsatisfiable | undefined {
  if (value instanceof Unsatisfiable) return value;
  if (!value || typeof value !== 'object' || depth > 16) return undefined;
  for (const v of Object.values(value)) {
    const found = findUnsatisfiable(v, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * The range a value of an OpenAPI numeric format can hold: an int32 or a single-precision float past it is not
 * one (validators that enforce formats — Prism's — refuse it, and so would a server's parser).
 * @see https://spec.openapis.org/registry/format/
 */
const FORMAT_RANGE: Record<string, number> = { int32: 2 ** 31 - 1, float: 3.4028234663852886e38 };

function numberBounds(s: Schema): { min?: number; max?: number } {
  const exMin = num(s['exclusiveMinimum']);
  const exMax = num(s['exclusiveMaximum']);
  let min = num(s['minimum']) ?? (exMin !== undefined ? exMin + 1 : undefined);
  let max = num(s['maximum']) ?? (exMax !== undefined ? exMax - 1 : undefined);
  const range = FORMAT_RANGE[String(s['format'])];
  if (range !== undefined) {
    min = Math.max(min ?? -range, s['format'] === 'int32' ? -(2 ** 31) : -range);
    max = Math.min(max ?? range, range);
  }
  return { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
