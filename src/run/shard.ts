import type { Operation } from '../spec/operations.ts';
import type { OpenApiDocument } from '../spec/types.ts';
import { idSource, sourceOperation } from '../spec/links.ts';

/**
 * Fan-out across CI runners (`--shard i/n`): each contract test belongs to one shard by a hash of what it is about
 * — the operation key (`GET /kyc/status`) for every per-operation family, so all the checks of an operation run on
 * the same runner, or the test's own name (a flow) — never by file or position, so adding an operation moves no
 * other between shards. The shard reports come back together with `--merge-reports` (src/report/merge.ts).
 */
export interface Shard {
  index: number;
  count: number;
}

/** Whether the test about `key` runs in this shard (every test does when the run is not sharded). */
export function inShard(key: string, shard: Shard | undefined): boolean {
  return !shard || shardOf(key, shard.count) === shard.index;
}

/**
 * The shard (1-based) a key belongs to among `count`: FNV-1a of the key, mixed (murmur3's finalizer) so that keys
 * differing only at the end still spread — the same on every machine and every Node version.
 */
export function shardOf(key: string, count: number): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (((h ^ (h >>> 16)) >>> 0) % count) + 1;
}

/**
 * Declarations whose requests can reach operations other than the one under test: a flow's steps, a link followed
 * wherever it points, the tenant matrix's reads of other resources.
 */
const REACHES_ANY = ['x-flows', 'x-links', 'x-tenant'] as const;

/**
 * The operations the tests of one shard send requests to: its own, and the list operations their ids are read
 * from (`x-resource-list`, or an OpenAPI link) — or undefined, every operation, when the run is not sharded, when a declaration
 * can lead anywhere, or when the shard holds none. A shard's embedded mock serves only these: Prism matches every
 * request against every operation it serves, so on DigitalOcean's 408 a shard's mock spent a quarter of its time
 * routing (BENCHMARKS.md). The transport refuses a request outside them, so a mistake here stops the run instead of
 * turning into a 404 judged as the server's.
 */
export function servedOperations(spec: { doc: OpenApiDocument; operations: readonly Operation[] }, shard: Shard | undefined): string[] | undefined {
  if (!shard || shard.count === 1) return undefined;
  const reachesAny =
    REACHES_ANY.some((x) => spec.doc[x] !== undefined) || spec.operations.some((op) => [...op.responses.values()].some((r) => r.extensions['x-links']));
  if (reachesAny) return undefined;
  const mine = spec.operations.filter((op) => inShard(op.key, shard));
  if (!mine.length) return undefined;
  const lists = mine.map((op) => {
    const source = idSource(spec.doc, spec.operations, op);
    return source && sourceOperation(spec.operations, source)?.key;
  });
  return [...new Set([...mine.map((op) => op.key), ...lists.filter((key): key is string => key !== undefined)])];
}
