import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import { buildSpecModel } from '../../src/run/spec-model.ts';
import { checkExtensions } from '../../src/spec/extensions.ts';
import { Provenance } from '../../src/spec/provenance.ts';
import { Validators } from '../../src/spec/validators.ts';
import type { OpenApiDocument } from '../../src/spec/types.ts';

const account = () => parse(readFileSync('spec/salesive-account.yaml', 'utf8')) as Record<string, any>;

function check(doc: Record<string, any>): string | undefined {
  const d = doc as OpenApiDocument;
  try {
    checkExtensions({ doc: d, validators: new Validators(d), provenance: new Provenance(d) }, 'spec.yaml');
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** [what is wrong, how the spec is edited, what the one line must say] */
const BROKEN: Array<[string, (d: Record<string, any>) => void, RegExp]> = [
  [
    'a misspelt invariant rule',
    (d) => (d['components']['schemas']['KycStatus']['x-invariants'][0]['rule'] = 'nonNullIf'),
    /x-invariants at \/components\/schemas\/KycStatus\/x-invariants has \/0\/rule "nonNullIf", not one of "nonNullIff"/,
  ],
  [
    'an invariant naming a field the schema lacks',
    (d) => (d['components']['schemas']['KycStatus']['x-invariants'][0]['field'] = 'verified_at'),
    /names field "verified_at", which KycStatus does not have/,
  ],
  ['an unknown key in x-envelope', (d) => (d['x-envelope']['statusFeild'] = 'status'), /x-envelope at \/x-envelope has an unknown key "statusFeild"/],
  ['an x- name one letter from ours', (d) => (d['x-envelop'] = { statusField: 'status' }), /x-envelop .* did you mean x-envelope\?/],
  ['a singular of a plural extension', (d) => (d['components']['schemas']['KycStatus']['x-invariant'] = []), /did you mean x-invariants\?/],
  [
    'x-inferred that is neither a reason nor a map of reasons',
    (d) => (d['components']['schemas']['ObjectId']['x-inferred'] = 42),
    /x-inferred at \/components\/schemas\/ObjectId/,
  ],
  [
    'x-resource-list naming a missing operation',
    (d) => (d['paths']['/roles/{id}']['get']['x-resource-list']['operationId'] = 'listRole'),
    /names operationId "listRole", which no operation has/,
  ],
  ['a flow state not among its states', (d) => (d['x-flows'][0]['active'] = ['pending', 'reviewing']), /names state "reviewing"/],
  ['a flow transition naming a missing operation', (d) => (d['x-flows'][0]['transitions'][0]['operationId'] = 'refreshKyc'), /names operationId "refreshKyc"/],
  ['a pagination rule missing a pointer', (d) => delete d['paths']['/roles']['get']['x-pagination']['totalPointer'], /x-pagination .* misses "totalPointer"/],
];

describe('an extension the engine cannot read is an error at load, never a rule that silently never fires', () => {
  test('the Account spec as committed is accepted', () => expect(check(account())).toBeUndefined());
  test.each(BROKEN)('%s', (_name, edit, message) => {
    const doc = account();
    edit(doc);
    const error = check(doc);
    expect(error).toMatch(message);
    expect(error).toMatch(/^spec: spec\.yaml: /);
    expect(error!.split('\n')).toHaveLength(1);
  });

  test('vendor extensions and API names that start with x- are left alone', () => {
    const doc = account();
    doc['x-logo'] = { url: 'https://example.com/logo.png' };
    doc['x-tagGroups'] = [{ name: 'KYC', tags: ['KYC'] }];
    doc['paths']['/kyc/status']['get']['responses']['200']['headers'] = { 'x-request-id': { schema: { type: 'string' } } };
    doc['components']['schemas']['KycStatus']['properties']['x-envelop'] = { type: 'string' };
    expect(check(doc)).toBeUndefined();
  });
});

describe('a flow rule reported under a check id', () => {
  const load = async (edit: (d: Record<string, any>) => void) => {
    const doc = account();
    edit(doc);
    const file = join(mkdtempSync(join(tmpdir(), 'flow-ids-')), 'spec.yaml');
    writeFileSync(file, stringify(doc));
    return buildSpecModel(file).then(
      () => undefined,
      (error: Error) => error.message,
    );
  };

  test('the suite does not publish is refused at load, in one line naming the flow and the rule', async () => {
    expect(await load((d) => (d['x-flows'][0]['checks']['resume'] = 'kyc-session-not-resumd'))).toMatch(
      /^spec: .*spec\.yaml: x-flows\[0\] \(.+\): checks\.resume names "kyc-session-not-resumd", which is not a check id of this suite/,
    );
  });

  test('the catalogue publishes is read as it is', async () => {
    expect(await load(() => undefined)).toBeUndefined();
  });
});
