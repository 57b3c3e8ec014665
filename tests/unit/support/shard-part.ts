import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHARD_FILE, type ShardPart } from '../../../src/report/vitest-reporter.ts';

/** A shard's contract-shard.json with no test in it (what a merge reads first), written to a folder of its own. */
export function writeShardPart(fields: Partial<ShardPart> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'shard-'));
  const part: ShardPart = {
    tool: 'kyc-contract-suite',
    kind: 'contract-shard',
    shard: { index: 1, count: 1 },
    spec: 'spec/salesive-account.yaml',
    target: { kind: 'mock', baseUrl: '' },
    runSeed: 1,
    runs: 10,
    policy: { inferred: 'warn', nullable: 'strict' },
    replay: { env: [] },
    startedAt: 0,
    durationMs: 1,
    errors: [],
    cases: [],
    ...fields,
  };
  writeFileSync(join(dir, SHARD_FILE), JSON.stringify(part));
  return dir;
}
