import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { githubAnnotations } from '../../src/drift/annotations.ts';
import { applyIgnore, loadIgnoreFile } from '../../src/drift/ignore.ts';
import { driftJunit } from '../../src/drift/junit.ts';
import { lineFinder } from '../../src/drift/lines.ts';
import { driftExitCode, driftMarkdown } from '../../src/drift/report.ts';
import type { DriftChange } from '../../src/drift/rules.ts';

const dir = mkdtempSync(join(tmpdir(), 'drift-report-'));
const change = (c: Partial<DriftChange>): DriftChange => ({
  rule: 'response-enum-value-added',
  level: 'breaking',
  operation: 'GET /a',
  location: 'response 200 state',
  pointer: '/components/schemas/State/enum/2',
  in: 'candidate',
  to: 'c',
  ...c,
});

describe('exit code: one pure function of the changes and --fail-on', () => {
  test.each([
    ['no changes', { changes: [], failOn: 'breaking' as const }, 0],
    ['info only', { changes: [change({ level: 'info', rule: 'operation-added' })], failOn: 'breaking' as const }, 0],
    ['a warning, --fail-on breaking', { changes: [change({ level: 'warning', rule: 'operation-id-changed' })], failOn: 'breaking' as const }, 0],
    ['a warning, --fail-on warning', { changes: [change({ level: 'warning', rule: 'operation-id-changed' })], failOn: 'warning' as const }, 1],
    ['a breaking change', { changes: [change({})], failOn: 'breaking' as const }, 1],
  ])('%s', (_name, given, want) => expect(driftExitCode(given)).toBe(want));
});

describe('lines: JSON pointer → line of the candidate', () => {
  const yaml = [
    'openapi: 3.1.0',
    'paths:',
    '  /a:',
    '    get:',
    '      operationId: getA',
    '      tags: [x, y]',
    'components:',
    '  schemas:',
    '    State: &state',
    '      enum: [a, b, c]',
    '    Alias: *state',
    '',
  ].join('\n');
  const lineOf = lineFinder(yaml);
  test.each([
    ['/paths/~1a/get/operationId', 5],
    ['/paths/~1a/get/tags/1', 6],
    ['/components/schemas/State/enum/2', 10],
    ['/components/schemas/Alias/enum', 10],
    ['/paths/~1a/get/removed/deep', 4],
    ['/nowhere', 1],
  ])('%s → line %i', (pointer, line) => expect(lineOf(pointer)).toBe(line));
  test('a JSON spec too', () => expect(lineFinder('{\n  "openapi": "3.1.0",\n  "info": {\n    "title": "t"\n  }\n}')('/info/title')).toBe(4));
});

describe('formats', () => {
  const changes = [
    change({}),
    change({ operation: 'GET /b' }),
    change({ rule: 'operation-id-changed', level: 'warning', pointer: '/paths/~1a/get/operationId', location: 'operationId', from: 'a,b', to: 'c\nd' }),
  ];
  test('githubactions: one annotation per rule and pointer, naming every operation, escaped', () => {
    const out = githubAnnotations({ changes, candidateFile: 'spec/x,y.yaml' }, (p) => (p.endsWith('operationId') ? 12 : 40)).split('\n');
    expect(out[0]).toBe(
      '::error file=spec/x%2Cy.yaml,line=40,title=breaking%3A response-enum-value-added::GET /a, GET /b — response 200 state: a response field may carry a value clients do not handle — c (/components/schemas/State/enum/2)',
    );
    expect(out[1]).toBe(
      '::warning file=spec/x%2Cy.yaml,line=12,title=warning%3A operation-id-changed::GET /a — operationId: the operationId changed: generated clients rename the method — a,b → c%0Ad (/paths/~1a/get/operationId)',
    );
    expect(out[2]).toBe('spec drift: 2 breaking · 1 warning · 0 info');
  });

  test('junit: failures per --fail-on, the rest passing with their text, accepted ones skipped', () => {
    const xml = driftJunit({ title: 'drift <a>', changes, ignored: [{ ...change({ operation: 'GET /c' }), reason: 'known & fine' }], failOn: 'breaking' });
    expect(xml).toContain('<testsuites name="drift &lt;a&gt;" tests="4" failures="2">');
    expect(xml).toContain('<failure message="breaking: response-enum-value-added" type="breaking">');
    expect(xml).toContain('<system-out>warning: operationId:');
    expect(xml).toContain('<skipped message="accepted: known &amp; fine"/>');
  });

  test('markdown: "No changes." only when nothing is reported', () => {
    expect(driftMarkdown({ title: 't', notes: [], changes: [], ignored: [], stale: [] })).toContain('No changes.');
    expect(driftMarkdown({ title: 't', notes: [], changes: [], ignored: [{ ...change({}), reason: 'r' }], stale: [] })).toContain(
      'No changes beyond those accepted below.',
    );
  });
});

describe('drift-ignore.yaml', () => {
  const file = (text: string) => {
    const f = join(dir, `ignore-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(f, text);
    return f;
  };
  test('an entry accepts the change with its rule and pointer (or under a /** prefix, or for one operation); unused entries are stale', () => {
    const entries = loadIgnoreFile(
      file(
        [
          '- rule: response-enum-value-added',
          '  pointer: /components/schemas/State/**',
          '  reason: handled',
          '  operation: GET /a',
          '- rule: operation-removed',
          '  pointer: /paths/~1gone/get',
          '  reason: gone for good',
        ].join('\n'),
      ),
      true,
    );
    const { kept, ignored, stale } = applyIgnore([change({}), change({ operation: 'GET /b' })], entries);
    expect(ignored).toEqual([expect.objectContaining({ operation: 'GET /a', reason: 'handled' })]);
    expect(kept).toEqual([expect.objectContaining({ operation: 'GET /b' })]);
    expect(stale).toEqual([expect.objectContaining({ rule: 'operation-removed' })]);
  });
  test('no file is no entries unless --ignore named it', () => {
    expect(loadIgnoreFile(join(dir, 'absent.yaml'), false)).toEqual([]);
    expect(() => loadIgnoreFile(join(dir, 'absent.yaml'), true)).toThrow(/does not exist/);
  });
  test.each([
    ['{ a: 1 }', /must be a list of \{ rule, pointer, reason \} entries/],
    ['- rule: response-enum-added-typo\n  pointer: /a\n  reason: r', /entry 1: rule "response-enum-added-typo" is not a drift rule id/],
    ['- rule: operation-removed\n  pointer: paths\n  reason: r', /pointer must be a JSON pointer/],
    ['- rule: operation-removed\n  pointer: /a', /entry 1 has no reason — say why the change is accepted/],
    ['- rule: operation-removed\n  pointer: /a\n  reason: r\n  until: 2027', /unknown key until/],
    ['- [', /is not valid YAML/],
  ])('%s is one line naming what to fix', (text, message) => expect(() => loadIgnoreFile(file(text), true)).toThrow(message));
});
