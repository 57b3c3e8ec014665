import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { FIXTURE_TOKENS, startAccountServer } from '../fixtures/account-server.ts';
import { mergeShardReports } from '../../src/report/merge.ts';
import type { ShardPart } from '../../src/report/vitest-reporter.ts';
import { runContract, tokensFile } from './support/cli.ts';
import { writeShardPart } from './support/shard-part.ts';
import { refusal } from './support/refusal.ts';

/**
 * The merged report's token export lines read the tokens from where the shards read them (contract-shard.json
 * records the source), not from the fan-in job's environment, which usually holds no tokens at all.
 */

/** The lines that set a token's variable: what a person pastes before a curl line. */
const exportLines = (text: string) => [...new Set(text.split('\n').flatMap((l) => (l.trim().startsWith('export CONTRACT_TOKEN_') ? [l.trim()] : [])))].sort();

describe('token export lines of merged shards', () => {
  test('read the token file the shards read, whatever the merge job has in its environment, and never a token', async () => {
    const server = await startAccountServer({ faults: ['enum-expired', 'accept-invalid'] });
    const file = tokensFile(FIXTURE_TOKENS);
    const env = { CONTRACT_BASE_URL: server.url, CONTRACT_TOKENS_FILE: file, CONTRACT_RUNS: '10', CONTRACT_SEED: '7' };
    try {
      const shards = [];
      for (const i of [1, 2]) {
        const shard = await runContract(['--shard', `${i}/2`], env);
        expect(shard.status, shard.out.slice(-1500)).toBe(1);
        shards.push(shard);
      }
      // Each shard is a single run with that token file: its lines are the ones to reproduce.
      const want = exportLines(shards.map((s) => s.file('summary.md')).join('\n'));
      expect(want.length).toBeGreaterThan(0);
      for (const line of want) expect(line).toContain(`readFileSync(${JSON.stringify(file)}`);

      const dirs = shards.map((s) => s.reports);
      // A CI fan-in job: no tokens; and one that has other ones inline — the shards' source wins either way.
      const inline = JSON.stringify({ tokens: FIXTURE_TOKENS });
      for (const mergeEnv of [{}, { CONTRACT_TOKENS: inline }] as Array<Record<string, string>>) {
        const merged = await runContract(['--merge-reports', ...dirs], mergeEnv);
        expect(merged.status, merged.out.slice(-1500)).toBe(1);
        expect(exportLines(merged.file('summary.md'))).toEqual(want);
        expect(exportLines(merged.stdout)).toEqual(exportLines(shards.map((s) => s.stdout).join('\n')));
        expect(merged.stdout).toMatch(/export CONTRACT_TOKEN_/);
        const html = merged.file('index.html');
        expect(html).toMatch(/readFileSync\(/);
        for (const text of [merged.file('summary.md'), merged.stdout, html]) {
          expect(text).not.toContain('process.env.CONTRACT_TOKENS');
          for (const t of FIXTURE_TOKENS) expect(text).not.toContain(t.token);
        }
      }
    } finally {
      await server.close();
    }
  }, 300_000);

  test('shards that read their tokens from different places are refused in one line, naming the places and no token', () => {
    const shard = (index: number, tokenSource: ShardPart['tokenSource']) =>
      writeShardPart({ shard: { index, count: 2 }, target: { kind: 'live', baseUrl: 'http://127.0.0.1:1' }, runSeed: 7, tokenSource });
    const dirs = [shard(1, { file: '/ci/a/tokens.json' }), shard(2, { variable: 'CONTRACT_TOKENS' })];
    const message = refusal(() => mergeShardReports(dirs, { outDir: mkdtempSync(join(tmpdir(), 'merged-')), print: () => {} }));
    expect(message).toContain('CONTRACT_TOKENS_FILE=/ci/a/tokens.json');
    expect(message).toMatch(/read its tokens from CONTRACT_TOKENS,/);
  });
});
