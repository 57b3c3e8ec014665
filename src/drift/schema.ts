import { textOf } from '../spec/text.ts';
import { hashOf, same, schemaView } from './canonical.ts';
import { compareComposition, unwrapComposition } from './composition.ts';
import type { DriftRuleId } from './rules.ts';
import { DiffRun, type At, type KeyRule } from './run.ts';
import { child, isObject, items, keysOf, value, type Side } from './side.ts';

/**
 * Schema comparison for one direction. A request schema states what the server accepts: it breaks clients when
 * it narrows. A response schema states what clients may receive: it breaks them when it widens.
 * @see https://json-schema.org/draft/2020-12/json-schema-validation (the keywords compared)
 */
export type Direction = 'request' | 'response';

export interface SchemaAt extends At {
  dir: Direction;
  /** Display path inside the schema: `data.roles[].name`. */
  path: string;
  /** Turns a display path into a location: `(path) => 'response 200 ' + path`. */
  place: (path: string) => string;
  depth: number;
  stack: readonly string[];
  /** A parameter: its value travels as text, so a string accepts what a number or boolean did. */
  text?: boolean;
}

const MAX_DEPTH = 40;

export function schemaAt(base: At, dir: Direction, place: (path: string) => string, text = false): SchemaAt {
  return { ...base, dir, path: '', place, location: place(''), depth: 0, stack: [], ...(text ? { text } : {}) };
}

/** The place one step down: a property, `[]` for items, `<oneOf:Pet>` for a branch. */
export function down(at: SchemaAt, step: string, dir: Direction = at.dir): SchemaAt {
  const path = step.startsWith('.') ? (at.path ? `${at.path}${step}` : step.slice(1)) : `${at.path}${step}`;
  return { ...at, dir, path, location: at.place(path), depth: at.depth + 1 };
}

/** Picks the rule for the direction: `pick(at, 'request-x', 'response-y')`. */
export function pick(at: SchemaAt, request: DriftRuleId, response: DriftRuleId): DriftRuleId {
  return at.dir === 'request' ? request : response;
}

/** A narrowing (fewer values accepted) is breaking for a request and harmless for a response; a widening the reverse. */
export function narrowed(at: SchemaAt): DriftRuleId {
  return pick(at, 'request-constraint-tightened', 'response-constraint-tightened');
}
export function widened(at: SchemaAt): DriftRuleId {
  return pick(at, 'request-constraint-loosened', 'response-constraint-loosened');
}

export function compareSchema(run: DiffRun, a: Side | undefined, b: Side | undefined, at: SchemaAt): void {
  run.pairVisit(a, b);
  if (same(a, b) || !a || !b) return;
  const pair = `${a.ptr} ${b.ptr}`;
  // A recursive schema is compared once, at its first appearance; its changes are reported there.
  if (at.depth > MAX_DEPTH || at.stack.includes(pair)) return;
  const here = { ...at, stack: [...at.stack, pair] };
  if (typeof a.node === 'boolean' || typeof b.node === 'boolean' || !isObject(a.node) || !isObject(b.node)) return compareBooleanSchemas(run, a, b, here);
  const [va, vb] = unwrapComposition(schemaView(a), schemaView(b));
  run.net(here, va, vb, () => run.byKeys(va, vb, here, SCHEMA_RULES));
}

/** Keyword by keyword, either side possibly absent: what an `allOf` branch holding only annotations adds or takes away. */
export function compareSchemaKeys(run: DiffRun, a: Side | undefined, b: Side | undefined, at: SchemaAt): void {
  run.byKeys(a, b, at, SCHEMA_RULES);
}

/** Keywords that describe a value without constraining it (JSON Schema's annotations, lifecycle, ours). */
const ANNOTATIONS = new Set(['title', 'description', '$comment', 'externalDocs', 'example', 'examples', 'default', 'deprecated', 'readOnly', 'writeOnly']);
export function annotationsOnly(s: Side): boolean {
  return keysOf(schemaView(s)).every((k) => ANNOTATIONS.has(k) || k.startsWith('x-'));
}

/** `true`/`{}` accepts anything, `false` nothing. */
function compareBooleanSchemas(run: DiffRun, a: Side, b: Side, at: SchemaAt): void {
  const open = (s: Side) => s.node === true || (isObject(s.node) && !Array.isArray(s.node) && !Object.keys(s.node).length);
  if (a.node === false && b.node !== false) run.emit(widened(at), at, { from: a, to: b }, false, b.node);
  else if (b.node === false) run.emit(narrowed(at), at, { from: a, to: b }, a.node, false);
  else if (open(a) && !open(b)) run.emit(narrowed(at), at, { from: a, to: b }, 'anything', b.node);
  else if (open(b)) run.emit(widened(at), at, { from: a, to: b }, a.node, 'anything');
  else run.leaves(at, a, b);
}

