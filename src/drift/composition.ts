import { unescapeToken } from '../spec/pointer.ts';
import { hashOf, schemaView } from './canonical.ts';
import { pairUp, type Pairing } from './pairing.ts';
import type { DiffRun } from './run.ts';
import { annotationsOnly, compareSchema, compareSchemaKeys, down, narrowed, pick, widened, type SchemaAt } from './schema.ts';
import { child, isObject, items, keysOf, synthetic, value, type Side } from './side.ts';

type Composition = 'oneOf' | 'anyOf' | 'allOf';

/**
 * `oneOf`/`anyOf`/`allOf` compared by content, not position: a branch inserted first does not turn every
 * other branch into a change. Branches pair up when equal, when they are the same component, when they share a
 * title, or when they are the closest match (same type, most property names in common). A `{type: 'null'}`
 * branch is nullability, reported as such.
 * @see https://json-schema.org/draft/2020-12/json-schema-core#section-10.2.1
 */
export function compareComposition(run: DiffRun, a: Side | undefined, b: Side | undefined, at: SchemaAt, key: Composition): void {
  const ca = child(a, key);
  const cb = child(b, key);
  if (key === 'allOf' && (!ca || !cb)) {
    for (const x of items(ca)) allOfBranch(run, x, undefined, at);
    for (const y of items(cb)) allOfBranch(run, undefined, y, at);
    return;
  }
  if (!ca || !cb) {
    // The whole composition came or went: the schema must now (or no longer) match its branches.
    return run.emit(
      cb ? narrowed(at) : widened(at),
      at,
      { from: ca, to: cb },
      ca ? `${key} of ${items(ca).length}` : `no ${key}`,
      cb ? `${key} of ${items(cb).length}` : `no ${key}`,
    );
  }
  const la = items(ca);
  const lb = items(cb);
  if (key !== 'allOf') {
    const nullA = la.find(isNullSchema);
    const nullB = lb.find(isNullSchema);
    if (!nullA && nullB) run.emit(pick(at, 'request-property-became-nullable', 'response-property-became-nullable'), at, { to: nullB }, undefined, 'null');
    if (nullA && !nullB) run.emit(pick(at, 'request-property-became-not-nullable', 'response-property-became-not-nullable'), at, { from: nullA }, 'null');
  }
  const { matched, removed, added } = pairBranches(
    la.filter((s) => !isNullSchema(s)),
    lb.filter((s) => !isNullSchema(s)),
  );
  for (const [x, y] of matched) compareSchema(run, x, y, down(at, `<${key}:${label(y, lb.indexOf(y))}>`));
  for (const x of removed) {
    if (key === 'allOf') allOfBranch(run, x, undefined, at);
    else run.emit(pick(at, 'request-variant-removed', 'response-variant-removed'), down(at, `<${key}:${label(x, la.indexOf(x))}>`), { from: x });
  }
  for (const y of added) {
    if (key === 'allOf') allOfBranch(run, undefined, y, at);
    else run.emit(pick(at, 'request-variant-added', 'response-variant-added'), down(at, `<${key}:${label(y, lb.indexOf(y))}>`), { to: y });
  }
}

/**
 * An `allOf` branch on one side only (what merging could not fold in): one that only annotates (two descriptions
 * that differ) is compared keyword by keyword; one that constrains narrows the schema when added, widens it when gone.
 */
function allOfBranch(run: DiffRun, x: Side | undefined, y: Side | undefined, at: SchemaAt): void {
  const branch = (x ?? y)!;
  if (annotationsOnly(branch)) return compareSchemaKeys(run, x, y, at);
  run.emit(y ? narrowed(at) : widened(at), down(at, `<allOf:${label(branch, 0)}>`), { from: x, to: y });
}

/**
 * A schema that became one branch of a `oneOf`/`anyOf` (or the reverse: `Pet` → `oneOf: [Pet, Dog]`, or the
 * nullable pattern `oneOf: [Pet, {type: 'null'}]`) is compared as a composition of one branch, so the change
 * reads "a variant was added", not "type changed, every property removed". Returns the sides to compare.
 */
