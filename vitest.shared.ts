import type { ViteUserConfig } from 'vitest/config';

/**
 * Test settings shared by every project. Workspace packages resolve to their TypeScript sources through the
 * `@counterweight/source` export condition, so tests never need a prior build of their dependencies.
 */
export const sharedTestConfig: ViteUserConfig = {
  resolve: { conditions: ['@counterweight/source'] },
  ssr: { resolve: { conditions: ['@counterweight/source'], externalConditions: ['@counterweight/source'] } },
  test: {
    include: ['src/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', 'src/**/*.reliability.test.ts'],
    environment: 'node',
    pool: 'forks',
    // Test files share their worker's module cache instead of each loading tfjs, the wasm binary and the workspace
    // sources anew (the import phase was ~40 % of the CPU time of `npm test`). Safe here because no test mocks a
    // module or edits process.env, and every test that needs a backend selects it itself. A test that must start the
    // wasm backend with several threads needs a fresh process: llm-reweighting runs its *.threaded.test.ts isolated.
    isolate: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
};

/**
 * The reliability suite of a project (its `reliability` target, `vitest run --config vitest.reliability.config.ts`):
 * the files named `<name>.reliability.test.ts` under `src`, which the plain `test` target leaves out — bad-input
 * corpora, kill and resume, service fuzzing, long runs. Same resolution and pool as {@link sharedTestConfig}.
 */
export const reliabilityTestConfig: ViteUserConfig = {
  ...sharedTestConfig,
  test: {
    ...sharedTestConfig.test,
    include: ['src/**/*.reliability.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 300_000,
  },
};