type Rule = KeyRule<SchemaAt>;
const rule = (keys: readonly string[], compare: Rule['compare']): Rule => ({ keys, compare });

// ── values: type, enum, const, format, pattern ───────────────────────────────────────────────────────────

function typesOf(s: Side | undefined): Set<string> | undefined {
  const t = value(s);
  if (typeof t === 'string') return new Set([t]);
  if (Array.isArray(t)) return new Set(t.filter((x): x is string => typeof x === 'string'));
  return undefined; // any type
}

function covers(types: Set<string> | undefined, t: string, text = false): boolean {
  return !types || types.has(t) || (t === 'integer' && types.has('number')) || (text && types.has('string') && ['number', 'integer', 'boolean'].includes(t));
}

const typeRule = rule(['type'], (run, a, b, at) => {
  const ta = typesOf(child(a, 'type'));
  const tb = typesOf(child(b, 'type'));
  const nodes = { from: child(a, 'type'), to: child(b, 'type') };
  const text = (t: Set<string> | undefined) => (t ? [...t].sort().join('|') : 'any');
  const nullA = !ta || ta.has('null');
  const nullB = !tb || tb.has('null');
  if (ta && tb && !nullA && nullB) run.emit(pick(at, 'request-property-became-nullable', 'response-property-became-nullable'), at, nodes, text(ta), text(tb));
  if (ta && tb && nullA && !nullB)
    run.emit(pick(at, 'request-property-became-not-nullable', 'response-property-became-not-nullable'), at, nodes, text(ta), text(tb));
  const lost = ta ? [...ta].filter((t) => t !== 'null' && !covers(tb, t, at.text && at.dir === 'request')) : tb ? ['any'] : [];
  const gained = tb ? [...tb].filter((t) => t !== 'null' && !covers(ta, t)) : ta ? ['any'] : [];
  if (at.dir === 'request') {
    if (lost.length) run.emit('request-type-changed', at, nodes, text(ta), text(tb));
    else if (gained.length) run.emit('request-type-widened', at, nodes, text(ta), text(tb));
  } else if (gained.length) run.emit('response-type-changed', at, nodes, text(ta), text(tb));
  else if (lost.length) run.emit('response-type-narrowed', at, nodes, text(ta), text(tb));
});

const enumRule = rule(['enum'], (run, a, b, at) => {
  const ea = child(a, 'enum');
  const eb = child(b, 'enum');
  if (!ea || !eb) {
    const rule = eb ? pick(at, 'request-enum-added', 'response-enum-added') : pick(at, 'request-enum-removed', 'response-enum-removed');
    return run.emit(rule, at, { from: ea, to: eb }, value(ea), value(eb));
  }
  const inA = new Set(items(ea).map(hashOf));
  const inB = new Set(items(eb).map(hashOf));
  for (const item of items(ea))
    if (!inB.has(hashOf(item))) run.emit(pick(at, 'request-enum-value-removed', 'response-enum-value-removed'), at, { from: item }, item.node);
  for (const item of items(eb))
    if (!inA.has(hashOf(item))) run.emit(pick(at, 'request-enum-value-added', 'response-enum-value-added'), at, { to: item }, undefined, item.node);
});

/**
 * `x-extensible-enum` (Zalando's convention): an open list — clients must expect values beyond it, so only a value
 * removed from a request breaks; the rest is information.
 */
const extensibleEnumRule = rule(['x-extensible-enum'], (run, a, b, at) => {
  const ea = child(a, 'x-extensible-enum');
  const eb = child(b, 'x-extensible-enum');
  if (at.dir === 'response' || !ea || !eb) return run.leaves(at, ea, eb, 'vendor-extension-changed');
  const inA = new Set(items(ea).map(hashOf));
  const inB = new Set(items(eb).map(hashOf));
  for (const item of items(ea)) if (!inB.has(hashOf(item))) run.emit('request-enum-value-removed', at, { from: item }, item.node);
  for (const item of items(eb)) if (!inA.has(hashOf(item))) run.emit('request-enum-value-added', at, { to: item }, undefined, item.node);
});

const constRule = rule(['const'], (run, a, b, at) => {
  const ca = child(a, 'const');
  const cb = child(b, 'const');
  const nodes = { from: ca, to: cb };
  if (ca && !cb) run.emit(pick(at, 'request-const-removed', 'response-const-changed'), at, nodes, ca.node);
  else if (!ca && cb) run.emit(pick(at, 'request-const-changed', 'response-const-added'), at, nodes, undefined, cb.node);
  else run.emit(pick(at, 'request-const-changed', 'response-const-changed'), at, nodes, ca?.node, cb?.node);
});

