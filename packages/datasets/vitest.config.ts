import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.js';

// The test files share their workers' module cache (isolate: false): each would otherwise load the runtime (and
// tfjs with it) again, which costs more than the tests themselves. No test leaves global state behind.
export default mergeConfig(defineConfig(sharedTestConfig), defineConfig({ test: { isolate: false } }));
