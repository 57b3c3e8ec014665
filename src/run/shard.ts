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
