import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { applyOverlay, extract, type OverlayAction } from '../../scripts/extract-spec.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const SCRIPT = join(ROOT, 'scripts/extract-spec.ts');
const VENDOR = 'spec/upstream/sumvin/openapi.json';

/** A copy of what the extraction reads (registry, overlay, vendor file and pin, committed contract), to break. */
function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'contract-extract-'));
  mkdirSync(join(dir, 'spec/upstream/sumvin'), { recursive: true });
  for (const f of ['spec/apis.json', 'spec/sumvin-kyc.yaml', 'spec/sumvin-kyc.overlay.yaml', VENDOR, 'spec/upstream/sumvin/PIN'])
    cpSync(join(ROOT, f), join(dir, f));
  return dir;
}

const run = (cwd: string, ...args: string[]) => spawnSync(TSX, [SCRIPT, ...args], { cwd, encoding: 'utf8' });

/** The vendor file with an edit, written to a folder of its own (no PIN there). */
function editedVendor(edit: (spec: Record<string, any>) => void): string {
  const spec = JSON.parse(readFileSync(join(ROOT, VENDOR), 'utf8')) as Record<string, any>;
  edit(spec);
  const file = join(mkdtempSync(join(tmpdir(), 'vendor-')), 'openapi.json');
  writeFileSync(file, JSON.stringify(spec, null, 2));
  return file;
}

