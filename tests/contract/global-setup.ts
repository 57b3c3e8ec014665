import { randomInt } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { armDeadline, readSettings } from '../../src/config/env.ts';
import { CannotRunError } from '../../src/base/errors.ts';
import { announcedMock, type RunningMock } from '../../src/targets/prism.ts';

export interface ProvidedTarget {
  kind: 'mock' | 'live';
  baseUrl: string;
  runSeed: number;
}

declare module 'vitest' {
  export interface ProvidedContext {
    contractTarget: ProvidedTarget;
  }
}

/**
 * One target per run, for every contract test file: the embedded Prism mock unless CONTRACT_BASE_URL names a
 * live one. `npm run contract` starts the mock itself, before vitest, and announces its URL (announcedMock);
 * under plain vitest (npm test) it is started here.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Under plain vitest the time budget starts here (npm run contract has fixed it already: one instant for all).
  armDeadline(process.env);
  const settings = readSettings(process.env);
  const runSeed = settings.seed ?? Number(process.env['CONTRACT_RUN_SEED'] ?? randomInt(0, 2 ** 31 - 1));
  // npm run contract has loaded and checked the spec, and started the mock, already: nothing to do twice here.
  const announced = !settings.baseUrl ? announcedMock() : undefined;
  if (announced) {
    // Not awaited: the workers load while Prism boots, and wait for it themselves (harness).
    project.provide('contractTarget', { kind: 'mock', baseUrl: announced, runSeed });
    return () => Promise.resolve(undefined);
  }
  const [{ buildSpecModel }, { readTokens }, { schemesOf }, { probeTarget }, { startPrism }] = await Promise.all([
    import('../../src/run/spec-model.ts'),
    import('../../src/config/tokens.ts'),
    import('../../src/spec/rules.ts'),
    import('../../src/targets/live.ts'),
    import('../../src/targets/prism.ts'),
  ]);
  const spec = await buildSpecModel(settings.specPath);
  let mock: RunningMock | undefined;
  let target: ProvidedTarget;
  if (settings.baseUrl) {
    if (!readTokens(process.env, spec.rules, [...new Set(spec.operations.flatMap(schemesOf))])) {
      throw new CannotRunError('CONTRACT_TOKENS_FILE or CONTRACT_TOKENS is required with CONTRACT_BASE_URL (see tokens.example.json)');
    }
    await probeTarget(settings.baseUrl, settings.timeoutMs);
    target = { kind: 'live', baseUrl: settings.baseUrl, runSeed };
  } else {
    mock = await startPrism(settings.specPath);
    target = { kind: 'mock', baseUrl: mock.baseUrl, runSeed };
  }
  project.provide('contractTarget', target);
  process.stdout.write(`contract: ${spec.operations.length} operations against ${target.kind} ${target.baseUrl} · seed ${runSeed}\n`);
  return async () => {
    await mock?.stop();
  };
}
