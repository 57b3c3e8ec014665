import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { same } from '../../src/drift/canonical.ts';
import { diffDocuments } from '../../src/drift/diff.ts';
import { rootSide } from '../../src/drift/side.ts';
import { loadSpec } from '../../src/spec/load.ts';
import { getAt } from '../../src/spec/pointer.ts';
import type { OpenApiDocument } from '../../src/spec/types.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const { doc } = await loadSpec('spec/salesive-account.yaml');
const BASE = JSON.parse(JSON.stringify(doc)) as Json;

/** Every node of the document (its path from the root), containers included. */
function nodes(root: Json, path: string[] = [], out: string[][] = []): string[][] {
  out.push(path);
  if (root && typeof root === 'object') for (const [k, v] of Object.entries(root)) nodes(v, [...path, k], out);
  return out;
}
const PATHS = nodes(BASE);

/** Keywords an edit may add to an object: schema constraints, annotations, lifecycle, one of our extensions. */
const ADDED: Array<[string, Json]> = [
  ['maxLength', 3],
  ['minimum', 7],
  ['pattern', '^z$'],
  ['format', 'uuid'],
  ['enum', ['z']],
  ['const', 'z'],
  ['required', ['z']],
  ['readOnly', true],
  ['writeOnly', true],
  ['deprecated', true],
  ['description', 'edited'],
  ['title', 'edited'],
  ['type', 'boolean'],
  ['additionalProperties', false],
  ['uniqueItems', true],
  ['x-inferred', 'edited'],
  ['x-vendor', 1],
  ['example', 'z'],
];

type Edit =
  | { kind: 'set'; at: number; salt: number }
  | { kind: 'delete'; at: number }
  | { kind: 'add'; at: number; keyword: number }
  | { kind: 'rename'; at: number }
  | { kind: 'drop-item'; at: number; index: number }
  | { kind: 'push-item'; at: number; salt: number };

const at = fc.nat(PATHS.length - 1);
const edits: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at, salt: fc.nat(999) }),
  fc.record({ kind: fc.constant('delete' as const), at }),
  fc.record({ kind: fc.constant('add' as const), at, keyword: fc.nat(ADDED.length - 1) }),
  fc.record({ kind: fc.constant('rename' as const), at }),
  fc.record({ kind: fc.constant('drop-item' as const), at, index: fc.nat(20) }),
  fc.record({ kind: fc.constant('push-item' as const), at, salt: fc.nat(999) }),
);

/** Applies the edit to a copy; undefined when it does not apply there (a `set` on an object, a `drop-item` on a string). */
function apply(edit: Edit): Json | undefined {
  const copy = structuredClone(BASE);
  const path = PATHS[edit.at]!;
  const key = path[path.length - 1];
  const parent = path.slice(0, -1).reduce<Json>((node, k) => (node as Record<string, Json>)[k]!, copy) as Record<string, Json> | Json[];
  const node = path.reduce<Json>((n, k) => (n as Record<string, Json>)[k]!, copy);
  const isMap = (v: Json): v is Record<string, Json> => !!v && typeof v === 'object' && !Array.isArray(v);
  switch (edit.kind) {
    case 'set':
      if (key === undefined || (node && typeof node === 'object')) return undefined;
      (parent as Record<string, Json>)[key] =
        typeof node === 'string'
          ? `${node}~${edit.salt}`
          : typeof node === 'number'
            ? node + 1 + edit.salt
            : typeof node === 'boolean'
              ? !node
              : `was-null-${edit.salt}`;
      return copy;
    case 'delete':
      if (key === undefined || !isMap(parent)) return undefined;
      delete parent[key];
      return copy;
    case 'add': {
      const [k, v] = ADDED[edit.keyword]!;
      if (!isMap(node) || JSON.stringify(node[k]) === JSON.stringify(v)) return undefined;
      node[k] = v;
      return copy;
    }
    case 'rename':
      if (key === undefined || !isMap(parent)) return undefined;
      parent[`${key}_renamed`] = parent[key]!;
      delete parent[key];
      return copy;
    case 'drop-item':
      if (!Array.isArray(node) || !node.length) return undefined;
      node.splice(edit.index % node.length, 1);
      return copy;
    case 'push-item':
      if (!Array.isArray(node)) return undefined;
      node.push(typeof node[0] === 'string' ? `pushed-${edit.salt}` : { 'x-pushed': edit.salt });
      return copy;
  }
}

const asDoc = (v: Json) => v as unknown as OpenApiDocument;

describe('no silent differences', () => {
  test('a random edit to the contract is never reported as "No changes"', () => {
    fc.assert(
      fc.property(edits, (edit) => {
        const candidate = apply(edit);
        fc.pre(candidate !== undefined);
        // An edit that only spells out a default (`required: false`) or repeats what an allOf branch already says is
        // the same contract: canonical.ts lists exactly what counts as equal.
        fc.pre(!same(rootSide(asDoc(BASE)), rootSide(asDoc(candidate))));
        const changes = diffDocuments(asDoc(structuredClone(BASE)), asDoc(candidate));
        expect(changes.length, `edit ${JSON.stringify(edit)} at /${PATHS[edit.at]!.join('/')}`).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });

  test('every reported change carries a pointer that exists in the document it names', () => {
    fc.assert(
      fc.property(edits, (edit) => {
        const candidate = apply(edit);
        fc.pre(candidate !== undefined);
        for (const c of diffDocuments(asDoc(structuredClone(BASE)), asDoc(candidate))) {
          const root = c.in === 'candidate' ? candidate! : BASE;
          const found = getAt(root, c.pointer);
          expect(found, `${c.rule} ${c.pointer} (${c.in})`).not.toBeUndefined();
        }
      }),
      { numRuns: 100 },
    );
  });
});