/** `format`, `contentEncoding`, `contentMediaType`: what a string holds. */
const formatRule = (key: string) =>
  rule([key], (run, a, b, at) => {
    const fa = child(a, key);
    const fb = child(b, key);
    const nodes = { from: fa, to: fb };
    if (fa && !fb) run.emit(pick(at, 'request-format-removed', 'response-format-changed'), at, nodes, fa.node, 'none');
    else if (!fa && fb) run.emit(pick(at, 'request-format-changed', 'response-format-added'), at, nodes, 'none', fb.node);
    else run.emit(pick(at, 'request-format-changed', 'response-format-changed'), at, nodes, fa?.node, fb?.node);
  });

const patternRule = rule(['pattern'], (run, a, b, at) => {
  // `pattern: ''` matches every string: the same as no pattern.
  const pa = value(child(a, 'pattern')) ? child(a, 'pattern') : undefined;
  const pb = value(child(b, 'pattern')) ? child(b, 'pattern') : undefined;
  const nodes = { from: pa, to: pb };
  if (!pa) run.emit(pick(at, 'request-pattern-added', 'response-pattern-added'), at, nodes, undefined, pb?.node);
  else if (!pb) run.emit(pick(at, 'request-pattern-removed', 'response-pattern-changed'), at, nodes, pa.node, 'none');
  else run.emit(pick(at, 'request-pattern-changed', 'response-pattern-changed'), at, nodes, pa.node, pb.node);
});

// ── bounds ───────────────────────────────────────────────────────────────────────────────────────────────

const LOWER_BOUNDS = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties', 'minContains'];
const UPPER_BOUNDS = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties', 'maxContains'];

/** A bound raised (lower bounds) or lowered (upper bounds), or newly set, narrows what the schema allows. */
const boundRule = (key: string, lower: boolean) =>
  rule([key], (run, a, b, at) => {
    const na = value<number>(child(a, key));
    const nb = value<number>(child(b, key));
    const nodes = { from: child(a, key), to: child(b, key) };
    if (typeof na !== 'number' && typeof nb !== 'number') return;
    const tighter = na === undefined ? true : nb === undefined ? false : lower ? nb > na : nb < na;
    run.emit(tighter ? narrowed(at) : widened(at), at, nodes, `${key} ${na ?? 'none'}`, `${key} ${nb ?? 'none'}`);
  });

const multipleOfRule = rule(['multipleOf'], (run, a, b, at) => {
  const na = value<number>(child(a, 'multipleOf'));
  const nb = value<number>(child(b, 'multipleOf'));
  const nodes = { from: child(a, 'multipleOf'), to: child(b, 'multipleOf') };
  // 2 → 4 allows fewer values, 4 → 2 more; 2 → 3 neither: narrowed for some values, so narrowed.
  const looser = nb === undefined || (na !== undefined && Number.isInteger(na / nb));
  run.emit(looser ? widened(at) : narrowed(at), at, nodes, `multipleOf ${na ?? 'none'}`, `multipleOf ${nb ?? 'none'}`);
});

const flagRule = (key: string) =>
  rule([key], (run, a, b, at) => {
    const on = value(child(b, key)) === true;
    run.emit(
      on ? narrowed(at) : widened(at),
      at,
      { from: child(a, key), to: child(b, key) },
      `${key} ${textOf(value(child(a, key)) ?? false)}`,
      `${key} ${on}`,
    );
  });

// ── objects ──────────────────────────────────────────────────────────────────────────────────────────────

const flag = (s: Side | undefined, key: string) => isObject(s?.node) && value(child(s, key)) === true;
const hiddenIn = (s: Side, key: string) => flag(schemaView(s), key);

