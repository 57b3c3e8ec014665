import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const SCRIPT = join(ROOT, 'scripts/generate.ts');

function workspace(edit?: (generated: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'contract-gen-'));
  mkdirSync(join(dir, 'spec'));
  mkdirSync(join(dir, 'generated'));
  cpSync(join(ROOT, 'spec/salesive-account.yaml'), join(dir, 'spec/salesive-account.yaml'));
  const committed = readFileSync(join(ROOT, 'generated/salesive-account.ts'), 'utf8');
  writeFileSync(join(dir, 'generated/salesive-account.ts'), edit ? edit(committed) : committed);
  return dir;
}

describe('generated/ freshness', () => {
  test('the committed types are what the spec produces now', () => {
    const out = execFileSync(TSX, [SCRIPT, '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(out).toMatch(/up to date/);
  });

  test('a hand-edited generated file fails the check, naming the fix', () => {
    const dir = workspace((g) => g.replace('"not_started" | "pending"', '"not_started" | "pending" | "expired"'));
    const run = spawnSync(TSX, [SCRIPT, '--check', 'spec/salesive-account.yaml'], { cwd: dir, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('generated/salesive-account.ts is stale — run npm run generate');
  });

  test('a spec change without regeneration fails the check', () => {
    const dir = workspace();
    const spec = join(dir, 'spec/salesive-account.yaml');
    writeFileSync(
      spec,
      readFileSync(spec, 'utf8').replace(
        'enum: [not_started, pending, in_review, approved, declined]',
        'enum: [not_started, pending, in_review, approved, declined, expired]',
      ),
    );
    const run = spawnSync(TSX, [SCRIPT, '--check', 'spec/salesive-account.yaml'], { cwd: dir, encoding: 'utf8' });
    expect(run.status).toBe(1);
  });
});
