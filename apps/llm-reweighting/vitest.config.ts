import { defineConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.js';

// Files named *.threaded.test.ts start the wasm backend with several threads, which a process can do only before its
// wasm module first starts: they run in a process of their own (isolated); the rest share their worker's modules.
const THREADED = 'src/**/*.threaded.test.ts';

export default defineConfig({
  ...sharedTestConfig,
  test: {
    ...sharedTestConfig.test,
    projects: [
      { ...sharedTestConfig, test: { ...sharedTestConfig.test, name: 'shared', exclude: [...(sharedTestConfig.test?.exclude ?? []), THREADED] } },
      { ...sharedTestConfig, test: { ...sharedTestConfig.test, name: 'threaded', include: [THREADED], isolate: true } },
    ],
  },
});
