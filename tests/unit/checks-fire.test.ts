import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SpecModel } from '../../src/checks/types.ts';
import { buildSpecModel } from '../../src/run/context.ts';
import { startAccountServer, type AccountServer } from '../fixtures/account-server.ts';
import { CASES, runScenario, WARNING_CASES, type Scenario } from '../fixtures/fault-cases.ts';

let spec: SpecModel;
beforeAll(async () => {
  spec = await buildSpecModel('spec/salesive-account.yaml');
});

describe('every check fires on a server that breaks its rule', () => {
  test.each(CASES)('%s → %s %s fires %s', async (fault, scenario, operationId, check) => {
    const server = await startAccountServer({ faults: [fault] });
    try {
      const result = await runScenario(spec, server, scenario, operationId, fault === 'hang' ? 300 : 2000);
      expect(result.errors.map((v) => v.check)).toContain(check);
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

  test('the table covers every check id the suite publishes, and docs/checks.md documents each', async () => {
    const { CHECKS } = await import('../../src/checks/catalogue.ts');
    const proven = new Set([...CASES, ...WARNING_CASES].map((c) => c[3]));
    expect(CHECKS.map((c) => c.id).filter((id) => !proven.has(id))).toEqual([]);
    const docs = readFileSync('docs/checks.md', 'utf8');
    expect(CHECKS.map((c) => c.id).filter((id) => !docs.includes(`## ${id}\n`))).toEqual([]);
  });
});

describe('and stays silent on the conforming server', () => {
  let server: AccountServer;
  beforeAll(async () => {
    server = await startAccountServer();
  });
  afterAll(() => server.close());
  const scenarios = [...new Set(CASES.map(([, s, op]) => `${s}:${op}`))];
  test.each(scenarios)('%s', async (key) => {
    const [scenario, operationId] = key.split(':') as [Scenario, string];
    const result = await runScenario(spec, server, scenario, operationId);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
  });
});
