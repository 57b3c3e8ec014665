/**
 * One scale measurement in a process of its own (so peak RSS is this spec's alone):
 * tsx bench/scale-one.ts <spec> [runsPerOp] → one JSON line.
 */
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import openapiTS, { astToString } from 'openapi-typescript';
import { validRequests } from '../src/arbitraries/requests.ts';
import { readSettings } from '../src/config/env.ts';
import { createContext } from '../src/run/context.ts';
import { buildSpecModel, mockTokens } from '../src/run/spec-model.ts';
import { checkResponses } from '../src/run/scenarios/responses.ts';
import { startPrism } from '../src/targets/prism.ts';

const [specPath, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 10);
const ms = (t: number) => Math.round(performance.now() - t);

let t = performance.now();
const spec = await buildSpecModel(specPath!);
const load = ms(t);

t = performance.now();
astToString(await openapiTS(pathToFileURL(specPath!)));
const types = ms(t);

t = performance.now();
for (const op of spec.operations) fc.sample(validRequests(spec, op), { numRuns: 1, seed: 1 });
const arbitraries = ms(t);

t = performance.now();
let compiled = 0;
for (const op of spec.operations) {
  for (const r of op.responses.values()) {
    if (r.schemaPointer) {
      spec.validators.validate(r.schemaPointer, null);
      compiled++;
    }
  }
}
const validators = ms(t);

let perOpMs: number | null = null;
let prismStartMs: number | null = null;
let violations = 0;
if (runs > 0) {
  const mock = await startPrism(specPath!);
  prismStartMs = Math.round(mock.startupMs);
  try {
    const ctx = createContext({
      spec,
      target: { kind: 'mock', baseUrl: mock.baseUrl },
      settings: { ...readSettings({}), runs, maxRequests: Number.MAX_SAFE_INTEGER },
      runSeed: 1,
      tokens: mockTokens(spec),
    });
    t = performance.now();
    for (const op of spec.operations) violations += (await checkResponses(ctx, op, op.key)).errors.length;
    perOpMs = (performance.now() - t) / spec.operations.length;
  } finally {
    await mock.stop();
  }
}
console.log(
  JSON.stringify({
    spec: specPath,
    operations: spec.operations.length,
    load,
    types,
    arbitraries,
    validators,
    compiled,
    prismStartMs,
    perOpMs,
    violations,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
