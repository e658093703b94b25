import { defineConfig } from 'vitest/config';
import { reliabilityTestConfig } from '../../vitest.shared.js';

export default defineConfig(reliabilityTestConfig);
