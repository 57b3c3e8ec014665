import fc from 'fast-check';
import type { Operation, Parameter } from '../spec/operations.ts';
import { DOCUMENTED, type Basis } from '../spec/provenance.ts';
import { carriedByHeader } from '../base/header-value.ts';
import { keywordBasis, propertyAt, requiredBasis, schemaAt, type WalkContext } from '../spec/schema-walk.ts';
import { allowsNull, typesOf } from '../spec/schema.ts';
import { getAt, parsePointer } from '../spec/pointer.ts';
import { withValueAt } from '../spec/merge-patch.ts';
import { requestView } from '../spec/request-view.ts';
import { routedElsewhere } from '../spec/routes.ts';
import { textOf } from '../spec/text.ts';
import type { JsonSchema } from '../spec/types.ts';
import { arbitraryFor, boundedFilter, findUnsatisfiable, Unsatisfiable } from './from-schema.ts';
import { clockArbitrary, clockOf } from './clock.ts';

/** A request to one operation, before auth is added: the unit fast-check generates and shrinks. */
export interface RequestCase {
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, string>;
  /** `undefined`: no body is sent. */
  body?: unknown;
  /** Bytes sent as they are, in place of a serialized `body` (malformed-request probes: not JSON, empty). */
  rawBody?: string;
  /** Set on invalid cases: which input breaks which rule of the spec, and what that rule rests on. */
  invalid?: { target: string; rule: string; basis?: Basis };
  /** Required inputs the generator could not make valid: such a request is never sent as a valid one. */
  unsatisfiable?: string[];
}

export interface RequestOptions {
  /**
   * Known-good values (ids read from a live list endpoint) for path parameters by name, and for body fields by
   * `body:<pointer>` (an id sent in the body, e.g. `body:/verification_uuid`).
   */
  pathValues?: Record<string, unknown[]>;
  /** The values bound to the identity the request is sent as (`x-identity-value`, docs/extensions.md). */
  identity?: Record<string, unknown>;
  /**
   * Required inputs only — optional parameters and optional body fields left out, at every depth: the request
   * every reading of the spec accepts (a mock's validator that reads an optional input its own way included).
   */
  minimal?: boolean;
}

/** Where an input takes its value from the identity (`x-identity-value` on the parameter or its schema). */
export function identityKey(ctx: WalkContext, pointer: string, extensions: Record<string, unknown> = {}): string | undefined {
  const own = extensions['x-identity-value'];
  if (typeof own === 'string') return own;
  const schema = schemaAt(ctx, pointer)?.schema['x-identity-value'];
  return typeof schema === 'string' ? schema : undefined;
}

/**
 * Requests that satisfy every parameter and body schema of the operation: each input is checked against the
 * spec's own validator, and an input the generator cannot make valid becomes an `Unsatisfiable` — dropped when
 * optional, named in `unsatisfiable` when required — never sent as valid.
 */
export function validRequests(spec: WalkContext, op: Operation, options: RequestOptions = {}): fc.Arbitrary<RequestCase> {
  const ctx = requestView(spec);
  // Built once per operation and options: every scenario of an operation (responses, inputs, auth …) draws from
  // the same arbitrary, and building one samples and validates its inputs (seconds, on a spec of 400 operations).
  let byOptions = built.get(ctx.doc)?.get(op);
  if (!byOptions) {
    if (!built.has(ctx.doc)) built.set(ctx.doc, new WeakMap());
    built.get(ctx.doc)!.set(op, (byOptions = new Map<string, fc.Arbitrary<RequestCase>>()));
  }
  const key = JSON.stringify(options);
  let arbitrary = byOptions.get(key);
  if (!arbitrary) byOptions.set(key, (arbitrary = buildValidRequests(ctx, op, options)));
  return arbitrary;
}

const built = new WeakMap<object, WeakMap<Operation, Map<string, fc.Arbitrary<RequestCase>>>>();

