import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SpecModel } from '../../src/checks/types.ts';
import { buildSpecModel } from '../../src/run/context.ts';
import { startAccountServer, type AccountServer } from '../fixtures/account-server.ts';
import { CASES, INFERRED_CASES, runScenario, WARNING_CASES, type Scenario } from '../fixtures/fault-cases.ts';

let spec: SpecModel;
beforeAll(async () => {
  spec = await buildSpecModel('spec/salesive-account.yaml');
});

describe('every check fires on a server that breaks its rule', () => {
  test.each(CASES)('%s → %s %s fires %s (documented: fails the run)', async (fault, scenario, operationId, check) => {
    const server = await startAccountServer({ faults: [fault] });
    try {
      const result = await runScenario(spec, server, scenario, operationId, fault === 'hang' ? 300 : 2000);
      const fired = result.errors.filter((v) => v.check === check);
      expect(fired.map((v) => v.check)).toContain(check);
      expect(fired.some((v) => v.basis === 'documented')).toBe(true);
    } finally {
      await server.close();
    }
  });

  test.each(INFERRED_CASES)('%s → %s %s: %s is an unconfirmed inference by default, a violation under --inferred=fail', async (fault, scenario, operationId, check) => {
    const server = await startAccountServer({ faults: [fault] });
    try {
      const warned = await runScenario(spec, server, scenario, operationId);
      expect(warned.errors.filter((v) => v.check === check)).toEqual([]);
      expect(warned.inferences.map((v) => v.check)).toContain(check);
      expect(warned.inferences.find((v) => v.check === check)!.inferred?.reason).toBeTruthy();
      const failed = await runScenario(spec, server, scenario, operationId, 2000, 'fail');
      expect(failed.errors.filter((v) => v.check === check && v.basis === 'inferred')).not.toEqual([]);
      const off = await runScenario(spec, server, scenario, operationId, 2000, 'off');
      expect([...off.errors, ...off.inferences].filter((v) => v.check === check)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  test.each(WARNING_CASES)('%s → %s %s warns %s', async (fault, scenario, operationId, check) => {
    const server = await startAccountServer({ faults: [fault] });
    try {
      const result = await runScenario(spec, server, scenario, operationId);
      expect(result.errors).toEqual([]);
      expect(result.warnings.map((v) => v.check)).toContain(check);
    } finally {
      await server.close();
    }
  });
});

describe('and stays silent on the conforming server', () => {
  let server: AccountServer;
  beforeAll(async () => {
    server = await startAccountServer();
  });
  afterAll(() => server.close());
  const scenarios = [...new Set([...CASES, ...INFERRED_CASES].map(([, s, op]) => `${s}:${op}`))];
  test.each(scenarios)('%s', async (key) => {
    const [scenario, operationId] = key.split(':') as [Scenario, string];
    const result = await runScenario(spec, server, scenario, operationId);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.inferences).toEqual([]);
  });
});
