import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CHECKS } from '../../src/checks/catalogue.ts';
import { FLOW_CHECK_DEFAULTS, type FlowRule } from '../../src/checks/flow-rules.ts';
import { flowsOf } from '../../src/run/flows/declaration.ts';
import type { SpecModel } from '../../src/checks/types.ts';
import { buildSpecModel } from '../../src/run/spec-model.ts';
import { FIXTURE_APIS, type FaultCase } from '../fixtures/fixture-apis.ts';
import { runScenarioOn, type Scenario } from '../fixtures/scenarios.ts';

/**
 * Every check fires on a server that breaks its rule — documented-basis, failing the run — and stays silent on the
 * conforming server; a fault on an inferred rule is an unconfirmed inference unless CONTRACT_INFERRED=fail. For
 * every API the suite knows, from its own fault-injecting fixture.
 */
for (const fixture of FIXTURE_APIS) {
  describe(`${fixture.api}`, () => {
    let spec: SpecModel;
    beforeAll(async () => {
      spec = await buildSpecModel(fixture.spec);
    });
    const run = async (faults: string[], [fault, scenario, operationId]: FaultCase, inferred: 'warn' | 'fail' | 'off' = 'warn') => {
      const tokens = fixture.tokensFor?.(fault);
      const server = await fixture.start(faults, tokens);
      try {
        return await runScenarioOn(spec, server.url, tokens ?? fixture.tokens, scenario, operationId, {
          timeoutMs: fixture.timeoutMs?.(fault) ?? 2000,
          inferred,
        });
      } finally {
        await server.close();
      }
    };

    test.each(fixture.cases)('%s → %s %s fires %s (documented: fails the run)', async (...row) => {
      const result = await run([row[0]], row);
      const fired = result.errors.filter((v) => v.check === row[3]);
      expect(
        fired.map((v) => v.check),
        JSON.stringify(result.errors.map((v) => v.check)),
      ).toContain(row[3]);
      expect(fired.some((v) => v.basis === 'documented')).toBe(true);
    });

    if (fixture.inferredCases.length) {
      test.each(fixture.inferredCases)('%s → %s %s: %s is an unconfirmed inference by default, a violation under fail', async (...row) => {
        const warned = await run([row[0]], row);
        expect(warned.errors.filter((v) => v.check === row[3])).toEqual([]);
        expect(warned.inferences.map((v) => v.check)).toContain(row[3]);
        const failed = await run([row[0]], row, 'fail');
        expect(failed.errors.filter((v) => v.check === row[3] && v.basis === 'inferred')).not.toEqual([]);
      });
    }

    if (fixture.warningCases.length) {
      test.each(fixture.warningCases)('%s → %s %s warns %s', async (...row) => {
        const result = await run([row[0]], row);
        expect(result.errors).toEqual([]);
        expect(result.warnings.map((v) => v.check)).toContain(row[3]);
      });
    }

    describe('and stays silent on the conforming server', () => {
      let server: { url: string; close(): Promise<void> };
      beforeAll(async () => {
        server = await fixture.start([]);
      });
      afterAll(() => server.close());
      const scenarios = [...new Set([...fixture.cases, ...fixture.inferredCases, ...fixture.warningCases].map(([, s, op]) => `${s}:${op}`))];
      test.each(scenarios)('%s', async (key) => {
        const [scenario, operationId] = key.split(':') as [Scenario, string];
        const result = await runScenarioOn(spec, server.url, fixture.tokens, scenario, operationId);
        expect(result.errors).toEqual([]);
        expect(result.warnings).toEqual([]);
        expect(result.inferences).toEqual([]);
      });
    });
  });
}

test("every check id the suite publishes is proven to fire by some API's fixture, and docs/checks.md documents each", async () => {
  const proven = new Set(FIXTURE_APIS.flatMap((f) => [...f.cases, ...f.inferredCases, ...f.warningCases].map((c) => c[3])));
  // A generic flow rule a spec publishes under its own id (the Account flow's kyc-*) is proven by that id's proof.
  for (const fixture of FIXTURE_APIS) {
    for (const flow of flowsOf(await buildSpecModel(fixture.spec))) {
      for (const rule of Object.keys(FLOW_CHECK_DEFAULTS) as FlowRule[]) if (proven.has(flow.check(rule))) proven.add(FLOW_CHECK_DEFAULTS[rule]);
    }
  }
  expect(CHECKS.map((c) => c.id).filter((id) => !proven.has(id) && id !== 'spec-example-invalid')).toEqual([]);
  const docs = readFileSync('docs/checks.md', 'utf8');
  expect(CHECKS.map((c) => c.id).filter((id) => !docs.includes(`## ${id}\n`))).toEqual([]);
});