function buildValidRequests(ctx: WalkContext, op: Operation, options: RequestOptions): fc.Arbitrary<RequestCase> {
  const byLocation = (where: Parameter['in']) => op.parameters.filter((p) => p.in === where && (p.required || !options.minimal));
  const inputs = (where: Parameter['in']) =>
    fc.record(Object.fromEntries(byLocation(where).map((p) => [p.name, parameterArbitrary(ctx, op, p, options)])), {
      requiredKeys: byLocation(where)
        .filter((p) => p.required)
        .map((p) => p.name),
    });
  return fc
    .record({
      path: inputs('path'),
      query: inputs('query'),
      headers: inputs('header'),
      body: op.body ? bodyArbitrary(ctx, op, options) : fc.constant(undefined),
    })
    .map(({ body, ...rest }) => settle(op, rest, body));
}

/** Drops optional inputs that could not be made valid and names the required ones. */
function settle(
  op: Operation,
  inputs: { path: Record<string, unknown>; query: Record<string, unknown>; headers: Record<string, unknown> },
  body: unknown,
): RequestCase {
  const unsatisfiable: string[] = [];
  const clean = (where: 'path' | 'query' | 'header', record: Record<string, unknown>) => {
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(record)) {
      if (value instanceof Unsatisfiable) {
        if (op.parameters.find((p) => p.in === where && p.name === name)?.required) unsatisfiable.push(`${where} parameter ${name}: ${value.reason}`);
      } else out[name] = value;
    }
    return out;
  };
  const c: RequestCase = {
    path: clean('path', inputs.path),
    query: clean('query', inputs.query),
    headers: Object.fromEntries(Object.entries(clean('header', inputs.headers)).map(([k, v]) => [k, String(v)])),
  };
  const stuck = findUnsatisfiable(body);
  if (stuck) {
    if (op.body?.required) unsatisfiable.push(`request body: ${stuck.reason}`);
  } else if (body !== undefined) c.body = body;
  if (unsatisfiable.length) c.unsatisfiable = unsatisfiable;
  return c;
}

function parameterArbitrary(ctx: WalkContext, op: Operation, p: Parameter, options: RequestOptions): fc.Arbitrary<unknown> {
  const schemaPointer = `${p.pointer}/schema`;
  // On the wire a blank value is no value: an empty or dot path segment is another route (/wallets/ is not
  // /wallets/{id}, /a/./b is /a/b), a blank header is dropped on the way, and an empty query value is refused
  // unless the parameter allows it (OpenAPI's allowEmptyValue, false by default). Blanks are edge cases to probe on
  // purpose, not typical valid requests.
  const blank = (v: unknown) => String(v).trim() === '';
  // Nor is a path value that a sibling path has as a literal in its place: that request goes to the sibling.
  const elsewhere = p.in === 'path' ? routedElsewhere(ctx.doc, op.path, p.name) : undefined;
  const onTheWire = (v: unknown) =>
    p.in === 'path'
      ? !blank(v) && !['.', '..'].includes(String(v)) && !elsewhere!.has(String(v))
      : p.in === 'header'
        ? carriedByHeader(String(v))
        : p.in === 'query' && p.allowEmptyValue
          ? true
          : !blank(v);
  const fits = (v: unknown) => ctx.validators.validate(schemaPointer, v).length === 0 && onTheWire(v);
  const known = options.pathValues?.[p.name];
  if (p.in === 'path' && known?.length) {
    // An id the server gave (a list, a link) is sent as valid only when it is one: a value the parameter's schema
    // refuses would make the server's refusal read as valid-input-rejected. A number travels as its text.
    const usable = known.flatMap((v) => (fits(v) ? [v] : typeof v === 'number' && fits(String(v)) ? [String(v)] : []));
    return usable.length
      ? fc.constantFrom(...usable)
      : fc.constant(
          new Unsatisfiable(
            `none of the ids the server listed for it (${known.slice(0, 3).map(textOf).join(', ')}${known.length > 3 ? ', …' : ''}) fits its schema (${describeSchema(ctx, schemaPointer)})`,
          ),
        );
  }
  const key = identityKey(ctx, schemaPointer, p.extensions);
  if (key !== undefined) return identityArbitrary(key, options);
  const clock = clockOf(ctx, schemaPointer);
  if (clock) return clockArbitrary(clock);
  return boundedFilter(
    arbitraryFor(ctx.doc, (getAt(ctx.doc, schemaPointer) as JsonSchema | undefined) ?? p.schema),
    fits,
    `no generated value passes its schema (${describeSchema(ctx, schemaPointer)})${
      elsewhere?.size ? ` and keeps the request on ${op.path} (${[...elsewhere].join(', ')} route to sibling paths)` : ''
    }${p.in === 'header' ? ' and can travel in a header (Latin-1, no control character, no space at either end)' : ''}`,
  );
}

