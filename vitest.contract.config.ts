import { defineConfig } from 'vitest/config';

/** npm run contract: only the contract tests; the script adds the reporters and the target. */
export default defineConfig({
  test: {
    include: ['tests/contract/**/*.contract.test.ts'],
    globalSetup: ['tests/contract/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The contract files share one run context per worker (spec indexed once, validators compiled once,
    // connections kept alive): they hold no state of their own to isolate.
    isolate: false,
    // One worker: on the mock, Prism needs the other core (measured: 2 workers are slower on 2 cores, BENCHMARKS.md).
    maxWorkers: 1,
    // A live target (often a shared sandbox) gets one worker: the request budget and concurrency limit are then
    // the run's, not each worker's. The mock is ours: files run in parallel there.
    fileParallelism: !process.env['CONTRACT_BASE_URL'],
    // Transformed modules kept on disk (node_modules/.experimental-vitest-cache, keyed by content): a rerun
    // skips ~0.5 s of transforms. The first run after `npm ci` fills it.
    // CONTRACT_MODULE_CACHE moves it (a test of a cold run uses an empty one without touching the shared one).
    experimental: { fsModuleCache: true, ...(process.env['CONTRACT_MODULE_CACHE'] ? { fsModuleCachePath: process.env['CONTRACT_MODULE_CACHE'] } : {}) },
  },
});
