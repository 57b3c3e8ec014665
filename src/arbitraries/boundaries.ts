import type { Operation } from '../spec/operations.ts';
import { getAt } from '../spec/pointer.ts';
import { withValueAt } from '../spec/merge-patch.ts';
import { DOCUMENTED, eitherInferred, type Basis } from '../spec/provenance.ts';
import { keywordBasis, propertyAt, schemaAt, type WalkContext } from '../spec/schema-walk.ts';
import { typesOf } from '../spec/schema.ts';
import { clockOf } from './clock.ts';
import { identityKey, inferredOwnSchema, type RequestCase } from './requests.ts';

/**
 * A value exactly at a bound the schema states (valid: it must not be refused) or one step past it (invalid: it
 * must be refused), with the basis of the bound — a guessed bound only probes, as in `invalidRequests`.
 */
export interface Boundary {
  value: unknown;
  valid: boolean;
  /** The bound it sits at or past, as the report names it: `maximum 100`, `minLength 1`, `the empty string`. */
  bound: string;
  basis: Basis;
}

/** Where a value travels: on the wire a blank path segment is another route and a blank header is dropped. */
export type Place = 'path' | 'query' | 'header' | 'body';

/**
 * On the wire, a value longer than this is refused by URL and header limits before any rule of the API is reached
 * (RFC 9110 §4.1 recommends senders and recipients support 8000 octets): length bounds above it are probed in
 * bodies only.
 */
const WIRE_LENGTH = 1024;
/** A body field of a length past this proves nothing more than one a little shorter would (and a 10 MB body might). */
const BODY_LENGTH = 65_536;
/** Item counts past these are not probed: a body of 1,000 items says what 10,000 would; a query's URL stays short. */
const BODY_ITEMS = 1000;
const QUERY_ITEMS = 50;

/**
 * The boundary values of the schema at `pointer`: `minimum − 1`, `minimum`, `maximum`, `maximum + 1` (exclusive
 * bounds likewise), lengths at and past `minLength`/`maxLength`, item counts at and past `minItems`/`maxItems`, the
 * empty string, the empty array and zero where the schema admits them. Deterministic: the same values in every run, whatever the seed. A value is kept only when the spec's own
 * validator says what it is — accepted as a whole (at a bound), or refused for that bound alone (past it) — so a
 * probe never breaks two rules and blames one. `sample` is the value a valid request carries there (a string of
 * the right shape is lengthened or cut from it, so a pattern or format still holds).
 */