function identityArbitrary(key: string, options: RequestOptions): fc.Arbitrary<unknown> {
  const value = options.identity?.[key];
  return value === undefined
    ? fc.constant(new Unsatisfiable(`the token has no values.${key} (an input bound to the identity: add it to the token matrix)`))
    : fc.constant(value);
}

/**
 * A body built property by property where the spec binds one to the identity (`x-identity-value`) or to the
 * clock (`x-clock`), generated from the schema elsewhere, and kept only when the spec's validator accepts it.
 */
function bodyArbitrary(ctx: WalkContext, op: Operation, options: RequestOptions): fc.Arbitrary<unknown> {
  const body = op.body!;
  if (body.unsupported) {
    const none = fc.constant(new Unsatisfiable(`the body is documented only as ${body.unsupported.join(', ')}, which the generator does not write`));
    return body.required ? none : fc.constant(undefined);
  }
  const known = new Map(
    Object.entries(options.pathValues ?? {})
      .filter(([k, v]) => k.startsWith('body:') && v.length)
      .map(([k, v]) => [k.slice(5), v]),
  );
  const schema = (getAt(ctx.doc, body.schemaPointer) as JsonSchema | undefined) ?? body.schema;
  const generated = bodyValue(ctx, body.schemaPointer, schema, options, 0, '', known);
  // A whole body of JSON `null` is read as no body by servers and frameworks (Prism: "Body parameter is
  // required"), even where a 3.0 `nullable` body schema admits it: an edge to probe, not a typical valid request.
  const notNull = typesOf(schemaAt(ctx, body.schemaPointer)?.schema ?? {}).some((t) => t !== 'null');
  const valid = boundedFilter(
    generated,
    (value) =>
      (value !== null || !notNull) &&
      findUnsatisfiable(value) === undefined &&
      ctx.validators.validate(body.schemaPointer, withClocksResolved(value)).length === 0,
    `no generated body passes its schema (${describeSchema(ctx, body.schemaPointer)})`,
  );
  return body.required ? valid : options.minimal ? fc.constant(undefined) : fc.option(valid, { nil: undefined });
}

/** Generated bodies are validated with their clock-bound fields as they will be sent. */
function withClocksResolved(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null));
}

function bodyValue(
  ctx: WalkContext,
  pointer: string,
  schema: JsonSchema,
  options: RequestOptions,
  depth: number,
  at = '',
  known = new Map<string, unknown[]>(),
): fc.Arbitrary<unknown> {
  const ids = known.get(at);
  if (ids) return fc.constantFrom(...ids);
  const visit = schemaAt(ctx, pointer);
  if (!visit || depth > 4 || (!hasBoundInputs(ctx, pointer, depth) && ![...known.keys()].some((k) => k.startsWith(`${at}/`))))
    return arbitraryFor(ctx.doc, schema, 0, { requiredOnly: !!options.minimal });
  const key = identityKey(ctx, pointer);
  if (key !== undefined) return identityArbitrary(key, options);
  const clock = clockOf(ctx, pointer);
  if (clock) return clockArbitrary(clock);
  const required = new Set((visit.schema['required'] as string[] | undefined) ?? []);
  const properties = Object.keys((visit.schema['properties'] as Record<string, unknown> | undefined) ?? {}).filter(
    (name) => required.has(name) || !options.minimal,
  );
  const entries = properties.map((name) => {
    const sub = propertyAt(ctx, pointer, name)!;
    return [
      name,
      bodyValue(
        ctx,
        sub,
        (visit.schema['properties'] as Record<string, JsonSchema>)[name]!,
        options,
        depth + 1,
        `${at}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`,
        known,
      ),
    ] as const;
  });
  return fc.record(Object.fromEntries(entries), { requiredKeys: properties.filter((n) => required.has(n)) });
}