export function unwrapComposition(a: Side, b: Side): [Side, Side] {
  const keyOf = (s: Side): 'oneOf' | 'anyOf' | undefined => {
    const has = (k: string) => Array.isArray(value(child(s, k)));
    return has('oneOf') && !has('anyOf') ? 'oneOf' : has('anyOf') && !has('oneOf') ? 'anyOf' : undefined;
  };
  const plain = (s: Side) => !child(s, 'oneOf') && !child(s, 'anyOf');
  const ka = keyOf(a);
  const kb = keyOf(b);
  if (kb && plain(a)) return [wrap(a, b, kb) ?? a, b];
  if (ka && plain(b)) return [a, wrap(b, a, ka) ?? b];
  return [a, b];
}

/** `plain` rewritten as `{ …the keys `composed` also has at its top, [key]: [the rest of plain] }`, if the rest pairs with a branch. */
function wrap(plain: Side, composed: Side, key: 'oneOf' | 'anyOf'): Side | undefined {
  const top = new Set(keysOf(composed));
  const inner = keysOf(plain).filter((k) => !top.has(k));
  if (!inner.length) return undefined;
  const rest = synthetic(
    plain,
    Object.fromEntries(inner.map((k) => [k, (plain.node as Record<string, unknown>)[k]])),
    new Map(inner.map((k) => [k, child(plain, k)!])),
  );
  const branches = items(child(composed, key)).filter((s) => !isNullSchema(s));
  if (!pairBranches([rest], branches).matched.length) return undefined;
  const outer = keysOf(plain).filter((k) => top.has(k));
  const origins = new Map<string, Side>(outer.map((k) => [k, child(plain, k)!]));
  const list = { ...synthetic(plain, [rest.node], new Map([['0', rest]]), key), set: true };
  origins.set(key, list);
  return synthetic(plain, { ...Object.fromEntries(outer.map((k) => [k, (plain.node as Record<string, unknown>)[k]])), [key]: [rest.node] }, origins);
}

export function isNullSchema(s: Side): boolean {
  const v = schemaView(s).node as Record<string, unknown>;
  if (!isObject(v)) return false;
  const t = v['type'];
  if (t === 'null' || (Array.isArray(t) && t.length === 1 && t[0] === 'null')) return true;
  return (Array.isArray(v['enum']) && v['enum'].length === 1 && v['enum'][0] === null) || ('const' in v && v['const'] === null);
}

function label(s: Side, index: number): string {
  const title = value<Record<string, unknown>>(s)?.['title'];
  if (typeof title === 'string') return title;
  const component = /^\/components\/schemas\/([^/]+)$/.exec(s.ptr)?.[1];
  return component ? unescapeToken(component) : String(index);
}

export function pairBranches(la: Side[], lb: Side[]): Pairing<Side> {
  const title = (s: Side) => value<Record<string, unknown>>(s)?.['title'];
  const {
    matched,
    removed: restA,
    added: restB,
  } = pairUp(la, lb, [
    (x, y) => hashOf(x) === hashOf(y),
    (x, y) => x.ptr === y.ptr && x.ptr.startsWith('/components/'),
    (x, y) => typeof title(x) === 'string' && title(x) === title(y),
  ]);
  // Closest remaining match, best scores first.
  const scored = restA
    .flatMap((x) => restB.map((y) => ({ x, y, score: similarity(x, y) })))
    .filter((s) => s.score >= 0.5)
    .sort((p, q) => q.score - p.score);
  for (const { x, y } of scored) {
    if (!restA.includes(x) || !restB.includes(y)) continue;
    restA.splice(restA.indexOf(x), 1);
    restB.splice(restB.indexOf(y), 1);
    matched.push([x, y]);
  }
  return { matched, removed: restA, added: restB };
}

/** 0…1: same type, and the share of property names in common (objects); a lone pair of the same type scores 0.5. */
function similarity(x: Side, y: Side): number {
  const vx = schemaView(x);
  const vy = schemaView(y);
  const type = (s: Side) => JSON.stringify(value<Record<string, unknown>>(s)?.['type'] ?? (child(s, 'properties') ? 'object' : null));
  if (type(vx) !== type(vy)) return 0;
  const px = keysOf(child(vx, 'properties'));
  const py = keysOf(child(vy, 'properties'));
  if (!px.length && !py.length) return 0.5;
  const common = px.filter((p) => py.includes(p)).length;
  return common / new Set([...px, ...py]).size;
}
