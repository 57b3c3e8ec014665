/**
 * What `npm run contract` runs. Plain Node, with tsx registered in a namespace for the project's own TypeScript
 * only: under `tsx` every import — vitest's included, in this process and in the vitest workers it forks —
 * goes through tsx's loader hooks, which made loading vitest three times slower (BENCHMARKS.md). vitest starts
 * loading here, at once, alongside Prism and the spec.
 */
import { register } from 'tsx/esm/api';

const vitest = import('vitest/node');
vitest.catch(() => undefined); // reported where it is awaited
const tsx = register({ namespace: 'salesive-contract' });
try {
  const { contract } = await tsx.import('./contract.ts', import.meta.url);
  process.exit(await contract(() => vitest));
} catch (error) {
  // contract() reports its own errors; this is the script itself failing to load.
  console.error(`contract: ${String(error?.message ?? error).split('\n')[0]}`);
  process.exit(2);
}
