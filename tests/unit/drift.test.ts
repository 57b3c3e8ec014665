import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { describe, expect, test } from 'vitest';
import { diffSpecs } from '../../src/drift/diff.ts';
import type { DriftRuleId } from '../../src/drift/rules.ts';
import { consumerFiles, typeBreaks } from '../../src/drift/types.ts';
import { rebuildFromUpstream } from '../../src/drift/upstream.ts';
import { loadSpec } from '../../src/spec/load.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SPEC = join(ROOT, 'spec/salesive-account.yaml');
const BASE = readFileSync(SPEC, 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'drift-'));
let n = 0;
type Spec = Record<string, any>;
/** The real contract with one edit applied, written to a file: a fixture pair with the unedited contract. */
function edited(edit: (s: Spec) => void, base = BASE): string {
  const spec = parse(base) as Spec;
  edit(spec);
  const file = join(dir, `edited-${n++}.yaml`);
  writeFileSync(file, stringify(spec, { aliasDuplicateObjects: false }));
  return file;
}
const schemas = (s: Spec) => s.components.schemas;
const op = (s: Spec, path: string, method = 'get') => s.paths[path][method];
const param = (s: Spec, path: string, name: string) => op(s, path).parameters.find((p: Spec) => p.name === name);
const sessionBody = (s: Spec) => op(s, '/kyc/session', 'post').requestBody.content['application/json'].schema;
const refreshBody = (s: Spec) => op(s, '/kyc/refresh', 'post').requestBody.content['application/json'].schema;
const diffFiles = async (from: string, to: string) => diffSpecs(await loadSpec(from), await loadSpec(to), { now: new Date('2026-06-01') });

interface Case {
  /** Prepares the base (when the change needs something the contract does not have yet). */
  base?: (s: Spec) => void;
  edit: (s: Spec) => void;
  want: { rule: DriftRuleId; location?: string; operation?: string };
  /** Rules that must not appear (the false alarms this case once raised). */
  not?: DriftRuleId[];
}