describe('npm run extract: the contract is what the script makes of the pinned vendor file', () => {
  test('the committed spec/sumvin-kyc.yaml is what the vendor file and the overlay produce now', () => {
    const out = execFileSync(TSX, [SCRIPT, '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(out).toContain('spec/sumvin-kyc.yaml is up to date with spec/upstream/sumvin/openapi.json and spec/sumvin-kyc.overlay.yaml');
  });

  test('its header says where it comes from and how to regenerate it', () => {
    const head = readFileSync(join(ROOT, 'spec/sumvin-kyc.yaml'), 'utf8').split('\n').slice(0, 4).join('\n');
    const pin = readFileSync(join(ROOT, 'spec/upstream/sumvin/PIN'), 'utf8').trim();
    expect(head).toContain(`# Vendor spec: ${VENDOR} at upstream commit ${pin}`);
    expect(head).toContain('# Regenerate with: npm run extract -- --api sumvin');
  });

  test('a hand edit fails --check with one line naming the fix', () => {
    const dir = workspace();
    const spec = join(dir, 'spec/sumvin-kyc.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('title: Sumvin API', 'title: Sumvin API, retyped'));
    const result = run(dir, '--check', '--api', 'sumvin');
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('spec/sumvin-kyc.yaml is stale — run npm run extract -- --api sumvin');
  });

  test('an overlay change without regeneration fails --check; regenerating makes it pass', () => {
    const dir = workspace();
    const overlay = join(dir, 'spec/sumvin-kyc.overlay.yaml');
    writeFileSync(overlay, readFileSync(overlay, 'utf8').replace('x-known-values: [IDENTITY, SELFIE, PROOF_OF_ADDRESS]', 'x-known-values: [IDENTITY, SELFIE]'));
    expect(run(dir, '--check', '--api', 'sumvin').status).toBe(1);
    expect(run(dir, '--api', 'sumvin').status).toBe(0);
    expect(run(dir, '--check', '--api', 'sumvin').status).toBe(0);
  });

  test('a changed vendor file (a new status value, a removed field) changes the extract, and drift shows what changed', () => {
    const source = editedVendor((s) => {
      s.components.schemas.KYCDocumentStatus.enum.push('expired');
      delete s.components.schemas.KYCStatusResponse.properties.global_id;
    });
    const dir = mkdtempSync(join(tmpdir(), 'extract-drift-'));
    const candidate = join(dir, 'sumvin-kyc.yaml');
    expect(run(ROOT, '--api', 'sumvin', '--source', source, '--out', candidate).status).toBe(0);
    const before = parse(readFileSync(join(ROOT, 'spec/sumvin-kyc.yaml'), 'utf8'));
    const after = parse(readFileSync(candidate, 'utf8'));
    expect(after.components.schemas.KYCDocumentStatus.enum).toEqual([...before.components.schemas.KYCDocumentStatus.enum, 'expired']);
    expect(Object.keys(after.components.schemas.KYCStatusResponse.properties)).not.toContain('global_id');
    // Our rules still apply on top of the new vendor text.
    expect(after.components.schemas.KYCStatusResponse['x-invariants']).toEqual(before.components.schemas.KYCStatusResponse['x-invariants']);

    const drift = spawnSync(TSX, [join(ROOT, 'scripts/drift.ts'), '--from', 'spec/sumvin-kyc.yaml', '--to', candidate, '--out', join(dir, 'reports')], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(drift.status).toBe(1); // breaking for clients
    const report = readFileSync(join(dir, 'reports/drift-spec.md'), 'utf8');
    expect(report).toContain('response-enum-value-added');
    expect(report).toContain('response-property-removed');
  });

  test('when the vendor renames what a rule rests on, extraction fails naming the overlay action — never a silent no-op', () => {
    const source = editedVendor((s) => {
      s.components.schemas.KYCRequiredStep.properties.kind = s.components.schemas.KYCRequiredStep.properties.step_type;
      delete s.components.schemas.KYCRequiredStep.properties.step_type;
    });
    const result = run(ROOT, '--api', 'sumvin', '--source', source, '--out', join(mkdtempSync(join(tmpdir(), 'x-')), 'out.yaml'));
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('target $.components.schemas.KYCRequiredStep.properties.step_type selects nothing in the extracted spec');
  });

  test.each([
    ['an unknown API', ['--api', 'nope'], /--api nope has no overlay — APIs extracted from a vendor spec: sumvin/],
    ['a missing vendor file', ['--api', 'sumvin', '--source', 'nowhere.json'], /vendor spec: nowhere.json does not exist/],
    ['nothing to do', [], /say what to extract: --api <sumvin> or --overlay <file>/],
  ])('bad input is one line and exit 2: %s', (_, args, message) => {
    const result = run(ROOT, ...args);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
  });
});

// -------------------------------------------------------------------------------- the two steps, as functions

const vendor = () => ({
  openapi: '3.1.0',
  info: { title: 'v', version: '1' },
  paths: {
    '/v0/kyc/status': {
      get: { operationId: 'status', tags: ['KYC'], security: [{ PAT: [] }], responses: { '200': { $ref: '#/components/responses/Status' } } },
    },
    '/v0/kyc/documents/{id}': {
      parameters: [{ $ref: '#/components/parameters/Id' }],
      get: { operationId: 'image', responses: { '200': { description: 'ok' } } },
      delete: { operationId: 'drop', responses: { '204': { description: 'gone' } } },
    },
    '/v0/webhooks/kyc': { post: { operationId: 'hook', tags: ['Hooks'], responses: { '200': { $ref: '#/components/responses/Status' } } } },
  },
  components: {
    schemas: {
      Status: { type: 'object', properties: { state: { $ref: '#/components/schemas/State' } } },
      State: { type: 'string' },
      Unused: { type: 'integer' },
    },
    responses: { Status: { description: 's', content: { 'application/json': { schema: { $ref: '#/components/schemas/Status' } } } } },
    parameters: { Id: { name: 'id', in: 'path', required: true, schema: { type: 'string' } } },
    securitySchemes: { PAT: { type: 'apiKey', in: 'header', name: 'x-pat' }, Other: { type: 'http', scheme: 'bearer' } },
  },
  tags: [{ name: 'KYC' }, { name: 'Hooks' }],
  webhooks: { x: {} },
});

describe('extract(): the selected operations and exactly what they reference', () => {
  test.each([
    ['GET /v0/kyc/*', [], ['GET /v0/kyc/status']],
    ['GET /v0/kyc/**', [], ['GET /v0/kyc/status', 'GET /v0/kyc/documents/{id}']],
    ['/v0/kyc/**', ['DELETE /v0/kyc/documents/*'], ['GET /v0/kyc/status', 'GET /v0/kyc/documents/{id}']],
    ['* /v0/**', ['* /v0/webhooks/**'], ['GET /v0/kyc/status', 'GET /v0/kyc/documents/{id}', 'DELETE /v0/kyc/documents/{id}']],
  ] as const)('%s without %j keeps %j', (include, exclude, want) => {
    const doc = extract(vendor(), { include: [include], exclude: [...exclude] }) as any;
    const kept = Object.entries(doc.paths).flatMap(([p, item]) =>
      Object.keys(item as object)
        .filter((k) => k !== 'parameters')
        .map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(kept).toEqual(want);
  });

  test('components follow $refs transitively; security schemes by requirement; unused tags, webhooks and components go', () => {
    const doc = extract(vendor(), { include: ['GET /v0/kyc/status'], exclude: [] }) as any;
    expect(doc.components).toEqual({
      schemas: { Status: vendor().components.schemas.Status, State: { type: 'string' } },
      responses: { Status: vendor().components.responses.Status },
      securitySchemes: { PAT: vendor().components.securitySchemes.PAT },
    });
    expect(doc.tags).toEqual([{ name: 'KYC' }]);
    expect(doc.webhooks).toBeUndefined();
  });

  test('a path-level $ref parameter travels with the kept operation', () => {
    const doc = extract(vendor(), { include: ['GET /v0/kyc/documents/*'], exclude: [] }) as any;
    expect(doc.components.parameters).toEqual({ Id: vendor().components.parameters.Id });
  });

  test('an include that selects nothing is an error: the vendor moved it', () => {
    expect(() => extract(vendor(), { include: ['GET /v0/kyc/status', 'GET /v0/kyc/gone'], exclude: [] })).toThrow(/"GET \/v0\/kyc\/gone" selects no operation/);
  });
});

describe('applyOverlay(): Overlay 1.0 actions, in order', () => {
  const base = () => ({
    a: { b: { c: 1, keep: true }, list: [1, 2, 3] },
    params: [
      { in: 'header', name: 'x' },
      { in: 'query', name: 'y' },
      { in: 'header', name: 'z' },
    ],
  });
  test.each<[string, OverlayAction[], unknown]>([
    [
      'update merges into an object, recursively',
      [{ target: '$.a', update: { b: { c: 2 }, d: 'new' } }],
      { ...base(), a: { b: { c: 2, keep: true }, list: [1, 2, 3], d: 'new' } },
    ],
    ['update appends to an array', [{ target: '$.a.list', update: 4 }], { ...base(), a: { ...base().a, list: [1, 2, 3, 4] } }],
    [
      'remove takes every selected element out of its array',
      [{ target: "$.params[?@.in == 'header']", remove: true }],
      { ...base(), params: [{ in: 'query', name: 'y' }] },
    ],
    ['remove takes a member out of its object', [{ target: '$.a.b', remove: true }], { ...base(), a: { list: [1, 2, 3] } }],
    [
      'actions see what earlier ones did',
      [
        { target: '$.a', update: { e: {} } },
        { target: '$.a.e', update: { f: 1 } },
      ],
      { ...base(), a: { ...base().a, e: { f: 1 } } },
    ],
  ])('%s', (_, actions, want) => {
    expect(applyOverlay(base() as never, actions)).toEqual(want);
  });

  test.each<[string, OverlayAction, RegExp]>([
    ['a target that selects nothing', { target: '$.nope', update: {} }, /selects nothing/],
    ['a primitive target', { target: '$.a.b.c', update: {} }, /Overlay updates objects and arrays only/],
    ['a target that is not JSONPath', { target: '$.[', update: {} }, /is not RFC 9535 JSONPath/],
  ])('%s is an error', (_, action, message) => {
    expect(() => applyOverlay(base() as never, [action])).toThrow(message);
  });
});
