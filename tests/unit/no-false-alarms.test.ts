import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { arbitraryFor } from '../../src/arbitraries/from-schema.ts';
import type { Exchange } from '../../src/client/exchange.ts';
import { RESPONSE_CHECKS, runResponseChecks } from '../../src/checks/registry.ts';
import type { SpecModel } from '../../src/checks/types.ts';
import { buildSpecModel } from '../../src/run/spec-model.ts';
import { getAt } from '../../src/spec/pointer.ts';
import type { JsonSchema } from '../../src/spec/types.ts';

/**
 * Guard against false alarms: any body the spec's own schema allows, wrapped in an envelope that follows the
 * envelope rule, passes every structural check. Two checks are stricter than the schema on purpose and are left
 * out: nullable-field-omitted (the schema lets a nullable field be absent; the strict level does not) and
 * invariant-violated (semantic rules a random body need not satisfy).
 */
const BEYOND_SCHEMA = new Set(['nullable-field-omitted', 'invariant-violated']);
const STRUCTURAL = RESPONSE_CHECKS.filter((c) => !BEYOND_SCHEMA.has(c.id));

let spec: SpecModel;
beforeAll(async () => {
  spec = await buildSpecModel('spec/salesive-account.yaml');
});

function exchangeOf(status: number, body: unknown): Exchange {
  return {
    request: { operation: 'x', method: 'GET', url: 'http://127.0.0.1/x', headers: {} },
    response: { status, headers: { 'content-type': 'application/json' }, text: JSON.stringify(body), json: body },
    ms: 1,
  };
}

describe('responses generated from the spec never trip a structural check', () => {
  test('every documented response of every operation', async () => {
    const spec = await buildSpecModel('spec/salesive-account.yaml');
    let cases = 0;
    for (const op of spec.operations) {
      for (const [code, response] of op.responses) {
        if (!response.schemaPointer || !/^\d{3}$/.test(code)) continue;
        const status = Number(code);
        const body = arbitraryFor(spec.doc, getAt(spec.doc, response.schemaPointer) as JsonSchema).map((b) => ({
          ...(b as object),
          // The envelope rule is not in the schema: apply it, as a conforming server would.
          status,
          success: status < 300,
          message: 'ok',
          ...(status >= 400 ? { data: null } : {}),
        }));
        fc.assert(
          fc.property(body, (generated) => {
            const found = runResponseChecks(op, exchangeOf(status, generated), spec, { nullable: 'strict', inferred: 'fail' }, STRUCTURAL).violations;
            expect(found.map((v) => `${v.check} ${v.location} ${v.actual}`)).toEqual([]);
          }),
          { numRuns: 60, seed: 4242 },
        );
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(40);
  });

  test('and the checks left out do fire on such bodies, so leaving them out is a real choice', () => {
    const op = spec.operations.find((o) => o.id === 'getKycStatus')!;
    const body = { status: 200, success: true, message: 'ok', data: { status: 'approved', verifiedAt: null } };
    const ids = runResponseChecks(op, exchangeOf(200, body), spec, { nullable: 'strict', inferred: 'fail' }).violations.map((v) => v.check);
    expect(ids).toEqual(expect.arrayContaining(['nullable-field-omitted', 'invariant-violated']));
  });
});
