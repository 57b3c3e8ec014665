import { describe, expect, test } from 'vitest';
import { fenceOperation, readPage } from '../../src/upstream/blocks.ts';
import { indexLinks, pageKey } from '../../src/upstream/llms-index.ts';
import { manifestText } from '../../src/upstream/manifest.ts';
import type { Item, Plan } from '../../src/upstream/plan.ts';
import { exitCode } from '../../src/upstream/report.ts';
import { fileNameFor } from '../../src/upstream/snapshot.ts';

const INDEX = 'https://docs.salesive.com/llms.txt';

describe('indexLinks: the .md pages an llms.txt-style index lists', () => {
  test.each<[string, { given: string; want: string[] }]>([
    [
      'absolute',
      {
        given: '- [Get KYC status](https://docs.salesive.com/apps-api/endpoint/kyc/get-kyc-status.md): notes',
        want: ['https://docs.salesive.com/apps-api/endpoint/kyc/get-kyc-status.md'],
      },
    ],
    ['root-relative', { given: '- [A](/apps-api/a.md)', want: ['https://docs.salesive.com/apps-api/a.md'] }],
    ['relative to the index', { given: '- [A](apps-api/a.md)', want: ['https://docs.salesive.com/apps-api/a.md'] }],
    ['with a title, in angle brackets', { given: '[A](<apps-api/a.md> "A page")', want: ['https://docs.salesive.com/apps-api/a.md'] }],
    ['brackets in the text', { given: '- [GET [id]](/roles/get-role.md)', want: ['https://docs.salesive.com/roles/get-role.md'] }],
    ['fragment dropped, duplicates once', { given: '[A](/a.md#x) [A again](/a.md)', want: ['https://docs.salesive.com/a.md'] }],
    ['not pages: HTML, images, mailto, anchors', { given: '[H](/a) [I](/logo.png) [M](mailto:x@y.md) [#](#top)', want: [] }],
    ['not Markdown links at all', { given: 'https://docs.salesive.com/bare.md and <html>', want: [] }],
  ])('%s', (_name, { given, want }) => {
    expect(indexLinks(given, INDEX).map((u) => u.href)).toEqual(want);
  });
});

describe('pageKey and fileNameFor: a page is its docs path; a file name is safe and follows the snapshot', () => {
  test.each<[string, { given: string; want: string }]>([
    ['.md page', { given: 'https://docs.salesive.com/apps-api/endpoint/kyc/get-kyc-status.md', want: '/apps-api/endpoint/kyc/get-kyc-status.md' }],
    [
      'HTML URL of the same page (hand-vendored Source lines)',
      { given: 'https://docs.salesive.com/apps-api/endpoint/kyc/get-kyc-status', want: '/apps-api/endpoint/kyc/get-kyc-status.md' },
    ],
    ['trailing slash', { given: 'https://docs.gu1.ai/en/use-cases/kyc/check-status/', want: '/en/use-cases/kyc/check-status.md' }],
  ])('pageKey: %s', (_name, { given, want }) => {
    expect(pageKey(new URL(given))).toBe(want);
  });

  test.each<[string, { given: [string, string[]]; want: string }]>([
    ['last two segments', { given: ['/apps-api/endpoint/kyc/get-kyc-status.md', []], want: 'kyc-get-kyc-status.md' }],
    [
      'taken: the whole path',
      { given: ['/apps-api/endpoint/kyc/get-kyc-status.md', ['kyc-get-kyc-status.md']], want: 'apps-api-endpoint-kyc-get-kyc-status.md' },
    ],
    ['both taken: numbered', { given: ['/kyc/a.md', ['kyc-a.md']], want: 'kyc-a-2.md' }],
    ['no path traversal, no odd characters', { given: ['/../../etc/Pass%20wd.md', []], want: 'etc-pass-20wd.md' }],
    ['nothing usable', { given: ['/.md', []], want: 'page.md' }],
  ])('fileNameFor: %s', (_name, { given: [key, taken], want }) => {
    expect(fileNameFor(key, new Set(taken))).toBe(want);
  });
});

