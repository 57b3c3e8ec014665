import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { describe, expect, test } from 'vitest';
import { diffSpecs } from '../../src/drift/diff.ts';
import { DRIFT_RULES, type DriftRuleId } from '../../src/drift/rules.ts';
import { typeBreaks } from '../../src/drift/types.ts';
import { rebuildFromUpstream } from '../../src/drift/upstream.ts';
import { buildSpecModel } from '../../src/run/context.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const BASE = readFileSync(join(ROOT, 'spec/salesive-account.yaml'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'drift-'));
let n = 0;
type Spec = Record<string, any>;
/** The real contract with one edit applied, written to a file: a fixture pair with the unedited contract. */
function edited(edit: (s: Spec) => void): string {
  const spec = parse(BASE) as Spec;
  edit(spec);
  const file = join(dir, `edited-${n++}.yaml`);
  writeFileSync(file, stringify(spec, { aliasDuplicateObjects: false }));
  return file;
}
const schemas = (s: Spec) => s.components.schemas;
const op = (s: Spec, path: string, method = 'get') => s.paths[path][method];

/** [rule, the edit that makes it] — one row per rule id in DRIFT_RULES. */
const CASES: Array<[DriftRuleId, (s: Spec) => void]> = [
  ['operation-removed', (s) => delete s.paths['/payouts/fee']],
  ['operation-added', (s) => (s.paths['/payouts/history'] = { get: { ...op(s, '/payouts'), operationId: 'listPayoutHistory' } })],
  ['success-status-removed', (s) => ((op(s, '/domains').responses['201'] = op(s, '/domains').responses['200']), delete op(s, '/domains').responses['200'])],
  ['success-status-added', (s) => (op(s, '/domains').responses['202'] = op(s, '/domains').responses['200'])],
  ['error-status-added', (s) => (op(s, '/domains').responses['429'] = { $ref: '#/components/responses/Forbidden' })],
  ['error-status-removed', (s) => delete op(s, '/roles/{id}').responses['404']],
  ['scope-requirement-changed', (s) => (op(s, '/kyc/status').security = [{ AppToken: ['READ_KYC'] }])],
  ['request-parameter-added-required', (s) => op(s, '/roles').parameters.push({ name: 'storeType', in: 'query', required: true, schema: { type: 'string' } })],
  ['request-parameter-became-required', (s) => (op(s, '/roles').parameters[0].required = true)],
  ['request-parameter-added-optional', (s) => op(s, '/roles').parameters.push({ name: 'active', in: 'query', schema: { type: 'boolean' } })],
  ['request-parameter-removed', (s) => op(s, '/roles').parameters.splice(2, 1)],
  ['request-property-added-required', (s) => { const b = op(s, '/kyc/session', 'post').requestBody.content['application/json'].schema; b.properties.locale = { type: 'string' }; b.required.push('locale'); }],
  ['request-property-became-required', (s) => { const b = op(s, '/kyc/session', 'post').requestBody.content['application/json'].schema; b.properties.locale = { type: 'string' }; }],
  ['request-property-added-optional', (s) => (op(s, '/kyc/refresh', 'post').requestBody.content['application/json'].schema.properties.force = { type: 'boolean' })],
  ['request-enum-value-removed', (s) => (op(s, '/roles').parameters[2].schema = { type: 'string', enum: ['a'] })],
  ['request-enum-value-added', (s) => (op(s, '/roles').parameters[2].schema = { type: 'string', enum: ['a', 'b', 'c'] })],
  ['request-type-changed', (s) => (op(s, '/roles').parameters[0].schema = { type: 'string' })],
  ['response-property-removed', (s) => delete schemas(s).Domain.properties.hasDNS],
  ['response-property-became-optional', (s) => (schemas(s).Domain.required = schemas(s).Domain.required.filter((r: string) => r !== 'canRenew'))],
  ['response-property-became-nullable', (s) => (schemas(s).Domain.properties.domain = { type: ['string', 'null'] })],
  ['response-type-changed', (s) => (schemas(s).PayoutFee.properties.fee = { type: 'string' })],
  ['response-format-changed', (s) => (schemas(s).KycStatus.properties.submittedAt = { type: ['string', 'null'], format: 'unix-ms' })],
  ['response-enum-value-added', (s) => schemas(s).KycStatusValue.enum.push('expired')],
  ['response-enum-value-removed', (s) => (schemas(s).KycStatusValue.enum = schemas(s).KycStatusValue.enum.filter((v: string) => v !== 'in_review'))],
  ['response-property-added', (s) => (schemas(s).Domain.properties.sslStatus = { type: 'string' })],
  ['response-property-became-required', (s) => schemas(s).KycSession.required = ['status']],
  ['description-changed', (s) => (op(s, '/domains').description = 'Lists domains.')],
];

/** For the "became required" body case the base must have the field optional first. */
const BASE_FOR: Partial<Record<DriftRuleId, (s: Spec) => void>> = {
  'request-property-became-required': (s) => (op(s, '/kyc/session', 'post').requestBody.content['application/json'].schema.properties.locale = { type: 'string' }),
  'request-enum-value-removed': (s) => (op(s, '/roles').parameters[2].schema = { type: 'string', enum: ['a', 'b'] }),
  'request-enum-value-added': (s) => (op(s, '/roles').parameters[2].schema = { type: 'string', enum: ['a', 'b'] }),
};

