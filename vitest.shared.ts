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
    environment: 'node',
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
};
