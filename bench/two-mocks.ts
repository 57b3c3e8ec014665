/**
 * The two-mocks experiment behind BENCHMARKS.md ("Tried and not adopted"): responses + invalid inputs on every
 * operation, warm, with N Prism instances served round-robin. npx tsx bench/two-mocks.ts 1 · npx tsx bench/two-mocks.ts 2
 */
import { startPrism } from '../src/targets/prism.ts';
import { readSettings } from '../src/config/env.ts';
import { buildSpecModel, createContext, mockTokens } from '../src/run/context.ts';
import { checkResponses } from '../src/run/scenarios/responses.ts';
import { checkInvalidInputs } from '../src/run/scenarios/inputs.ts';
import { capturingFetch, CAPTURE_KEY } from '../src/client/undici-fetch.ts';
import { Redactor } from '../src/report/redact.ts';
const n = Number(process.argv[2]);
const spec = await buildSpecModel('spec/salesive-account.yaml');
const mocks = await Promise.all(Array.from({ length: n }, () => startPrism('spec/salesive-account.yaml')));
const settings = { ...readSettings({}), concurrency: 4 * n };
const inner = capturingFetch({ timeoutMs: 10000, maxBodyBytes: 5e6, redactor: new Redactor(), connections: 4 * n });
let i = 0;
const fetch = (async (input: Request) => {
  const base = mocks[i++ % n]!.baseUrl;
  const req = new Request(base + input.url.slice(mocks[0]!.baseUrl.length), input);
  (req as any)[CAPTURE_KEY] = (input as any)[CAPTURE_KEY];
  return inner(req);
}) as typeof globalThis.fetch;
const ctx = createContext({ spec, target: { kind: 'mock', baseUrl: mocks[0]!.baseUrl }, settings, runSeed: 1, tokens: mockTokens(spec), fetch });
for (const op of spec.operations) await checkResponses(ctx, op, 'warm' + op.key);
const t = performance.now();
for (const op of spec.operations) { await checkResponses(ctx, op, op.key); await checkInvalidInputs(ctx, op, 'in ' + op.key); }
console.log(n, 'prism(s):', Math.round(performance.now() - t), 'ms for responses+inputs on 13 ops');
await Promise.all(mocks.map((m) => m.stop()));
