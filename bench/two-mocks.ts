/**
 * The two-mocks experiment behind BENCHMARKS.md ("Tried and not adopted"): responses + invalid inputs on every
 * operation, warm, with N Prism instances, the operations dealt out between them and run side by side (4 in
 * flight per mock). npx tsx bench/two-mocks.ts 1 · npx tsx bench/two-mocks.ts 2
 */
import { readSettings } from '../src/config/env.ts';
import { createContext } from '../src/run/context.ts';
import { buildSpecModel, mockTokens } from '../src/run/spec-model.ts';
import { checkInvalidInputs } from '../src/run/scenarios/inputs.ts';
import { checkResponses } from '../src/run/scenarios/responses.ts';
import { startPrism } from '../src/targets/prism.ts';

const n = Number(process.argv[2] ?? 1);
const spec = await buildSpecModel('spec/salesive-account.yaml');
const mocks = await Promise.all(Array.from({ length: n }, () => startPrism('spec/salesive-account.yaml')));
const contexts = mocks.map((m) =>
  createContext({ spec, target: { kind: 'mock', baseUrl: m.baseUrl }, settings: readSettings({}), runSeed: 1, tokens: mockTokens(spec) }),
);
const share = (k: number) => spec.operations.filter((_op, i) => i % n === k);
const runAll = (prefix: string, inputs: boolean) =>
  Promise.all(
    contexts.map(async (ctx, k) => {
      for (const op of share(k)) {
        await checkResponses(ctx, op, `${prefix}${op.key}`);
        if (inputs) await checkInvalidInputs(ctx, op, `${prefix}in ${op.key}`);
      }
    }),
  );
await runAll('warm ', false);
const t = performance.now();
await runAll('', true);
console.log(n, 'prism(s):', Math.round(performance.now() - t), 'ms for responses+inputs on 13 ops');
await Promise.all(mocks.map((m) => m.stop()));
