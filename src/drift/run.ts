import { hashOf, same, sameKey, schemaView } from './canonical.ts';
import { DRIFT_RULES, type DriftChange, type DriftRuleId } from './rules.ts';
import { compareExtension } from './extensions.ts';
import { child, isObject, items, keysOf, type Side } from './side.ts';

/** Where a change is, for a reader: the operation and a place in it (`response 200 data.status`). */
export interface At {
  operation: string;
  location: string;
}

export interface DiffOptions {
  /** Compare only the operations the candidate has (a partial candidate, e.g. rebuilt from doc excerpts). */
  partial?: boolean;
  /** "Now", for sunset dates (a removal before an announced sunset is breaking). Default: the clock. */
  now?: Date;
}

/** A comparison of some keys of two objects: the unit the safety net watches. */
export interface KeyRule<A extends At = At> {
  keys: readonly string[];
  compare(run: DiffRun, a: Side | undefined, b: Side | undefined, at: A): void;
}

const MAX_LEAVES = 50;

/**
 * One diff in progress: the changes found so far, and the safety net that makes "No changes" mean "the same
 * contract". Every comparison runs under the net: when it names no change although the two sides differ
 * canonically, every leaf where they differ is reported as `unclassified-change` at its pointer.
 */
export class DiffRun {
  readonly changes: DriftChange[] = [];
  /** Component pointers compared with themselves somewhere under an operation: their changes are reported there. */
  readonly visited = new Set<string>();

  constructor(readonly options: DiffOptions = {}) {}

  /** Differences a comparison looked at and set aside on purpose (see `accept`). */
  private accepted = 0;

  /** Changes named so far, and differences deliberately set aside: what the safety net counts. */
  get count(): number {
    return this.changes.length + this.accepted;
  }

  /**
   * A comparison that saw a difference and decides it is none, for a stated reason — a candidate rebuilt from doc
   * pages has no scopes or `x-` rules of ours to compare. Keeps the safety net from reporting it.
   */
  accept(): void {
    this.accepted++;
  }

  /**
   * A change, reported at the changed node: where it is written when it is on both sides, where it was referenced
   * from when it was added or removed (a removed `400` response is the operation's, not its component's).
   */
  emit(rule: DriftRuleId, at: At, nodes: { from?: Side | undefined; to?: Side | undefined }, before?: unknown, after?: unknown): void {
    const where = nodes.to ?? nodes.from;
    const oneSided = !nodes.to || !nodes.from;
    this.changes.push({
      rule,
      level: DRIFT_RULES[rule].level,
      operation: at.operation,
      location: at.location,
      pointer: where ? (where.virtual ?? (oneSided && where.site !== undefined ? where.site : where.ptr)) : '',
      in: nodes.to ? 'candidate' : 'base',
      ...(before !== undefined ? { from: show(before) } : {}),
      ...(after !== undefined ? { to: show(after) } : {}),
    });
  }

  /** Every leaf where `a` and `b` differ, reported as `rule`. */
  leaves(at: At, a: Side | undefined, b: Side | undefined, rule: DriftRuleId = 'unclassified-change'): void {
    let n = 0;
    rawDiff(a, b, (x, y) => {
      if (n++ < MAX_LEAVES) this.emit(rule, at, { from: x, to: y }, x ? x.node : undefined, y ? y.node : undefined);
    });
  }

  /** Runs `compare`; if it named nothing and the two differ, their differing leaves are unclassified changes. */
  net(at: At, a: Side | undefined, b: Side | undefined, compare: () => void): void {
    if (same(a, b)) return;
    const before = this.count;
    compare();
    if (this.count === before) this.leaves(at, a, b);
  }

  /**
   * Compares two objects key by key: each rule gets the keys it owns, `x-` keys go to `extension`, any other
   * key that differs is unclassified. A rule that says nothing about keys that differ leaves them to the net.
   */
  byKeys<A extends At>(
    a: Side | undefined,
    b: Side | undefined,
    at: A,
    rules: ReadonlyArray<KeyRule<A>>,
    options: { extension?: (key: string, a: Side | undefined, b: Side | undefined) => void; skip?: readonly string[]; other?: DriftRuleId } = {},
  ): void {
    const owned = new Set<string>(options.skip);
    const extension = options.extension ?? ((key, x, y) => compareExtension(this, key, x, y, at));
    for (const rule of rules) {
      for (const key of rule.keys) owned.add(key);
      const differing = rule.keys.filter((key) => !sameKey(a, b, key));
      if (!differing.length) continue;
      const before = this.count;
      rule.compare(this, a, b, at);
      if (this.count === before) for (const key of differing) this.leaves(at, child(a, key), child(b, key));
    }
    for (const key of unionKeys(a, b)) {
      if (owned.has(key) || sameKey(a, b, key)) continue;
      if (key.startsWith('x-')) this.net(at, child(a, key), child(b, key), () => extension(key, child(a, key), child(b, key)));
      else this.leaves(at, child(a, key), child(b, key), options.other);
    }
  }

  /** Notes that a component was compared with itself (its changes are then reported where it is used). */
  pairVisit(a: Side | undefined, b: Side | undefined): void {
    if (!a || !b) return;
    if (a.ptr === b.ptr) this.visited.add(a.ptr);
    for (const ref of a.refs ?? []) if (b.refs?.includes(ref)) this.visited.add(ref);
  }
}

export function unionKeys(a: Side | undefined, b: Side | undefined): string[] {
  return [...new Set([...keysOf(a), ...keysOf(b)])];
}

/**
 * The leaves where two nodes differ canonically (`same` prunes equal subtrees): a node on one side only, a value
 * changed, an item of a set added or removed. Schemas are read merged (`allOf`), as the hash reads them.
 */
export function rawDiff(a: Side | undefined, b: Side | undefined, out: (a: Side | undefined, b: Side | undefined) => void, stack: string[] = []): void {
  if (same(a, b)) return;
  // A list the diff built (merged from allOf branches) has no place of its own: its items do.
  const built = a?.virtual !== undefined ? a : b?.virtual !== undefined ? b : undefined;
  if (built && (!a || !b) && isObject(built.node)) {
    for (const key of keysOf(built).concat(Array.isArray(built.node) ? built.node.map((_, i) => String(i)) : []))
      rawDiff(a && child(a, key), b && child(b, key), out, stack);
    return;
  }
  if (!a || !b || !isObject(a.node) || !isObject(b.node) || Array.isArray(a.node) !== Array.isArray(b.node)) return out(a, b);
  const pair = `${a.ptr} ${b.ptr}`;
  if (stack.includes(pair)) return;
  stack.push(pair);
  if (Array.isArray(a.node)) {
    if (a.set || b.set) {
      const hashesA = new Set(items(a).map(hashOf));
      const hashesB = new Set(items(b).map(hashOf));
      for (const item of items(a)) if (!hashesB.has(hashOf(item))) out(item, undefined);
      for (const item of items(b)) if (!hashesA.has(hashOf(item))) out(undefined, item);
    } else {
      const n = Math.max(a.node.length, (b.node as unknown[]).length);
      for (let i = 0; i < n; i++) rawDiff(child(a, String(i)), child(b, String(i)), out, stack);
    }
  } else {
    const va = a.data ? a : schemaView(a);
    const vb = b.data ? b : schemaView(b);
    for (const key of unionKeys(va, vb)) if (!sameKey(va, vb, key)) rawDiff(child(va, key), child(vb, key), out, stack);
  }
  stack.pop();
}

export function show(v: unknown): string {
  const text = typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}