export function boundaryValues(
  ctx: WalkContext,
  pointer: string,
  place: Place,
  options: { sample?: unknown; allowEmptyValue?: boolean; inherited?: Basis } = {},
): Boundary[] {
  const visit = schemaAt(ctx, pointer, options.inherited ?? DOCUMENTED);
  if (!visit) return [];
  const s = visit.schema;
  // Values the request takes from the identity or the clock, and closed sets, have no bound to probe.
  if (identityKey(ctx, pointer) !== undefined || clockOf(ctx, pointer) || Array.isArray(s['enum']) || 'const' in s) return [];
  const types = typesOf(s).filter((t) => t !== 'null');
  if (types.length !== 1) return [];
  const errors = (v: unknown) => ctx.validators.validate(pointer, v);
  const accepted = (v: unknown) => errors(v).length === 0 && onTheWire(v, place, options.allowEmptyValue);
  const breaksOnly = (v: unknown, keyword: string) => {
    const found = errors(v);
    return found.length > 0 && found.every((e) => e.keyword === keyword);
  };
  // What refusing a value the schema accepts contradicts: the bound, and any guess about the schema it sits in.
  const validBasis = (keyword: string) => eitherInferred(keywordBasis(ctx, visit, keyword), inferredOwnSchema(ctx, pointer, visit.inherited));
  const out: Boundary[] = [];
  const at = (value: unknown, keyword: string, bound: string) => {
    if (value !== undefined && accepted(value) && !out.some((b) => b.valid && sameValue(b.value, value)))
      out.push({ value, valid: true, bound, basis: validBasis(keyword) });
  };
  const past = (value: unknown, keyword: string, bound: string) => {
    if (value !== undefined && breaksOnly(value, keyword) && onTheWire(value, place, true))
      out.push({ value, valid: false, bound, basis: keywordBasis(ctx, visit, keyword) });
  };

  if (types[0] === 'integer' || types[0] === 'number') {
    const bound = (keyword: string) => (typeof s[keyword] === 'number' && Math.abs(s[keyword]) < Number.MAX_SAFE_INTEGER - 1 ? s[keyword] : undefined);
    const min = bound('minimum');
    const max = bound('maximum');
    const exMin = bound('exclusiveMinimum');
    const exMax = bound('exclusiveMaximum');
    if (min !== undefined) {
      at(min, 'minimum', `minimum ${min}`);
      past(min - 1, 'minimum', `minimum ${min}`);
    }
    if (exMin !== undefined) {
      at(exMin + 1, 'exclusiveMinimum', `exclusiveMinimum ${exMin}`);
      past(exMin, 'exclusiveMinimum', `exclusiveMinimum ${exMin}`);
    }
    if (max !== undefined) {
      at(max, 'maximum', `maximum ${max}`);
      past(max + 1, 'maximum', `maximum ${max}`);
    }
    if (exMax !== undefined) {
      at(exMax - 1, 'exclusiveMaximum', `exclusiveMaximum ${exMax}`);
      past(exMax, 'exclusiveMaximum', `exclusiveMaximum ${exMax}`);
    }
    at(0, 'type', 'zero');
  }

  /**
   * At and one past a lower and an upper count (a length, a number of items), each value the first of its count's
   * candidates that does what is wanted; returns the lower count, if stated.
   */
  const counts = <T>(lower: string, upper: string, limit: number, ofCount: (n: number) => T[]): number | undefined => {
    const count = (keyword: string) => (typeof s[keyword] === 'number' && s[keyword] <= limit ? s[keyword] : undefined);
    const min = count(lower);
    const max = count(upper);
    const first = (n: number, keep: (v: T) => boolean) => ofCount(n).find(keep);
    if (min !== undefined && min > 0) {
      at(first(min, accepted), lower, `${lower} ${min}`);
      past(
        first(min - 1, (v) => breaksOnly(v, lower)),
        lower,
        `${lower} ${min}`,
      );
    }
    if (max !== undefined) {
      at(first(max, accepted), upper, `${upper} ${max}`);
      past(
        first(max + 1, (v) => breaksOnly(v, upper)),
        upper,
        `${upper} ${max}`,
      );
    }
    return min;
  };

  if (types[0] === 'string') {
    const minLength = counts('minLength', 'maxLength', place === 'body' ? BODY_LENGTH : WIRE_LENGTH, (n) => stringsOfLength(n, options.sample));
    if (!minLength) at('', 'type', 'the empty string');
  }

  // Item counts, where an array travels whole: a body field, or a query parameter (a path or header array is one
  // serialized string, and its count is the serializer's business).
  if (types[0] === 'array' && (place === 'body' || place === 'query')) {
    const minItems = counts('minItems', 'maxItems', place === 'body' ? BODY_ITEMS : QUERY_ITEMS, (n) => arraysOfLength(n, options.sample));
    if (!minItems) at([], 'type', 'the empty array');
  }
  return out;
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b));
}

/**
 * Arrays of `n` items made from the sample's own items — cut, or lengthened by repeating them in turn, then by
 * repeating the last — so each item stays one the schema accepts. None without a sample item to repeat: an item
 * made up here could break a rule of its own, and the probe would blame the count. Where items must be unique,
 * repeating breaks that rule as well, and the validator's check discards the array.
 */
function arraysOfLength(n: number, sample: unknown): unknown[][] {
  const items: unknown[] | undefined = Array.isArray(sample) ? sample : undefined;
  if (!items || (items.length === 0 && n > 0)) return n === 0 ? [[]] : [];
  if (items.length >= n) return [items.slice(0, n)];
  const cycled = Array.from({ length: n }, (_, i) => items[i % items.length]);
  const last = [...items, ...Array.from({ length: n - items.length }, () => items[items.length - 1])];
  return [cycled, last];
}

