import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { fileRefs, specAtRef } from '../../src/drift/git-spec.ts';
import { loadSpec } from '../../src/spec/load.ts';
import { getAt } from '../../src/spec/pointer.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * `drift --from git:<ref>:<path>` on a spec split over several files: every file its `$ref`s reach is read at the
 * ref. Reading only the root there would compare yesterday's root with today's schemas, and a breaking change in a
 * schema file would never show.
 */
describe('a multi-file spec at a git ref', () => {
  let repo: string;
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), text);
  };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
  const status = (values: string[]) => `type: string\nenum: [${values.join(', ')}]\n`;

  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), 'git-spec-'));
    git('init', '-q');
    git('config', 'user.email', 'test@example.invalid');
    git('config', 'user.name', 'test');
    write(
      'api/openapi.yaml',
      [
        'openapi: 3.1.0',
        'info: { title: KYC, version: "1" }',
        'paths:',
        '  /kyc/status:',
        '    get:',
        '      responses:',
        "        '200':",
        '          description: the status',
        '          content:',
        '            application/json:',
        "              schema: { $ref: 'schemas/kyc-status.yaml' }",
        '',
      ].join('\n'),
    );
    write('api/schemas/kyc-status.yaml', "type: object\nproperties:\n  status: { $ref: '../../shared/status.yaml#' }\n");
    write('shared/status.yaml', status(['pending', 'approved']));
    git('add', '-A');
    git('commit', '-q', '-m', 'spec');
    // Today's copy: a value more in the file two $refs away from the root.
    write('shared/status.yaml', status(['pending', 'approved', 'expired']));
  });

  test('every file the $refs reach is read at the ref, laid out as in the repository', async () => {
    const file = specAtRef('HEAD', 'api/openapi.yaml', { cwd: repo });
    const { doc } = await loadSpec(file, { own: true });
    expect(JSON.stringify(doc)).toContain('"enum":["pending","approved"]');
    expect(readFileSync(file.replace('api/openapi.yaml', 'shared/status.yaml'), 'utf8')).toBe(status(['pending', 'approved']));
    expect(getAt(doc, '/paths/~1kyc~1status/get/responses/200')).toBeDefined();
  });

  test('drift --from git:HEAD:<root> finds the change in a file the root only refers to', () => {
    const run = spawnSync(
      join(ROOT, 'node_modules/.bin/tsx'),
      [join(ROOT, 'scripts/drift.ts'), '--from', 'git:HEAD:api/openapi.yaml', '--to', 'api/openapi.yaml', '--out', join(repo, 'out')],
      { cwd: repo, encoding: 'utf8' },
    );
    expect(run.stdout).toContain('response-enum-value-added');
    expect(run.status).toBe(1);
  });

  test('a referred file missing at the ref, a ref outside the repository, an unknown ref: one line each', () => {
    git('rm', '-q', '--cached', 'shared/status.yaml');
    git('commit', '-q', '-m', 'lose the shared file');
    expect(() => specAtRef('HEAD', 'api/openapi.yaml', { cwd: repo })).toThrow(
      /shared\/status\.yaml, which api\/schemas\/kyc-status\.yaml refers to, is not in git at HEAD/,
    );
    write('outside.yaml', "openapi: 3.1.0\ninfo: { title: x, version: '1' }\npaths: {}\ncomponents: { schemas: { a: { $ref: '../elsewhere.yaml' } } }\n");
    git('add', 'outside.yaml');
    git('commit', '-q', '-m', 'outside');
    expect(() => specAtRef('HEAD', 'outside.yaml', { cwd: repo })).toThrow(/refers to \.\.\/elsewhere\.yaml, outside the repository/);
    expect(() => specAtRef('no-such-ref', 'api/openapi.yaml', { cwd: repo })).toThrow(/git has no api\/openapi\.yaml at no-such-ref/);
  });
});

test('fileRefs: relative files named by $ref, as written, without fragments, URLs or local pointers', () => {
  const text = [
    "a: { $ref: '#/components/schemas/A' }",
    "b: { $ref: 'schemas/b.yaml#/B' }",
    "c: [{ $ref: './c%20d.json' }, { $ref: 'https://example.com/x.yaml' }]",
    "d: { $ref: 'schemas/b.yaml' }",
    '',
  ].join('\n');
  expect(fileRefs(text)).toEqual(expect.arrayContaining(['schemas/b.yaml', './c%20d.json']));
  expect(fileRefs(text)).toHaveLength(2);
  expect(fileRefs('a: [unclosed')).toEqual([]);
});