/** Properties and `required`, together: a new required property is one change, not two. */
const propertiesRule = rule(['properties', 'required'], (run, a, b, at) => {
  const pa = child(a, 'properties');
  const pb = child(b, 'properties');
  const requiredIn = (s: Side | undefined) =>
    new Map(
      items(child(s, 'required'))
        .filter((i) => typeof i.node === 'string')
        .map((i) => [i.node as string, i]),
    );
  const ra = requiredIn(a);
  const rb = requiredIn(b);
  const names = new Set([...keysOf(pa), ...keysOf(pb), ...ra.keys(), ...rb.keys()]);
  // What a request cannot carry (readOnly) and a response never holds (writeOnly) is not compared as such.
  const hidden = at.dir === 'request' ? 'readOnly' : 'writeOnly';
  const hiddenRule: DriftRuleId = at.dir === 'request' ? 'request-read-only-property-changed' : 'response-write-only-property-changed';
  for (const name of names) {
    const x = child(pa, name);
    const y = child(pb, name);
    const here = down(at, `.${name}`);
    const wasRequired = ra.has(name);
    const isRequired = rb.has(name);
    if ((!x || hiddenIn(x, hidden)) && (!y || hiddenIn(y, hidden)) && (x || y)) {
      if (!same(x, y)) run.leaves(here, x, y, hiddenRule);
      if (wasRequired !== isRequired) run.emit(hiddenRule, here, { from: ra.get(name), to: rb.get(name) });
      continue;
    }
    if (x && !y) {
      if (at.dir === 'request') run.emit('request-property-removed', here, { from: x });
      else run.emit('response-property-removed', here, { from: x });
      continue;
    }
    if (!x && y) {
      if (at.dir === 'request') run.emit(isRequired ? 'request-property-added-required' : 'request-property-added-optional', here, { to: y });
      else run.emit('response-property-added', here, { to: y });
      continue;
    }
    if (wasRequired !== isRequired) {
      const nodes = { from: ra.get(name), to: rb.get(name) };
      if (at.dir === 'request') run.emit(isRequired ? 'request-property-became-required' : 'request-property-became-optional', here, nodes);
      else run.emit(isRequired ? 'response-property-became-required' : 'response-property-became-optional', here, nodes);
    }
    if (x && y) compareSchema(run, x, y, here);
  }
});

/** `additionalProperties` / `unevaluatedProperties` / `items` / `unevaluatedItems`: open (absent, true, {}), closed (false), or a schema. */
const openEndedRule = (key: string, step: string) =>
  rule([key], (run, a, b, at) => {
    const x = child(a, key);
    const y = child(b, key);
    const state = (s: Side | undefined) =>
      !s || s.node === true || (isObject(s.node) && !Array.isArray(s.node) && !Object.keys(s.node).length) ? 'open' : s.node === false ? 'closed' : 'schema';
    const [sa, sb] = [state(x), state(y)];
    const here = down(at, step);
    if (sa === 'schema' && sb === 'schema') return compareSchema(run, x, y, here);
    const looser = sb === 'open' || (sb === 'schema' && sa === 'closed');
    if (at.dir === 'response' && key.endsWith('Properties'))
      return run.emit('response-additional-properties-changed', here, { from: x, to: y }, x?.node ?? true, y?.node ?? true);
    run.emit(looser ? widened(here) : narrowed(here), here, { from: x, to: y }, x?.node ?? true, y?.node ?? true);
  });

/** Maps of name → schema (`patternProperties`, `dependentSchemas`): an entry added narrows, removed widens. */
const schemaMapRule = (key: string, step: (name: string) => string) =>
  rule([key], (run, a, b, at) => {
    const ma = child(a, key);
    const mb = child(b, key);
    for (const name of new Set([...keysOf(ma), ...keysOf(mb)])) {
      const x = child(ma, name);
      const y = child(mb, name);
      const here = down(at, step(name));
      if (x && y) compareSchema(run, x, y, here);
      else run.emit(y ? narrowed(here) : widened(here), here, { from: x, to: y });
    }
  });

/**
 * A single sub-schema that constrains when present (`propertyNames`, `contains`, `if`/`then`/`else`, `contentSchema`).
 * `not` is compared the other way round: a tighter `not` schema lets more through.
 */
const subschemaRule = (key: string, step: string, flipped = false) =>
  rule([key], (run, a, b, at) => {
    const x = child(a, key);
    const y = child(b, key);
    const here = down(at, step);
    if (x && y) compareSchema(run, x, y, flipped ? { ...here, dir: at.dir === 'request' ? 'response' : 'request' } : here);
    else run.emit(y ? narrowed(here) : widened(here), here, { from: x, to: y });
  });

const dependentRequiredRule = rule(['dependentRequired'], (run, a, b, at) => {
  const ma = child(a, 'dependentRequired');
  const mb = child(b, 'dependentRequired');
  for (const name of new Set([...keysOf(ma), ...keysOf(mb)])) {
    const x = child(ma, name);
    const y = child(mb, name);
    const va = new Set(items(x).map((i) => i.node));
    const vb = new Set(items(y).map((i) => i.node));
    const here = down(at, `(if ${name})`);
    for (const item of items(y))
      if (!va.has(item.node)) run.emit(narrowed(here), here, { from: x, to: item }, undefined, `${name} requires ${String(item.node)}`);
    for (const item of items(x)) if (!vb.has(item.node)) run.emit(widened(here), here, { from: item, to: y }, `${name} requires ${String(item.node)}`);
  }
});