/** [name, { given, want }]: what a reviewer changes in the real contract, and what drift must call it. */
const REVIEWER_CASES: Array<[string, Case]> = [
  [
    'a request parameter minimum raised',
    { edit: (s) => (param(s, '/roles', 'page').schema.minimum = 2), want: { rule: 'request-constraint-tightened', location: 'query parameter page' } },
  ],
  [
    'a request pattern added on a path parameter',
    {
      edit: (s) => (s.components.parameters.RoleId.schema = { type: 'string', pattern: '^[0-9a-f]{12}$' }),
      want: { rule: 'request-pattern-changed', location: 'path parameter id', operation: 'GET /roles/{id}' },
    },
  ],
  [
    'a maxLength added to a body field',
    {
      edit: (s) => (sessionBody(s).properties.callbackUrl.maxLength = 200),
      want: { rule: 'request-constraint-tightened', location: 'body field callbackUrl' },
    },
  ],
  [
    'a request minLength lowered is not breaking',
    {
      edit: (s) => (refreshBody(s).properties.sessionId.minLength = 0),
      want: { rule: 'request-constraint-loosened', location: 'body field sessionId' },
      not: ['request-constraint-tightened'],
    },
  ],
  [
    'a response maxLength raised',
    {
      base: (s) => (schemas(s).KycSession.properties.sessionId.maxLength = 40),
      edit: (s) => (schemas(s).KycSession.properties.sessionId.maxLength = 80),
      want: { rule: 'response-constraint-loosened', location: 'response 200 data.sessionId' },
    },
  ],
  ['an operation marked deprecated', { edit: (s) => (op(s, '/domains').deprecated = true), want: { rule: 'operation-deprecated', operation: 'GET /domains' } }],
  [
    'an operation removed without deprecation',
    { edit: (s) => delete s.paths['/payouts/fee'], want: { rule: 'operation-removed', operation: 'GET /payouts/fee' } },
  ],
  [
    'a deprecated operation removed after its sunset',
    {
      base: (s) => Object.assign(op(s, '/payouts/fee'), { deprecated: true, 'x-sunset': '2026-01-01' }),
      edit: (s) => delete s.paths['/payouts/fee'],
      want: { rule: 'deprecated-operation-removed' },
      not: ['operation-removed'],
    },
  ],
  [
    'a request body removed',
    { edit: (s) => delete op(s, '/kyc/refresh', 'post').requestBody, want: { rule: 'request-body-removed', operation: 'POST /kyc/refresh' } },
  ],
  [
    'a oneOf branch inserted first is one new variant, not a shifted list',
    {
      base: (s) =>
        (schemas(s).KycSession.properties.provider = {
          oneOf: [
            { type: 'string', title: 'name' },
            { type: 'integer', title: 'code' },
          ],
        }),
      edit: (s) => schemas(s).KycSession.properties.provider.oneOf.unshift({ type: 'object', title: 'details', properties: { name: { type: 'string' } } }),
      want: { rule: 'response-variant-added', location: 'response 200 data.provider<oneOf:details>' },
      not: ['response-type-changed', 'response-property-added', 'unclassified-change'],
    },
  ],
  [
    'a nullable branch added inside oneOf is nullability',
    {
      base: (s) => (schemas(s).KycSession.properties.provider = { oneOf: [{ type: 'string' }, { type: 'integer' }] }),
      edit: (s) => schemas(s).KycSession.properties.provider.oneOf.push({ type: 'null' }),
      want: { rule: 'response-property-became-nullable' },
      not: ['response-variant-added', 'response-type-changed'],
    },
  ],
  [
    'a $ref made nullable through oneOf',
    {
      edit: (s) => (schemas(s).KycStatus.properties.status = { oneOf: [{ $ref: '#/components/schemas/KycStatusValue' }, { type: 'null' }] }),
      want: { rule: 'response-property-became-nullable', location: 'response 200 data.status' },
      not: ['response-type-changed', 'response-variant-added'],
    },
  ],
  [
    'a new required read-only property is not a request change',
    {
      edit: (s) => ((sessionBody(s).properties.id = { type: 'string', readOnly: true }), sessionBody(s).required.push('id')),
      want: { rule: 'request-read-only-property-changed' },
      not: ['request-property-added-required'],
    },
  ],
  [
    'a non-JSON media type removed',
    {
      base: (s) => (op(s, '/domains').responses['200'].content['text/csv'] = { schema: { type: 'string' } }),
      edit: (s) => delete op(s, '/domains').responses['200'].content['text/csv'],
      want: { rule: 'response-media-type-removed', location: 'response 200 [text/csv] (body)' },
    },
  ],
  [
    'an enum value removed inside a deepObject parameter',
    {
      base: (s) =>
        op(s, '/roles').parameters.push({
          name: 'filter',
          in: 'query',
          style: 'deepObject',
          schema: { type: 'object', properties: { state: { type: 'string', enum: ['on', 'off'] } } },
        }),
      edit: (s) => (param(s, '/roles', 'filter').schema.properties.state.enum = ['on']),
      want: { rule: 'request-enum-value-removed', location: 'query parameter filter.state' },
    },
  ],
  [
    'an enum added where there was none',
    { edit: (s) => (param(s, '/roles', 'search').schema.enum = ['admin', 'staff']), want: { rule: 'request-enum-added', location: 'query parameter search' } },
  ],
  [
    'const (2020-12) changed in a response',
    {
      base: (s) => (schemas(s).KycSession.properties.kind = { const: 'session' }),
      edit: (s) => (schemas(s).KycSession.properties.kind = { const: 'verification' }),
      want: { rule: 'response-const-changed' },
    },
  ],
  [
    'prefixItems (2020-12) gained a position in a request',
    {
      base: (s) => (sessionBody(s).properties.pair = { type: 'array', prefixItems: [{ type: 'string' }] }),
      edit: (s) => sessionBody(s).properties.pair.prefixItems.push({ type: 'integer' }),
      want: { rule: 'request-constraint-tightened', location: 'body field pair[1]' },
    },
  ],
  [
    'contains and minContains (2020-12) in a request',
    {
      base: (s) => (sessionBody(s).properties.tags = { type: 'array', items: { type: 'string' } }),
      edit: (s) => Object.assign(sessionBody(s).properties.tags, { contains: { const: 'kyc' }, minContains: 1 }),
      want: { rule: 'request-constraint-tightened', location: 'body field tags[contains]' },
    },
  ],
  [
    'dependentRequired (2020-12) added in a request',
    {
      edit: (s) => (sessionBody(s).dependentRequired = { callbackUrl: ['locale'] }),
      want: { rule: 'request-constraint-tightened', location: 'body field (if callbackUrl)' },
    },
  ],
  [
    'dependentSchemas (2020-12) added in a request',
    { edit: (s) => (sessionBody(s).dependentSchemas = { callbackUrl: { required: ['locale'] } }), want: { rule: 'request-constraint-tightened' } },
  ],
  [
    'if/then/else (2020-12) then tightened in a request',
    {
      base: (s) => Object.assign(sessionBody(s), { if: { required: ['callbackUrl'] }, then: { properties: { callbackUrl: { maxLength: 500 } } } }),
      edit: (s) => (sessionBody(s).then.properties.callbackUrl.maxLength = 100),
      want: { rule: 'request-constraint-tightened', location: 'body field (then).callbackUrl' },
    },
  ],
  [
    'propertyNames (2020-12) added in a request',
    { edit: (s) => (sessionBody(s).propertyNames = { pattern: '^[a-z]+$' }), want: { rule: 'request-constraint-tightened', location: 'body field {name}' } },
  ],
  [
    'unevaluatedProperties: false (2020-12) in a request',
    { edit: (s) => (sessionBody(s).unevaluatedProperties = false), want: { rule: 'request-constraint-tightened' } },
  ],
  [
    'a type array (2020-12) narrowed in a request',
    {
      base: (s) => (refreshBody(s).properties.sessionId.type = ['string', 'integer']),
      edit: (s) => (refreshBody(s).properties.sessionId.type = 'string'),
      want: { rule: 'request-type-changed', location: 'body field sessionId' },
    },
  ],
  [
    'a readOnly property in a response became writeOnly',
    { edit: (s) => (schemas(s).KycSession.properties.sessionUrl.writeOnly = true), want: { rule: 'response-property-became-write-only' } },
  ],
  ['x-envelope changed', { edit: (s) => (s['x-envelope'].nullDataOnError = false), want: { rule: 'extension-changed', operation: '(document)' } }],
  [
    'x-inferred removed (now documented)',
    { edit: (s) => delete param(s, '/roles', 'limit').schema['x-inferred'], want: { rule: 'inference-removed', location: 'query parameter limit x-inferred' } },
  ],
  ['x-inferred added', { edit: (s) => (schemas(s).Domain.properties.domain['x-inferred'] = 'not on the page'), want: { rule: 'inference-added' } }],
  [
    'x-pagination changed',
    { edit: (s) => (op(s, '/roles')['x-pagination'].limitParam = 'perPage'), want: { rule: 'extension-changed', operation: 'GET /roles' } },
  ],
  ['x-scope-implications removed', { edit: (s) => delete s['x-scope-implications'], want: { rule: 'extension-removed' } }],
  [
    'security scheme changed (bearer → basic)',
    { edit: (s) => (s.components.securitySchemes.AppToken.scheme = 'basic'), want: { rule: 'security-scheme-changed', location: 'security scheme AppToken' } },
  ],
  [
    'a scope removed from the alternatives',
    {
      edit: (s) => (op(s, '/kyc/status').security = [{ AppToken: ['READ_KYC'] }]),
      want: { rule: 'security-requirement-removed', operation: 'GET /kyc/status' },
    },
  ],
  [
    'a scope replaced',
    { edit: (s) => (op(s, '/domains').security = [{ AppToken: ['READ_STORE'] }]), want: { rule: 'scope-requirement-changed', operation: 'GET /domains' } },
  ],
  ['the server URL changed', { edit: (s) => (s.servers[0].url = 'https://api.salesive.com/api/v2'), want: { rule: 'server-url-changed' } }],
  [
    'an enum value added to a response',
    {
      edit: (s) => schemas(s).KycStatusValue.enum.push('expired'),
      want: { rule: 'response-enum-value-added', location: 'response 200 data.status', operation: 'GET /kyc/status' },
    },
  ],
  [
    'a response field removed',
    { edit: (s) => delete schemas(s).Domain.properties.hasDNS, want: { rule: 'response-property-removed', location: 'response 200 data[].hasDNS' } },
  ],
  [
    'a new required parameter',
    {
      edit: (s) => op(s, '/roles').parameters.push({ name: 'storeType', in: 'query', required: true, schema: { type: 'string' } }),
      want: { rule: 'request-parameter-added-required' },
    },
  ],
  [
    'a timestamp format changed',
    { edit: (s) => (schemas(s).KycStatus.properties.submittedAt = { type: ['string', 'null'], format: 'unix-ms' }), want: { rule: 'response-format-changed' } },
  ],
  [
    'an unknown keyword is still reported',
    { edit: (s) => (schemas(s).Domain.properties.domain.xml = { name: 'host' }), want: { rule: 'unclassified-change' } },
  ],
];

