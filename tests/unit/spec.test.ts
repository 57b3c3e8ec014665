import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lint, loadConfig } from '@redocly/openapi-core';
import { describe, expect, test } from 'vitest';
import { buildSpecModel } from '../../src/run/spec-model.ts';
import { getAt } from '../../src/spec/pointer.ts';

const SPEC = 'spec/salesive-account.yaml';

async function lintErrors(file: string) {
  const config = await loadConfig({ configPath: 'redocly.yaml' });
  const problems = await lint({ ref: file, config });
  return problems.filter((p) => p.severity === 'error');
}

describe('the contract itself', () => {
  test('lints clean with the repo ruleset (redocly.yaml)', async () => {
    expect((await lintErrors(SPEC)).map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
  });

  test('the lint fails a spec whose example contradicts its schema', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'contract-lint-'));
    const broken = readFileSync(SPEC, 'utf8').replace(
      'message: Payout fee retrieved\n                data:\n                  fee: 150',
      'message: Payout fee retrieved\n                data:\n                  fee: one hundred fifty',
    );
    expect(broken).not.toEqual(readFileSync(SPEC, 'utf8'));
    writeFileSync(join(dir, 'broken.yaml'), broken);
    const errors = await lintErrors(join(dir, 'broken.yaml'));
    expect(errors.map((p) => p.ruleId)).toContain('no-invalid-media-type-examples');
  });

  test('every example validates against its schema (named examples included)', async () => {
    const spec = await buildSpecModel(SPEC);
    const failures: string[] = [];
    let checked = 0;
    for (const op of spec.operations) {
      for (const r of op.responses.values()) {
        for (const [name, value] of Object.entries(r.examples)) {
          checked++;
          const errors = spec.validators.validate(r.schemaPointer!, value);
          if (errors.length) failures.push(`${op.key} ${r.status} ${name}: ${errors[0]!.location} ${errors[0]!.message}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(failures).toEqual([]);
  });

  test('every operation states its scope alternatives, and every scope is a known one', async () => {
    const spec = await buildSpecModel(SPEC);
    expect(spec.operations).toHaveLength(13);
    for (const op of spec.operations) {
      expect(op.scopeAlternatives.length, op.key).toBeGreaterThan(0);
      for (const scope of op.scopeAlternatives.flat()) expect(spec.rules.schemes['AppToken']!.scopes).toContain(scope);
    }
    expect(spec.operations.find((o) => o.id === 'getKycStatus')!.scopeAlternatives).toEqual([['READ_KYC'], ['WRITE_KYC']]);
  });

  test('every inferred part is marked x-inferred (the seed-complete KYC status schema has none)', async () => {
    const spec = await buildSpecModel(SPEC);
    expect(getAt(spec.doc, '/components/schemas/KycStatus/x-inferred')).toBeUndefined();
    // The payout fields no page shows sit in an allOf branch marked whole; data, which the prose names, is documented.
    expect(getAt(spec.doc, '/components/schemas/Payout/allOf/0/x-inferred')).toBeTypeOf('string');
    expect(spec.provenance.at('/components/schemas/Payout/allOf/0/required').basis).toBe('inferred');
    expect(getAt(spec.doc, '/components/responses/BadRequest/x-inferred')).toBeTypeOf('string');
  });
});

describe('loading a spec split over files', () => {
  const root = (ref: string) =>
    `openapi: 3.1.0\ninfo: {title: split, version: "1"}\npaths:\n  /things:\n    get:\n      operationId: listThings\n      responses:\n        "200":\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: "${ref}"}\n`;

  test('external $refs are bundled in (Redocly), so operations and validators see the schema', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'contract-split-'));
    writeFileSync(join(dir, 'schemas.yaml'), 'Thing:\n  type: object\n  required: [id]\n  properties:\n    id: {type: string}\n');
    writeFileSync(join(dir, 'root.yaml'), root('./schemas.yaml#/Thing'));
    const spec = await buildSpecModel(join(dir, 'root.yaml'));
    const pointer = spec.operations[0]!.responses.get('200')!.schemaPointer!;
    expect(spec.validators.validate(pointer, { id: 'a' })).toEqual([]);
    expect(spec.validators.validate(pointer, { id: 1 }).length).toBeGreaterThan(0);
  });

  test('an external $ref to a missing file is one unresolvable-$ref error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'contract-split-'));
    writeFileSync(join(dir, 'root.yaml'), root('./nowhere.yaml#/Thing'));
    await expect(buildSpecModel(join(dir, 'root.yaml'))).rejects.toThrow(/unresolvable \$ref/);
  });

  test('a one-file spec with a $ref to nowhere is refused without the bundler', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'contract-split-'));
    writeFileSync(join(dir, 'root.yaml'), root('#/components/schemas/Nope'));
    await expect(buildSpecModel(join(dir, 'root.yaml'))).rejects.toThrow(/unresolvable \$ref — #\/components\/schemas\/Nope does not exist/);
  });
});