describe("readPage: drift's reader decides what a page is", () => {
  const FENCE = '`'.repeat(4);
  const block = (body: string, close = true) => `# Page\n\n${FENCE}yaml GET /kyc/status\n${body}${close ? `${FENCE}\n` : ''}`;
  const doc = 'openapi: 3.1.0\ninfo: {title: t, version: "1"}\npaths:\n  /kyc/status:\n    get:\n      responses: {}\n    post:\n      responses: {}\n';
  test.each<[string, { given: string; want: object }]>([
    ['a complete block', { given: block(doc), want: { kind: 'openapi', operations: ['GET /kyc/status', 'POST /kyc/status'], paths: ['/kyc/status'] } }],
    ['a cut-off block', { given: block(doc, false), want: { kind: 'unreadable', reason: 'its OpenAPI block is cut off (an excerpt)' } }],
    ['not YAML', { given: block('paths: [\n'), want: { kind: 'unreadable', reason: expect.stringMatching(/^its OpenAPI block is not valid YAML/) } }],
    ['no paths', { given: block('openapi: 3.1.0\n'), want: { kind: 'unreadable', reason: 'its OpenAPI block has no paths' } }],
    ['prose', { given: '# Scopes\n\nRead scopes cover GET endpoints.\n', want: { kind: 'prose' } }],
  ])('%s', (_name, { given, want }) => {
    expect(readPage(given)).toMatchObject(want);
  });

  test('the fence names the operation of a block cut off', () => {
    expect(fenceOperation(block(doc, false))).toEqual({ method: 'GET', path: '/kyc/status' });
    expect(fenceOperation('# no block\n')).toBeUndefined();
  });
});

describe('exitCode: one pure function of the plan', () => {
  const entry = { url: 'u', fetchedAt: 't', sha256: 's' };
  const plan = (fetched: number, ...items: Item[]): Plan => ({
    api: 'salesive',
    dir: 'd',
    source: 's',
    items,
    fetched,
    ignored: 0,
    manifest: { api: 'salesive', source: 's', files: {} },
  });
  const changed: Item = { kind: 'changed', file: 'a.md', bytes: Buffer.from(''), entry, detail: '' };
  const failed: Item = { kind: 'failed', url: 'u', problem: 'p' };
  test.each<[string, { given: [Plan, boolean]; want: number }]>([
    ['nothing fetched', { given: [plan(0, failed), false], want: 2 }],
    ['check, identical', { given: [plan(1, { kind: 'unchanged', file: 'a.md', entry }), true], want: 0 }],
    ['check, a change', { given: [plan(1, changed), true], want: 1 }],
    ['check, a page gone', { given: [plan(1, { kind: 'gone', file: 'a.md', detail: '' }), true], want: 1 }],
    ['pull, a change written', { given: [plan(1, changed), false], want: 0 }],
    ['pull, one page failed', { given: [plan(1, changed, failed), false], want: 1 }],
    ['pull, one page cut off', { given: [plan(1, { kind: 'skipped', url: 'u', reason: 'r' }), false], want: 1 }],
  ])('%s', (_name, { given: [p, check], want }) => {
    expect(exitCode(p, check)).toBe(want);
  });
});

test('the manifest text is stable: files sorted, the same entries give the same bytes', () => {
  const a = { url: 'https://x/a.md', fetchedAt: 't', sha256: '1', etag: '"e"' };
  const b = { url: 'https://x/b.md', fetchedAt: 't', sha256: '2' };
  const one = manifestText({ api: 'x', source: 's', files: { 'b.md': b, 'a.md': a } });
  expect(one).toBe(manifestText({ api: 'x', source: 's', files: { 'a.md': { etag: '"e"', sha256: '1', fetchedAt: 't', url: 'https://x/a.md' }, 'b.md': b } }));
  expect(Object.keys(JSON.parse(one).files)).toEqual(['a.md', 'b.md']);
});