describe('spec ↔ spec on the real contract: what a reviewer changes, and what drift calls it', () => {
  test.each(REVIEWER_CASES)('%s', async (_name, { base, edit, want, not = [] }) => {
    const from = base ? edited(base) : SPEC;
    const to = edited((s) => (base?.(s), edit(s)));
    const changes = await diffFiles(from, to);
    expect(changes, JSON.stringify(changes, null, 1)).toContainEqual(expect.objectContaining(want));
    expect(changes.filter((c) => not.includes(c.rule))).toEqual([]);
  });

  test('the same contract, reordered, with a component inlined and a 3.0 nullable, is "No changes"', async () => {
    expect(await diffFiles(SPEC, SPEC)).toEqual([]);
    const inlined = edited((s) => (schemas(s).KycStatus.properties.status = { ...schemas(s).KycStatusValue }));
    expect(await diffFiles(SPEC, inlined)).toEqual([]);
    const reordered = edited((s) => {
      for (const key of Object.keys(s).reverse()) {
        const v = s[key];
        delete s[key];
        s[key] = v;
      }
      schemas(s).KycStatusValue.enum.reverse();
    });
    expect(await diffFiles(SPEC, reordered)).toEqual([]);
    const v30 = join(dir, 'v30.yaml');
    const v31 = join(dir, 'v31.yaml');
    const tiny = (openapi: string, schema: object) =>
      stringify({
        openapi,
        info: { title: 't', version: '1' },
        paths: { '/a': { get: { responses: { '200': { description: 'ok', content: { 'application/json': { schema } } } } } } },
      });
    writeFileSync(v30, tiny('3.0.3', { type: 'string', nullable: true, maxLength: 3 }));
    writeFileSync(v31, tiny('3.1.0', { type: ['string', 'null'], maxLength: 3 }));
    expect((await diffFiles(v30, v31)).map((c) => c.rule)).toEqual(['openapi-version-changed']);
  });
});