/** Whether a value survives the trip: no blank path segment (another route), no blank header (dropped), no empty query array. */
function onTheWire(v: unknown, place: Place, allowEmpty = false): boolean {
  if (place === 'body') return true;
  // An empty array leaves nothing in a query string: the parameter would be missing, not empty.
  if (Array.isArray(v)) return v.length > 0;
  const blank = String(v).trim() === '';
  if (place === 'path') return !blank && !['.', '..'].includes(String(v));
  if (place === 'header') return !blank;
  return !blank || allowEmpty;
}

/** Strings of length `n`: the sample lengthened (its last character repeated) or cut, then plain fillers. */
function stringsOfLength(n: number, sample: unknown): string[] {
  const out: string[] = [];
  if (typeof sample === 'string' && sample.length > 0) {
    out.push(sample.length >= n ? sample.slice(0, n) : sample + sample[sample.length - 1]!.repeat(n - sample.length));
    if (sample.length < n) out.push(sample[0]!.repeat(n - sample.length) + sample);
  }
  for (const c of ['a', 'A', '1', 'x']) out.push(c.repeat(n));
  return out;
}

/** One boundary, placed into a valid request: what it is, where it goes, and the request that carries it. */
export interface BoundaryProbe {
  request: RequestCase;
  /** `query parameter limit`, `body field header.created` */
  target: string;
  boundary: Boundary;
}

/** Past this many probes an operation's boundaries are cut (in document order): a few dozen requests at most. */
export const MAX_BOUNDARY_PROBES = 40;

/**
 * Every boundary of every parameter and body field (any depth) of an operation, each placed into the same valid
 * request — the one the run makes from a fixed seed, so the probes are the same whatever the run's seed.
 */
export function boundaryProbes(ctx: WalkContext, op: Operation, base: RequestCase): BoundaryProbe[] {
  const out: BoundaryProbe[] = [];
  for (const p of op.parameters) {
    if (p.in === 'cookie' || identityKey(ctx, `${p.pointer}/schema`, p.extensions) !== undefined) continue;
    const slot = p.in === 'path' ? 'path' : p.in === 'query' ? 'query' : 'headers';
    const sample = base[slot][p.name];
    for (const boundary of boundaryValues(ctx, `${p.pointer}/schema`, p.in, {
      sample,
      ...(p.allowEmptyValue ? { allowEmptyValue: true } : {}),
      inherited: ctx.provenance.at(p.pointer),
    })) {
      const value = p.in === 'header' ? String(boundary.value) : boundary.value;
      out.push({ request: { ...base, [slot]: { ...base[slot], [p.name]: value } }, target: `${p.in} parameter ${p.name}`, boundary });
    }
  }
  if (op.body && !op.body.unsupported && base.body && typeof base.body === 'object') bodyBoundaries(ctx, op.body.schemaPointer, base, '', 0, DOCUMENTED, out);
  return out.slice(0, MAX_BOUNDARY_PROBES);
}

function bodyBoundaries(ctx: WalkContext, pointer: string, base: RequestCase, at: string, depth: number, inherited: Basis, out: BoundaryProbe[]): void {
  const visit = schemaAt(ctx, pointer, inherited);
  if (!visit || depth > 3) return;
  const parent = getAt(base.body, at);
  // A field can be placed only where its object is: an optional parent the valid request left out has none.
  if (!parent || typeof parent !== 'object' || Array.isArray(parent)) return;
  for (const name of Object.keys((visit.schema['properties'] as Record<string, unknown> | undefined) ?? {})) {
    const field = `${at}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const sub = propertyAt(ctx, pointer, name)!;
    const target = `body field ${field.slice(1).replace(/\//g, '.')}`;
    for (const boundary of boundaryValues(ctx, sub, 'body', { sample: getAt(base.body, field), inherited: visit.inherited })) {
      out.push({ request: { ...base, body: withValueAt(base.body, field, boundary.value) }, target, boundary });
    }
    const subVisit = schemaAt(ctx, sub, visit.inherited);
    if (subVisit && typesOf(subVisit.schema).includes('object')) bodyBoundaries(ctx, sub, base, field, depth + 1, visit.inherited, out);
  }
}
