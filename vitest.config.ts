import { defineConfig } from 'vitest/config';

/** npm test: the engine's own tests and the contract tests against the embedded mock, in one run. */
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/contract/**/*.contract.test.ts'],
    globalSetup: ['tests/contract/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