describe('upstream pages → candidate spec', () => {
  test('complete blocks are used, cut-off excerpts are skipped with a reason, and a changed page is a spec diff', async () => {
    const pages = join(dir, 'pages');
    mkdirSync(pages);
    const seed = readFileSync(join(ROOT, 'spec/upstream/salesive/seed-kyc-get-kyc-status.md'), 'utf8');
    writeFileSync(
      join(pages, 'kyc-status.md'),
      seed.replace('            - declined\n        sessionId:', '            - declined\n            - expired\n        sessionId:'),
    );
    writeFileSync(join(pages, 'domains.md'), readFileSync(join(ROOT, 'spec/upstream/salesive/domains-list-domains.md'), 'utf8'));
    const candidate = rebuildFromUpstream(pages);
    expect(candidate.pages.used).toEqual(['kyc-status.md']);
    expect(candidate.pages.skipped).toEqual([{ page: 'domains.md', reason: 'its OpenAPI block is cut off (an excerpt)' }]);
    const file = join(dir, 'candidate.yaml');
    writeFileSync(file, candidate.yaml);
    const changes = diffSpecs(await loadSpec(SPEC), await loadSpec(file), { partial: true });
    expect(changes).toContainEqual(
      expect.objectContaining({ rule: 'response-enum-value-added', operation: 'GET /kyc/status', location: 'response 200 data.status', to: 'expired' }),
    );
    expect(changes.some((c) => c.rule === 'operation-removed')).toBe(false);
  });
});