/** Whether a schema (or one of its properties, a few levels down) is bound to the identity or the clock. */
function hasBoundInputs(ctx: WalkContext, pointer: string, depth: number): boolean {
  if (depth > 4) return false;
  if (identityKey(ctx, pointer) !== undefined || clockOf(ctx, pointer)) return true;
  const visit = schemaAt(ctx, pointer);
  const names = Object.keys((visit?.schema['properties'] as Record<string, unknown> | undefined) ?? {});
  return names.some((n) => hasBoundInputs(ctx, propertyAt(ctx, pointer, n)!, depth + 1));
}

function describeSchema(ctx: WalkContext, pointer: string): string {
  const s = schemaAt(ctx, pointer)?.schema ?? {};
  const parts = ['type', 'format', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'enum']
    .filter((k) => s[k] !== undefined)
    .map((k) => `${k} ${JSON.stringify(s[k])}`);
  return parts.join(', ') || pointer;
}

/**
 * Requests that break exactly one rule of the spec (a required input missing, a wrong type, a value past a
 * bound, a bad format or pattern), each with the basis of the rule it breaks: a request that breaks only an
 * inferred rule is a probe of that inference, not a request the server must refuse. `undefined` when the
 * operation takes no input that can be wrong.
 */
export function invalidRequests(ctx: WalkContext, op: Operation, options: RequestOptions = {}): fc.Arbitrary<RequestCase> | undefined {
  const families = invalidRequestFamilies(ctx, op, options);
  return families ? fc.oneof(...families) : undefined;
}

/** The ways to break a request, one arbitrary per rule and input (what `invalidRequests` draws from); a deep run tries each. */
export function invalidRequestFamilies(spec: WalkContext, op: Operation, options: RequestOptions = {}): Array<fc.Arbitrary<RequestCase>> | undefined {
  // Read-only fields are not the client's to send: breaking one proves nothing (servers ignore them).
  const ctx = requestView(spec);
  const all = validRequests(ctx, op, options);
  // Mutations start from a valid request: when none can be made, there is nothing to break one rule of.
  if (fc.sample(all, { numRuns: 10, seed: 1 }).every((c) => c.unsatisfiable)) return undefined;
  const valid = all.filter((c) => !c.unsatisfiable);
  const mutations: Array<fc.Arbitrary<RequestCase>> = [];
  for (const p of op.parameters.filter((x) => x.in === 'query' || x.in === 'path')) {
    const slot = p.in === 'query' ? 'query' : 'path';
    const target = `${p.in} parameter ${p.name}`;
    if (p.required && p.in === 'query') {
      const basis = ctx.provenance.at(`${p.pointer}/required`);
      mutations.push(valid.map((c) => ({ ...c, query: without(c.query, p.name), invalid: { target, rule: 'required', basis } })));
    }
    for (const bad of badValues(ctx, `${p.pointer}/schema`, { onTheWire: true })) {
      mutations.push(
        fc.tuple(valid, bad.value).map(([c, v]) => ({ ...c, [slot]: { ...c[slot], [p.name]: v }, invalid: { target, rule: bad.rule, basis: bad.basis } })),
      );
    }
  }
  if (op.body && !op.body.unsupported) {
    const bodyPointer = op.body.schemaPointer;
    if (op.body.required)
      mutations.push(
        valid.map(
          (c) =>
            ({
              ...without(c as unknown as Record<string, unknown>, 'body'),
              invalid: { target: 'request body', rule: 'required', basis: ctx.provenance.at(`${bodyPointer.replace(/\/content\/.*$/, '')}/required`) },
            }) as RequestCase,
        ),
      );
    bodyMutations(
      ctx,
      valid.filter((c) => !!c.body && typeof c.body === 'object'),
      bodyPointer,
      '',
      0,
      mutations,
    );
  }
  return mutations.length ? mutations : undefined;
}

