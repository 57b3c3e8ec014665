import { describe, inject, test, type TestContext } from 'vitest';
import type { paths } from '../../generated/salesive-account.ts';
import { readSettings } from '../../src/config/env.ts';
import { replayContext } from '../../src/config/replay.ts';
import { readTokens, tokenSource } from '../../src/config/tokens.ts';
import { createContext, type RunContext } from '../../src/run/context.ts';
import { buildSpecModel, mockTokens } from '../../src/run/spec-model.ts';
import { isKnown, readBaseline, type Baseline } from '../../src/run/findings.ts';
import type { ScenarioResult } from '../../src/run/scenarios/result.ts';
import { nothingToRun, skipReason } from '../../src/run/scenarios/result.ts';
import { formatFailure } from '../../src/report/format.ts';
import { CannotRunError } from '../../src/base/errors.ts';
import { waitForMock } from '../../src/targets/ready.ts';
import type { Operation } from '../../src/spec/operations.ts';
import { schemesOf } from '../../src/spec/rules.ts';
import { inShard, servedOperations } from '../../src/run/shard.ts';

declare module 'vitest' {
  interface TaskMeta {
    contract?: ScenarioResult;
    /** Requests this test sent (the figures of reports/index.html). */
    contractRequests?: number;
  }
  interface ProvidedContext {
    /** How many contract tests this run has (counted by the CLI for a deep run, which shares its time out over them). */
    contractTests?: number;
  }
}

let context: Promise<RunContext & { baseline?: Baseline }> | undefined;
/** The worker's requests already counted in an earlier test's figures. */
let countedSent = 0;

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
    // A shard's mock serves only the shard's operations (npm run contract starts it so; vitest alone serves all).
    const served = provided.kind === 'mock' ? servedOperations(spec, settings.shard) : undefined;
    const ctx = createContext<paths>({
      spec,
      target: { kind: provided.kind, baseUrl: provided.baseUrl },
      settings,
      runSeed: provided.runSeed,
      tokens,
      ...(served ? { served } : {}),
    });
    // A deep run shares its time budget out over the tests the CLI counted before the run.
    const planned = inject('contractTests');
    if (planned) ctx.clock.plan(planned);
    // Once per worker, as the context: a progress line on stderr every CONTRACT_PROGRESS seconds (unref'd).
    ctx.clock.startProgress(settings.progressMs);
    return { ...ctx, ...(settings.baseline ? { baseline: readBaseline(settings.baseline) } : {}) };
  })();
  return context;
}

/**
 * Hands the scenario's outcome to the reports; fails the test on any finding the baseline does not know (each
 * finding once, the shrunk request as curl, the replay line); skips it, with the reasons, when it judged nothing.
 */
export async function verdict(t: TestContext, result: ScenarioResult): Promise<void> {
  const ctx = await contract();
  ctx.clock.testFinished();
  const planned = inject('contractTests');
  if (planned) ctx.clock.plan(planned);
  // What the run's transport did meanwhile rides along with every result: the reports add it up.
  t.task.meta.contract = { ...result, traffic: ctx.clock.traffic() };
  // A worker runs its tests one at a time: what its transport sent since the last verdict is this test's.
  t.task.meta.contractRequests = ctx.transport.sent - countedSent;
  countedSent = ctx.transport.sent;
  const failing = result.errors.filter((v) => !isKnown(ctx.baseline, v));
  if (failing.length) {
    const text = formatFailure({ ...result, errors: failing }, replayContext(ctx.settings, process.env, ctx.runSeed), tokenSource(process.env));
    // No stack: the failure is the server's, and a code frame of this file would only hide it.
    const error = new Error(text);
    error.stack = text;
    throw error;
  }
  // Cut short — the request budget, the time budget, an open circuit: not a pass, whatever it saw before; vitest's
  // own line must not show a tick.
  if (result.notSent?.length) t.skip(`not reached: cut short, ${cutShort(result.notSent)}`);
  const skip = skipReason(result);
  if (skip) t.skip(`not applicable: ${skip}`);
}

const RAISE = {
  budget: ' — raise CONTRACT_MAX_REQUESTS for a complete run',
  deadline: ' — raise CONTRACT_MAX_TIME / --max-time for a complete run',
  'circuit-open': '',
} as const;

/** "14 request(s) not sent — the time budget (2s) ran out — raise …", each reason once. */
function cutShort(notSent: NonNullable<ScenarioResult['notSent']>): string {
  const count = notSent.reduce((n, x) => n + x.count, 0);
  const why = [...new Map(notSent.map((x) => [x.reason, `${x.reason}${RAISE[x.kind]}`])).values()];
  return `${count} request(s) not sent — ${why.join('; ')}`;
}

/**
 * One contract test per operation; a spec with no operation for this family still gets one test, skipped with
 * the reason — a file with no test would end the run as "could not run", and an empty family is not a pass.
 */
export function perOperation(
  title: string,
  operations: readonly Operation[],
  name: (op: Operation) => string,
  run: (op: Operation, name: string) => Promise<ScenarioResult>,
  none: string,
): void {
  describe(title, () => {
    if (!operations.length) {
      const name = `${title} › no operation to check`;
      // Said once in a fan-out, by the shard the name falls to: the merged run holds it once, as a single run does.
      if (!inThisShard(name)) return noneInShard(title);
      test(name, (t) => verdict(t, nothingToRun(name, none)));
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
