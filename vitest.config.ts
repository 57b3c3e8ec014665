import { defineConfig } from 'vitest/config';

/** npm test: the engine's own tests and the contract tests against the embedded mock, in one run. */
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/contract/**/*.contract.test.ts'],
    globalSetup: ['tests/contract/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // A live target (often a shared sandbox) gets one worker: the request budget and concurrency limit are then
    // the run's, not each worker's. The mock is ours: files run in parallel there.
    fileParallelism: !process.env['CONTRACT_BASE_URL'],
  },
});
