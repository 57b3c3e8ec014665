import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import getPort from 'get-port';
import { describe, expect, test } from 'vitest';
import { knownApis } from '../../src/config/apis.ts';
import { coverageTable, COVERAGE_END, COVERAGE_START } from '../../src/report/coverage-table.ts';
import { buildSpecModel } from '../../src/run/spec-model.ts';
import { cleanEnv, ROOT } from './support/cli.ts';

/**
 * The README cannot drift from the tool: every command of its `sh` blocks runs here as written, in a copy of the
 * project (so what the commands write — sandbox tokens, reports, a baseline — stays out of the checkout), each
 * line's exit code checked: 0, or the one its comment announces (`# exit 1`). The only changes: the install step
 * `npm ci &&` is left out (installed already), `npm test` is not run (it is this run), and port 8080 becomes a free
 * port.
 */
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);

interface Line {
  command: string;
  expect: number;
}

/** The command lines of a block with the exit code each must give; a background line (`&`) is not waited for. */
function linesOf(block: string, port: number): Line[] {
  return block
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.replace(/8080/g, String(port)).replace(/^npm ci && /, ''))
    .filter((l) => l !== 'npm test' && !/^npm test\b/.test(l))
    .map((l) => {
      const comment = l.indexOf('   #');
      const note = comment >= 0 ? l.slice(comment) : '';
      const command = (comment >= 0 ? l.slice(0, comment) : l).trim();
      return { command, expect: Number(/# exit (\d)/.exec(note)?.[1] ?? 0) };
    });
}

function copyProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'contract-readme-'));
  cpSync(ROOT, dir, {
    recursive: true,
    filter: (src) => !/\/(node_modules|reports|\.git)(\/|$)/.test(src.slice(ROOT.length)) && !src.endsWith('sandbox.tokens.json'),
  });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  // `git:<ref>` in drift commands reads the repository's history (nothing in it is written).
  symlinkSync(join(ROOT, '.git'), join(dir, '.git'), 'dir');
  return dir;
}

/** Runs a block's lines in one bash session, recording each line's exit code. */
function runBlock(lines: Line[], cwd: string): Promise<{ codes: number[]; out: string }> {
  const script = lines.map((l, i) => (l.command.endsWith('&') ? l.command : `${l.command}\necho "__exit ${i} $?"`)).join('\n');
  return new Promise((done) => {
    // Whatever a block left running in the background (a sandbox it forgot to kill) is ended with it.
    const child = spawn('bash', ['-c', `${script}\nkill $(jobs -p) 2>/dev/null; true`], { cwd, env: { ...cleanEnv() } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', () => {
      const codes = lines.map((_l, i) => Number(new RegExp(`__exit ${i} (\\d+)`).exec(out)?.[1] ?? -1));
      done({ codes, out });
    });
  });
}

describe("the README's commands run as written", () => {
  test('there are sh blocks to run', () => expect(blocks.length).toBeGreaterThanOrEqual(4));

  test.each(blocks.map((b, i) => [i + 1, b.split('\n')[0]!.slice(0, 70), b] as const))('block %i: %s', async (_n, _first, block) => {
    const port = await getPort({ host: '127.0.0.1' });
    const lines = linesOf(block, port);
    const dir = copyProject();
    const { codes, out } = await runBlock(lines, dir);
    for (const [i, line] of lines.entries()) {
      if (line.command.endsWith('&')) continue;
      expect(codes[i], `${line.command}\n${out.slice(-2500)}`).toBe(line.expect);
    }
  });
});

test("the README's per-API table is what the specs declare today (npm run docs:checks)", async () => {
  const apis = await Promise.all(knownApis().map(async (a) => ({ name: a.name, spec: await buildSpecModel(a.spec) })));
  const table = coverageTable(apis);
  expect(readme.slice(readme.indexOf(COVERAGE_START), readme.indexOf(COVERAGE_END) + COVERAGE_END.length)).toBe(table);
});