describe('spec ↔ your code: the consumer sample (or your own files) against a candidate', () => {
  const sample = [join(ROOT, 'tests/consumer/kyc-app.ts')];
  const breaks = (candidate: string, files = sample) => typeBreaks({ baseline: SPEC, candidate, files, alias: 'contract-types' });

  test('a new enum value breaks the exhaustive switch', async () => {
    expect(await breaks(edited((s) => schemas(s).KycStatusValue.enum.push('expired')))).toContainEqual(
      expect.objectContaining({ file: 'tests/consumer/kyc-app.ts', code: 'const unhandled: never = state;' }),
    );
  });

  test('a timestamp turned epoch-ms and a field made nullable break the lines that read them', async () => {
    const found = await breaks(
      edited((s) => {
        schemas(s).KycStatus.properties.submittedAt = { type: ['integer', 'null'] };
        schemas(s).Domain.properties.domain = { type: ['string', 'null'] };
      }),
    );
    expect(found.map((b) => b.code)).toEqual(
      expect.arrayContaining([expect.stringContaining('Date.parse(kyc.submittedAt)'), expect.stringContaining('domain.toLowerCase()')]),
    );
  });

  test('a non-breaking change (a new optional field) compiles', async () => {
    expect(await breaks(edited((s) => (schemas(s).Domain.properties.sslStatus = { type: 'string' })))).toEqual([]);
  });

  test("the user's own files, by glob, under the API's types alias", async () => {
    const app = join(dir, 'my-app', 'src');
    mkdirSync(join(app, 'kyc'), { recursive: true });
    writeFileSync(
      join(app, 'kyc', 'banner.ts'),
      "import type { components } from 'contract-types';\nexport const label = (s: components['schemas']['KycStatusValue']): string => {\n  switch (s) {\n    case 'not_started': case 'pending': case 'in_review': case 'approved': case 'declined': return s;\n    default: { const never: never = s; return never; }\n  }\n};\n",
    );
    writeFileSync(join(app, 'other.ts'), 'export const x = 1;\n');
    const files = consumerFiles([join(dir, 'my-app', 'src', '**', '*.ts')]);
    expect(files.map((f) => f.slice(app.length + 1))).toEqual(['kyc/banner.ts', 'other.ts']);
    const found = await breaks(
      edited((s) => schemas(s).KycStatusValue.enum.push('expired')),
      files,
    );
    expect(found).toEqual([expect.objectContaining({ line: 5, code: 'default: { const never: never = s; return never; }' })]);
    expect(() => consumerFiles([join(dir, 'nowhere', '*.ts')])).toThrow(/matches no .ts file/);
  });
});

