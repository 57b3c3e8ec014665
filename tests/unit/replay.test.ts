import { afterAll, beforeAll, expect, test } from 'vitest';
import { readSettings } from '../../src/config/env.ts';
import { createContext } from '../../src/run/context.ts';
import { buildSpecModel } from '../../src/run/spec-model.ts';
import { checkResponses } from '../../src/run/scenarios/responses.ts';
import { FIXTURE_TOKENS, startAccountServer, type AccountServer } from '../fixtures/account-server.ts';

let server: AccountServer;
beforeAll(async () => {
  server = await startAccountServer({ faults: ['schema-wrong-type'] });
});
afterAll(() => server.close());

test('the printed seed and path replay the same shrunk failure, straight away', async () => {
  const spec = await buildSpecModel('spec/salesive-account.yaml');
  const op = spec.operations.find((o) => o.id === 'listDomains')!;
  const name = 'GET /domains › replay';
  const first = await checkResponses(
    createContext({ spec, target: { kind: 'live', baseUrl: server.url }, settings: { ...readSettings({}), runs: 30 }, runSeed: 99, tokens: FIXTURE_TOKENS }),
    op,
    name,
  );
  expect(first.errors.map((v) => v.check)).toContain('response-schema-mismatch');
  expect(first.path).toBeTruthy();

  const settings = readSettings({ CONTRACT_PATH: first.path!, CONTRACT_ONLY: name, CONTRACT_RUNS: '30' });
  const again = await checkResponses(
    createContext({ spec, target: { kind: 'live', baseUrl: server.url }, settings, runSeed: 99, tokens: FIXTURE_TOKENS }),
    op,
    name,
  );
  expect(again.counterexample).toEqual(first.counterexample);
  expect(again.errors.map((v) => [v.check, v.location])).toEqual(first.errors.map((v) => [v.check, v.location]));
  expect(again.runs).toBeLessThanOrEqual(1);
});

test('CONTRACT_PATH without --only is refused with one line', () => {
  expect(() => readSettings({ CONTRACT_PATH: '0:1' })).toThrow(/pass the test name with --only/);
  expect(() => readSettings({ CONTRACT_PATH: 'zero', CONTRACT_ONLY: 'x' })).toThrow(/expected a fast-check path/);
});
