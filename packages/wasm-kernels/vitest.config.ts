import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.js';

export default mergeConfig(sharedTestConfig, defineConfig({ test: { setupFiles: ['src/test-support/tfjs-prod-mode.ts'] } }));