describe('spec ↔ spec: every rule id is classified as its table says', () => {
  test.each(CASES)('%s', async (rule, edit) => {
    const before = BASE_FOR[rule];
    const fromFile = before ? edited(before) : join(ROOT, 'spec/salesive-account.yaml');
    const toFile = edited((s) => {
      before?.(s);
      if (rule === 'request-property-became-required') op(s, '/kyc/session', 'post').requestBody.content['application/json'].schema.required.push('locale');
      else edit(s);
    });
    const changes = diffSpecs(await buildSpecModel(fromFile), await buildSpecModel(toFile));
    const hit = changes.find((c) => c.rule === rule);
    expect(hit, JSON.stringify(changes)).toBeDefined();
    expect(hit!.level).toBe(DRIFT_RULES[rule].level);
  });

  test('the table covers every rule id', () => {
    expect(Object.keys(DRIFT_RULES).filter((id) => !CASES.some(([rule]) => rule === id))).toEqual([]);
  });

  test('a spec compared with itself has no changes; moving an inline enum into a component is no change', async () => {
    const same = await buildSpecModel('spec/salesive-account.yaml');
    expect(diffSpecs(same, same)).toEqual([]);
    const inlined = edited((s) => (schemas(s).KycStatus.properties.status = { ...schemas(s).KycStatusValue }));
    expect(diffSpecs(same, await buildSpecModel(inlined)).filter((c) => c.level !== 'info')).toEqual([]);
  });
});

describe('upstream pages → candidate spec', () => {
  test('complete blocks are used, cut-off excerpts are skipped with a reason, and a changed page is a spec diff', async () => {
    const pages = join(dir, 'pages');
    mkdirSync(pages);
    const seed = readFileSync(join(ROOT, 'spec/upstream/salesive/seed-kyc-get-kyc-status.md'), 'utf8');
    writeFileSync(join(pages, 'kyc-status.md'), seed.replace('            - declined\n        sessionId:', '            - declined\n            - expired\n        sessionId:'));
    writeFileSync(join(pages, 'domains.md'), readFileSync(join(ROOT, 'spec/upstream/salesive/domains-list-domains.md'), 'utf8'));
    const candidate = rebuildFromUpstream(pages);
    expect(candidate.pages.used).toEqual(['kyc-status.md']);
    expect(candidate.pages.skipped).toEqual([{ page: 'domains.md', reason: 'its OpenAPI block is cut off (an excerpt)' }]);
    const file = join(dir, 'candidate.yaml');
    writeFileSync(file, candidate.yaml);
    const changes = diffSpecs(await buildSpecModel('spec/salesive-account.yaml'), await buildSpecModel(file), { partial: true });
    expect(changes).toContainEqual(expect.objectContaining({ rule: 'response-enum-value-added', operation: 'GET /kyc/status', location: 'response 200 data.status', to: 'expired' }));
    expect(changes.some((c) => c.rule === 'operation-removed')).toBe(false);
  });
});

describe('spec ↔ your code: the consumer sample against a candidate', () => {
  test('a new enum value breaks the exhaustive switch', async () => {
    const breaks = await typeBreaks(edited((s) => schemas(s).KycStatusValue.enum.push('expired')));
    expect(breaks).toContainEqual(expect.objectContaining({ file: 'tests/consumer/kyc-app.ts', code: 'const unhandled: never = state;' }));
  });

  test('a timestamp turned epoch-ms and a field made nullable break the lines that read them', async () => {
    const breaks = await typeBreaks(edited((s) => {
      schemas(s).KycStatus.properties.submittedAt = { type: ['integer', 'null'] };
      schemas(s).Domain.properties.domain = { type: ['string', 'null'] };
    }));
    expect(breaks.map((b) => b.code)).toEqual(expect.arrayContaining([expect.stringContaining('Date.parse(kyc.submittedAt)'), expect.stringContaining('domain.toLowerCase()')]));
  });

  test('a non-breaking change (a new optional field) compiles', async () => {
    expect(await typeBreaks(edited((s) => (schemas(s).Domain.properties.sslStatus = { type: 'string' })))).toEqual([]);
  });
});

describe('npm run drift', () => {
  const drift = (...args: string[]) => spawnSync(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'scripts/drift.ts'), '--out', join(dir, 'out'), ...args], { cwd: ROOT, encoding: 'utf8' });
  test('exit 1 on a breaking change, with Markdown grouped by operation; --warn-only exits 0', () => {
    const to = edited((s) => schemas(s).KycStatusValue.enum.push('expired'));
    const run = drift('--to', to);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/### `GET \/kyc\/status`\n\n- 🔴 \*\*breaking\*\* `response-enum-value-added` at response 200 data.status/);
    expect(drift('--to', to, '--warn-only').status).toBe(0);
  });
  test('exit 0 when nothing breaks; git:HEAD compares with the committed spec', () => {
    expect(drift('--to', edited((s) => (schemas(s).Domain.properties.sslStatus = { type: 'string' }))).status).toBe(0);
    expect(drift('--from', 'git:HEAD', '--to', 'spec/salesive-account.yaml').status).toBe(0);
  });
  test('exit 2 with one line on bad input', () => {
    const run = drift('--to', '/nowhere.yaml');
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n').filter((l) => !/npm warn/.test(l))).toEqual(['drift: spec: /nowhere.yaml does not exist (set CONTRACT_SPEC or pass a path)']);
    expect(drift('--from', 'git:no-such-ref', '--to', 'spec/salesive-account.yaml').stderr).toMatch(/git has no spec\/salesive-account.yaml at no-such-ref/);
  });
});