describe('npm run drift', () => {
  const drift = (...args: string[]) =>
    spawnSync(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'scripts/drift.ts'), '--out', join(dir, 'out'), ...args], { cwd: ROOT, encoding: 'utf8' });
  const lines = (text: string) =>
    text
      .trim()
      .split('\n')
      .filter((l) => !/npm warn/.test(l));

  test('exit 1 on a breaking change, with Markdown grouped by operation; --warn-only exits 0', () => {
    const to = edited((s) => schemas(s).KycStatusValue.enum.push('expired'));
    const run = drift('--to', to);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/### `GET \/kyc\/status`\n\n- 🔴 \*\*breaking\*\* `response-enum-value-added` at response 200 data.status/);
    expect(drift('--to', to, '--warn-only').status).toBe(0);
  });

  test('a description-only change exits 0; a stricter request constraint exits 1 naming its rule; git:HEAD is the committed spec', () => {
    const described = drift(
      '--to',
      edited((s) => (op(s, '/domains').description = 'Lists the domains.')),
    );
    expect([described.status, described.stdout]).toEqual([0, expect.stringContaining('`description-changed`')]);
    const stricter = drift(
      '--to',
      edited((s) => (param(s, '/roles', 'page').schema.minimum = 2)),
      '--api',
      'salesive',
    );
    expect([stricter.status, stricter.stdout]).toEqual([1, expect.stringContaining('`request-constraint-tightened` at query parameter page')]);
    expect(drift('--from', 'git:HEAD', '--to', 'spec/salesive-account.yaml').stdout).toMatch(/No changes\./);
  });

  test('--format githubactions annotates the changed line of the candidate; --fail-on warning fails on a warning', () => {
    const to = edited((s) => (op(s, '/domains').operationId = 'getDomains'));
    const run = drift('--to', to, '--format', 'githubactions');
    expect(run.status).toBe(0);
    const line =
      readFileSync(to, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('operationId: getDomains')) + 1;
    expect(lines(run.stdout)[0]).toBe(
      `::warning file=${to},line=${line},title=warning%3A operation-id-changed::GET /domains — operationId: the operationId changed: generated clients rename the method — listDomains → getDomains (/paths/~1domains/get/operationId)`,
    );
    expect(drift('--to', to, '--fail-on', 'warning', '--format', 'junit').stdout).toMatch(/<failure message="warning: operation-id-changed" type="warning">/);
  });

  test('drift-ignore.yaml accepts a known change once, with its reason; a stale entry is named', () => {
    const to = edited((s) => schemas(s).KycStatusValue.enum.push('expired'));
    const ignore = join(dir, 'drift-ignore.yaml');
    writeFileSync(
      ignore,
      stringify([
        { rule: 'response-enum-value-added', pointer: '/components/schemas/KycStatusValue/enum/5', reason: 'apps handle expired since 2.3' },
        { rule: 'operation-removed', pointer: '/paths/~1gone/get', reason: 'long gone' },
      ]),
    );
    const run = drift('--to', to, '--ignore', ignore);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('- `response-enum-value-added` `/components/schemas/KycStatusValue/enum/5` (GET /kyc/status): apps handle expired since 2.3');
    expect(run.stdout).toContain('drift-ignore entry `operation-removed` `/paths/~1gone/get` accepted nothing');
  });

  test("--api picks the contract and the module its code imports types from: Sumvin's sample breaks on a nullable status", () => {
    const sumvin = readFileSync(join(ROOT, 'spec/sumvin-kyc.yaml'), 'utf8');
    const to = edited(
      (s) => (schemas(s).KYCStatusResponse.properties.status = { anyOf: [schemas(s).KYCStatusResponse.properties.status, { type: 'null' }] }),
      sumvin,
    );
    const run = drift('--api', 'sumvin', '--types', '--to', to);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/line\(s\) of 1 file\(s\) importing 'contract-types\/sumvin' stop compiling/);
    expect(run.stdout).toContain('tests/consumer/sumvin-app.ts:');
  });

  test('exit 2 with one line on bad input', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--to', '/nowhere.yaml'], /^drift: spec: \/nowhere.yaml does not exist/],
      [['--from', 'git:no-such-ref', '--to', 'spec/salesive-account.yaml'], /git has no spec\/salesive-account.yaml at no-such-ref/],
      [['--to', SPEC, '--fail-on', 'info'], /--fail-on info — say breaking or warning/],
      [['--to', SPEC, '--api', 'nope'], /--api: unknown API "nope"/],
    ];
    for (const [args, message] of cases) {
      const run = drift(...args);
      expect([run.status, lines(run.stderr)]).toEqual([2, [expect.stringMatching(message)]]);
    }
  });
});
