import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
    git('tag', 'v1');
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

  test('examples by externalValue and discriminator mappings by path are read at the ref too; ./ is from the current folder', async () => {
    write(
      'poly/root.yaml',
      [
        'openapi: 3.1.0',
        'info: { title: poly, version: "1" }',
        'paths: {}',
        'components:',
        '  schemas:',
        '    Pet:',
        '      oneOf: [{ $ref: "./dog.yaml" }]',
        '      discriminator: { propertyName: kind, mapping: { dog: "./dog.yaml", cat: "./cat.yaml", own: "#/components/schemas/Pet" } }',
        '  examples:',
        '    one: { externalValue: "examples/one.bin" }',
        '',
      ].join('\n'),
    );
    write('poly/dog.yaml', 'type: object\n');
    write('poly/cat.yaml', 'type: object\n');
    mkdirSync(join(repo, 'poly/examples'), { recursive: true });
    writeFileSync(join(repo, 'poly/examples/one.bin'), Buffer.from([0xff, 0x00, 0xfe]));
    git('add', '-A');
    git('commit', '-q', '-m', 'poly');
    const file = specAtRef('HEAD', './root.yaml', { cwd: join(repo, 'poly') });
    expect(file.endsWith('poly/root.yaml')).toBe(true);
    expect(readFileSync(file.replace('root.yaml', 'cat.yaml'), 'utf8')).toBe('type: object\n');
    // Bytes as committed: an example file need not be text.
    expect([...readFileSync(file.replace('root.yaml', 'examples/one.bin'))]).toEqual([0xff, 0x00, 0xfe]);
    await expect(loadSpec(file, { own: true })).resolves.toBeDefined();
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
    expect(() => specAtRef('HEAD', '../elsewhere.yaml', { cwd: repo })).toThrow(/\.\.\/elsewhere\.yaml is outside the repository/);
    write('absolute.yaml', "openapi: 3.1.0\ninfo: { title: x, version: '1' }\npaths: {}\ncomponents: { schemas: { a: { $ref: '/etc/a.yaml' } } }\n");
    git('add', 'absolute.yaml');
    git('commit', '-q', '-m', 'absolute');
    expect(() => specAtRef('HEAD', 'absolute.yaml', { cwd: repo })).toThrow(/refers to \/etc\/a\.yaml, outside the repository/);
    // git's own reason, not node's "Command failed".
    expect(() => specAtRef('HEAD', 'api/openapi.yaml', { cwd: tmpdir(), label: 'git:HEAD' })).toThrow(
      /^drift: git:HEAD — git could not read it: fatal: not a git repository/,
    );
  });

  test('nothing is left in the temporary folder when the spec cannot be read', () => {
    // A folder of this test's own: other test files write drift-git-* folders meanwhile.
    const own = mkdtempSync(join(tmpdir(), 'git-spec-tmp-'));
    const saved = process.env['TMPDIR'];
    process.env['TMPDIR'] = own;
    try {
      for (let i = 0; i < 3; i++) expect(() => specAtRef('no-such-ref', 'api/openapi.yaml', { cwd: repo })).toThrow();
      expect(readdirSync(own)).toEqual([]);
      specAtRef('v1', 'api/openapi.yaml', { cwd: repo });
      expect(readdirSync(own)).toHaveLength(1);
    } finally {
      if (saved === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = saved;
    }
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
  expect(fileRefs(text)).toEqual([
    { target: 'schemas/b.yaml', spec: true },
    { target: './c%20d.json', spec: true },
  ]);
  expect(fileRefs('a: [unclosed')).toEqual([]);
});
