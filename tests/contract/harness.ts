import { describe, inject, test, type TestContext } from 'vitest';
import type { paths } from '../../generated/salesive-account.ts';
import { readSettings } from '../../src/config/env.ts';
import { replayContext } from '../../src/config/replay.ts';
import { readTokens, tokenSource } from '../../src/config/tokens.ts';
import { buildSpecModel, createContext, mockTokens, type RunContext } from '../../src/run/context.ts';
import { isKnown, readBaseline, type Baseline } from '../../src/run/findings.ts';
import type { ScenarioResult } from '../../src/run/scenarios/result.ts';
import { skipReason } from '../../src/run/scenarios/result.ts';
import { formatFailure } from '../../src/report/format.ts';
import { CannotRunError } from '../../src/errors.ts';
import { waitForMock } from '../../src/targets/ready.ts';
import type { Operation } from '../../src/spec/operations.ts';
import { schemesOf } from '../../src/spec/rules.ts';
import { inShard } from '../../src/run/shard.ts';

declare module 'vitest' {
  interface TaskMeta {
    contract?: ScenarioResult;
  }
}

let context: Promise<RunContext & { baseline?: Baseline }> | undefined;

/** The run's context, built once per worker from the target the global setup provided. */
export function contract(): Promise<RunContext & { baseline?: Baseline }> {
  context ??= (async () => {
    const provided = inject('contractTarget');
    const settings = readSettings(process.env);
    // npm run contract announces the mock before it is up (global setup); a mock that never comes up ends the
    // run from there, in one line — this wait is only for its boot, and the spec loads meanwhile.
    const loading = buildSpecModel(settings.specPath);
    if (provided.kind === 'mock' && !(await waitForMock(provided.baseUrl, 60_000))) throw new CannotRunError(`mock: nothing answers at ${provided.baseUrl}`);
    const spec = await loading;
    const inUse = [...new Set(spec.operations.flatMap(schemesOf))];
    const tokens = provided.kind === 'mock' ? mockTokens(spec) : readTokens(process.env, spec.rules, inUse)!;
    // The client is typed by the generated paths; another CONTRACT_SPEC goes through the same requests.
    const ctx = createContext<paths>({ spec, target: { kind: provided.kind, baseUrl: provided.baseUrl }, settings, runSeed: provided.runSeed, tokens });
    return { ...ctx, ...(settings.baseline ? { baseline: readBaseline(settings.baseline) } : {}) };
  })();
  return context;
}

/**
 * Hands the scenario's outcome to the reports; fails the test on any finding the baseline does not know (each
 * finding once, the shrunk request as curl, the replay line); skips it, with the reasons, when it judged nothing.
 */
export async function verdict(t: TestContext, result: ScenarioResult): Promise<void> {
  t.task.meta.contract = result;
  const ctx = await contract();
  const failing = result.errors.filter((v) => !isKnown(ctx.baseline, v));
  if (failing.length) {
    const text = formatFailure({ ...result, errors: failing }, replayContext(ctx.settings, process.env, ctx.runSeed), tokenSource(process.env));
    // No stack: the failure is the server's, and a code frame of this file would only hide it.
    const error = new Error(text);
    error.stack = text;
    throw error;
  }
  const skip = skipReason(result);
  if (skip) t.skip(`not applicable: ${skip}`);
}

/**
 * One contract test per operation; a spec with no operation for this family still gets one test, skipped with
 * the reason — a file with no test would end the run as "could not run", and an empty family is not a pass.
 */
export function perOperation(title: string, operations: readonly Operation[], name: (op: Operation) => string, run: (op: Operation, name: string) => Promise<ScenarioResult>, none: string): void {
  describe(title, () => {
    if (!operations.length) {
      test(`${title} › no operation to check`, (t) => t.skip(`not applicable: ${none}`));
      return;
    }
    const mine = operations.filter((op) => inThisShard(op.key));
    if (!mine.length) return noneInShard(title);
    for (const op of mine) {
      const testName = name(op);
      test(testName, async (t) => verdict(t, await run(op, testName)));
    }
  });
}

/** Whether the test about `key` (an operation key, a flow) runs in this shard of a `--shard i/n` run. */
export function inThisShard(key: string): boolean {
  return inShard(key, readSettings(process.env).shard);
}

/** A family with nothing in this shard still gets a test: a file with none would end the run as "could not run". */
export function noneInShard(title: string): void {
  const { index, count } = readSettings(process.env).shard!;
  test(`${title} › none in shard ${index}/${count}`, (t) => t.skip('not applicable: the other shards hold them'));
}
