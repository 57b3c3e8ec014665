import { expect, inject, type TestContext } from 'vitest';
import type { paths } from '../../generated/salesive-account.ts';
import { readSettings } from '../../src/config/env.ts';
import { readTokens } from '../../src/config/tokens.ts';
import { buildSpecModel, createContext, mockTokens, type RunContext } from '../../src/run/context.ts';
import type { ScenarioResult } from '../../src/run/scenarios/result.ts';
import { formatFailure } from '../../src/report/format.ts';
import { CannotRunError } from '../../src/errors.ts';
import { waitForMock } from '../../src/targets/ready.ts';

declare module 'vitest' {
  interface TaskMeta {
    contract?: ScenarioResult;
  }
}

let context: Promise<RunContext> | undefined;

/** The run's context, built once per worker from the target the global setup provided. */
export function contract(): Promise<RunContext> {
  context ??= (async () => {
    const provided = inject('contractTarget');
    const settings = readSettings(process.env);
    // npm run contract announces the mock before it is up (global setup); a mock that never comes up ends the
    // run from there, in one line — this wait is only for its boot.
    if (provided.kind === 'mock' && !(await waitForMock(provided.baseUrl, 60_000))) throw new CannotRunError(`mock: nothing answers at ${provided.baseUrl}`);
    const spec = await buildSpecModel(settings.specPath);
    const tokens = provided.kind === 'mock' ? mockTokens(spec) : readTokens(process.env, spec.rules)!;
    // The client is typed by the generated paths; another CONTRACT_SPEC goes through the same requests.
    return createContext<paths>({ spec, target: { kind: provided.kind, baseUrl: provided.baseUrl }, settings, runSeed: provided.runSeed, tokens });
  })();
  return context;
}

/** Hands the scenario's outcome to the reports and fails the test, with seed and replay line, on any error. */
export async function verdict(task: TestContext['task'], result: ScenarioResult): Promise<void> {
  task.meta.contract = result;
  if (result.errors.length) expect.fail(formatFailure(result, (await contract()).runSeed));
}