/**
 * Breaks one rule of one body field, at any depth (Sila's `header.created` sits inside an object): a required field
 * left out, a value past a bound or of the wrong type, null where the schema does not allow it.
 */
function bodyMutations(
  ctx: WalkContext,
  valid: fc.Arbitrary<RequestCase>,
  pointer: string,
  at: string,
  depth: number,
  out: Array<fc.Arbitrary<RequestCase>>,
): void {
  const visit = schemaAt(ctx, pointer);
  if (!visit || depth > 3) return;
  const required = new Set((visit.schema['required'] as string[] | undefined) ?? []);
  for (const name of Object.keys((visit.schema['properties'] as Record<string, unknown> | undefined) ?? {})) {
    const field = `${at}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const target = `body field ${field.slice(1).replace(/\//g, '.')}`;
    const sub = propertyAt(ctx, pointer, name)!;
    // Only where the parent object is there to change: an optional parent left out has no field to break.
    const present = valid.filter((c) => getAt(c.body, at) !== undefined && getAt(c.body, at) !== null);
    if (required.has(name)) {
      const basis = requiredBasis(ctx, pointer, name);
      out.push(
        present.map((c) => ({ ...c, body: withValueAt(c.body, field, undefined), invalid: { target, rule: 'required', basis } })).map(dropUndefinedAt(field)),
      );
    }
    const subVisit = schemaAt(ctx, sub, visit.inherited);
    if (subVisit && !allowsNull(subVisit.schema) && typesOf(subVisit.schema).length && !clockOf(ctx, sub)) {
      out.push(
        present.map((c) => ({ ...c, body: withValueAt(c.body, field, null), invalid: { target, rule: 'null', basis: keywordBasis(ctx, subVisit, 'type') } })),
      );
    }
    for (const bad of badValues(ctx, sub, {}, visit.inherited)) {
      out.push(
        fc.tuple(present, bad.value).map(([c, v]) => ({ ...c, body: withValueAt(c.body, field, v), invalid: { target, rule: bad.rule, basis: bad.basis } })),
      );
    }
    if (typesOf(subVisit?.schema ?? {}).includes('object')) bodyMutations(ctx, valid, sub, field, depth + 1, out);
  }
}

/** A field set to undefined is a field left out (JSON has no undefined): removed from its object. */
function dropUndefinedAt(field: string): (c: RequestCase) => RequestCase {
  const tokens = parsePointer(field);
  return (c) => {
    const parent = getAt(c.body, tokens.length > 1 ? field.slice(0, field.lastIndexOf('/')) : '') as Record<string, unknown> | undefined;
    if (parent && typeof parent === 'object') delete parent[tokens[tokens.length - 1]!];
    return c;
  };
}

interface BadValue {
  rule: string;
  value: fc.Arbitrary<unknown>;
  basis: Basis;
}

/** Values a schema rejects, one family per rule it states, each with the basis of that rule. */
export function badValues(ctx: WalkContext, pointer: string, { onTheWire = false } = {}, inherited: Basis = DOCUMENTED): BadValue[] {
  const visit = schemaAt(ctx, pointer, inherited);
  if (!visit) return [];
  const s = visit.schema;
  const basis = (keyword: string) => keywordBasis(ctx, visit, keyword);
  const types = typesOf(s);
  const out: BadValue[] = [];
  if (types.length === 1 && (types[0] === 'integer' || types[0] === 'number')) {
    out.push({ rule: 'type', value: fc.constantFrom('abc', 'one', '1.5.2'), basis: basis('type') });
    const safe = (v: number) => Math.abs(v) < Number.MAX_SAFE_INTEGER - 1000;
    if (typeof s['minimum'] === 'number' && safe(s['minimum']))
      out.push({ rule: 'minimum', value: fc.integer({ min: Math.ceil(s['minimum']) - 1000, max: Math.ceil(s['minimum']) - 1 }), basis: basis('minimum') });
    if (typeof s['maximum'] === 'number' && safe(s['maximum']))
      out.push({ rule: 'maximum', value: fc.integer({ min: Math.floor(s['maximum']) + 1, max: Math.floor(s['maximum']) + 1000 }), basis: basis('maximum') });
  }
  if (types.length === 1 && types[0] === 'boolean') {
    // Words no boolean parser reads as true or false (yes/1/on are accepted by many and prove nothing).
    out.push({ rule: 'type', value: fc.constantFrom('maybe', 'nope', '2', 'truth'), basis: basis('type') });
  }
  if (types.length === 1 && types[0] === 'string' && !clockOf(ctx, pointer)) {
    for (const keyword of ['format', 'pattern'] as const) {
      if (s[keyword] === undefined || s['x-identity-value'] !== undefined) continue;
      if (keyword === 'format' && !['date-time', 'date', 'uri', 'url', 'hostname', 'email', 'uuid', 'ipv4'].includes(String(s['format']))) continue;
      const breaks = (v: string) => ctx.validators.validate(pointer, v).some((e) => e.keyword === keyword);
      const candidates = fc.string({ maxLength: 6 }).map((x) => `not valid ${x}`);
      // A pattern that admits anything cannot be broken: no rule to probe.
      if (fc.sample(candidates, { numRuns: 30, seed: 1 }).some(breaks)) out.push({ rule: keyword, value: candidates.filter(breaks), basis: basis(keyword) });
    }
    if (typeof s['minLength'] === 'number' && s['minLength'] > 0) out.push({ rule: 'minLength', value: fc.constant(''), basis: basis('minLength') });
    if (typeof s['maxLength'] === 'number') out.push({ rule: 'maxLength', value: fc.constant('x'.repeat(s['maxLength'] + 1)), basis: basis('maxLength') });
    // In a query or path every value travels as text, so only JSON bodies can carry a wrongly typed string.
    if (!Array.isArray(s['enum']) && !onTheWire) out.push({ rule: 'type', value: fc.constantFrom(12345, true, { nested: 1 }), basis: basis('type') });
  }
  if (Array.isArray(s['enum']) && types.every((t) => t === 'string')) {
    const allowed = new Set(s['enum']);
    out.push({
      rule: 'enum',
      value: fc
        .string({ minLength: 1, maxLength: 8 })
        .map((x) => `zz_${x}`)
        .filter((v) => !allowed.has(v)),
      basis: basis('enum'),
    });
  }
  return out;
}

/**
 * What a valid request's acceptance rests on: documented, unless it carries a value for an input whose own schema
 * the spec only infers (a guessed bound, pattern or format) — then a server refusing it contradicts that guess,
 * not the docs. The shrinker leaves optional inputs out, so a refusal that does not need them stays documented.
 */
export function requestBasis(ctx: WalkContext, op: Operation, c: RequestCase): Basis {
  for (const p of op.parameters) {
    const slot = p.in === 'path' ? c.path : p.in === 'query' ? c.query : p.in === 'header' ? c.headers : undefined;
    if (!slot || slot[p.name] === undefined) continue;
    const b = inferredOwnSchema(ctx, `${p.pointer}/schema`, ctx.provenance.at(p.pointer));
    if (b.basis === 'inferred') return b;
  }
  if (op.body && c.body && typeof c.body === 'object') {
    for (const name of Object.keys(c.body)) {
      const sub = propertyAt(ctx, op.body.schemaPointer, name);
      if (!sub) continue;
      const b = inferredOwnSchema(ctx, sub, DOCUMENTED);
      if (b.basis === 'inferred') return b;
    }
  }
  return DOCUMENTED;
}

/** The first inferred keyword of an input's own schema (or what it inherits), else documented. */
export function inferredOwnSchema(ctx: WalkContext, pointer: string, inherited: Basis): Basis {
  const visit = schemaAt(ctx, pointer, inherited);
  if (!visit) return inherited;
  if (visit.inherited.basis === 'inferred') return visit.inherited;
  for (const keyword of Object.keys(visit.schema)) {
    const b = keywordBasis(ctx, visit, keyword);
    if (b.basis === 'inferred') return b;
  }
  return DOCUMENTED;
}

function without<T extends Record<string, unknown>>(record: T, key: string): T {
  const { [key]: _dropped, ...rest } = record ?? ({} as T);
  return rest as T;
}