const prefixItemsRule = rule(['prefixItems'], (run, a, b, at) => {
  const la = items(child(a, 'prefixItems'));
  const lb = items(child(b, 'prefixItems'));
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    const here = down(at, `[${i}]`);
    if (la[i] && lb[i]) compareSchema(run, la[i], lb[i], here);
    else run.emit(lb[i] ? narrowed(here) : widened(here), here, { from: la[i], to: lb[i] });
  }
});

// ── mutability, lifecycle, annotations ───────────────────────────────────────────────────────────────────

const readOnlyRule = rule(['readOnly'], (run, a, b, at) => {
  const on = flag(b, 'readOnly');
  const nodes = { from: child(a, 'readOnly'), to: child(b, 'readOnly') };
  if (at.dir === 'request') run.emit(on ? 'request-property-became-read-only' : 'request-property-became-writable', at, nodes);
  else run.emit('mutability-changed', at, nodes, `readOnly ${!on}`, `readOnly ${on}`);
});

const writeOnlyRule = rule(['writeOnly'], (run, a, b, at) => {
  const on = flag(b, 'writeOnly');
  const nodes = { from: child(a, 'writeOnly'), to: child(b, 'writeOnly') };
  if (at.dir === 'response') run.emit(on ? 'response-property-became-write-only' : 'response-property-became-readable', at, nodes);
  else run.emit('mutability-changed', at, nodes, `writeOnly ${!on}`, `writeOnly ${on}`);
});

export const deprecatedRule = <A extends At>(): KeyRule<A> => ({
  keys: ['deprecated'],
  compare: (run, a, b, at) =>
    run.emit(flag(b, 'deprecated') ? 'deprecated-added' : 'deprecated-removed', at, { from: child(a, 'deprecated'), to: child(b, 'deprecated') }),
});

/** Keys that only document: any difference is `rule` at each differing leaf. */
export const docRule = <A extends At>(keys: readonly string[], ruleId: DriftRuleId): KeyRule<A> => ({
  keys,
  compare: (run, a, b, at) => {
    for (const key of keys) run.leaves(at, child(a, key), child(b, key), ruleId);
  },
});

const defaultRule = rule(['default'], (run, a, b, at) => {
  const x = child(a, 'default');
  const y = child(b, 'default');
  const id: DriftRuleId = at.dir === 'response' ? 'response-default-changed' : x ? 'request-default-changed' : 'request-default-added';
  run.emit(id, at, { from: x, to: y }, x?.node, y?.node);
});

const discriminatorRule = docRule<SchemaAt>(['discriminator'], 'discriminator-changed');

const SCHEMA_RULES: Rule[] = [
  typeRule,
  enumRule,
  extensibleEnumRule,
  constRule,
  formatRule('format'),
  formatRule('contentEncoding'),
  formatRule('contentMediaType'),
  patternRule,
  ...LOWER_BOUNDS.map((k) => boundRule(k, true)),
  ...UPPER_BOUNDS.map((k) => boundRule(k, false)),
  multipleOfRule,
  flagRule('uniqueItems'),
  propertiesRule,
  openEndedRule('additionalProperties', '.*'),
  openEndedRule('unevaluatedProperties', '.*'),
  openEndedRule('items', '[]'),
  openEndedRule('unevaluatedItems', '[]'),
  prefixItemsRule,
  schemaMapRule('patternProperties', (re) => `./${re}/`),
  schemaMapRule('dependentSchemas', (name) => `(if ${name})`),
  dependentRequiredRule,
  subschemaRule('propertyNames', '{name}'),
  subschemaRule('contains', '[contains]'),
  subschemaRule('if', '(if)'),
  subschemaRule('then', '(then)'),
  subschemaRule('else', '(else)'),
  subschemaRule('contentSchema', '(content)'),
  subschemaRule('not', '(not)', true),
  rule(['oneOf'], (run, a, b, at) => compareComposition(run, a, b, at, 'oneOf')),
  rule(['anyOf'], (run, a, b, at) => compareComposition(run, a, b, at, 'anyOf')),
  rule(['allOf'], (run, a, b, at) => compareComposition(run, a, b, at, 'allOf')),
  discriminatorRule,
  readOnlyRule,
  writeOnlyRule,
  deprecatedRule<SchemaAt>(),
  defaultRule,
  docRule<SchemaAt>(['title', 'description', '$comment', 'externalDocs'], 'description-changed'),
  docRule<SchemaAt>(['example', 'examples'], 'example-changed'),
];
