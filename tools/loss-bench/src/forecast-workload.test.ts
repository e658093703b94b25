import { ConfigError, initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { FORECAST_CLASS_BINS, FORECAST_INPUT_WIDTH, FORECAST_QUANTILE_LEVELS, forecastWorkload } from './forecast-workload.js';

beforeAll(async () => {
  await initBackend('wasm', { log: null });
});

describe('forecastWorkload', () => {
  it('builds a 240-input MLP whose heads give 3, 9 and 3 + 30 outputs on the shared trunk', () => {
    const workload = forecastWorkload({ seed: 1, batchSize: 8, batches: 3 });
    try {
      expect(FORECAST_INPUT_WIDTH).toBe(240);
      expect(workload.data.size).toBe(24);
      expect(workload.targets.length).toBe(24 * 3);
      const x = tf.randomNormal([8, FORECAST_INPUT_WIDTH], 0, 1, 'float32', 1);
      const shapes = tf.tidy(() => [
        workload.model.predict(x, { training: false }).shape,
        workload.modelWith([workload.heads.quantile]).predict(x, { training: false }).shape,
        workload.modelWith([workload.heads.point, workload.heads.classes]).predict(x, { training: false }).shape,
      ]);
      x.dispose();
      expect(shapes).toEqual([[8, 3], [8, 3 * FORECAST_QUANTILE_LEVELS.length], [8, 3 + 3 * FORECAST_CLASS_BINS]]);
      expect(workload.model.variables.map((v) => v.name)).toEqual(['dense0/kernel', 'dense0/bias', 'dense1/kernel', 'dense1/bias', 'point/kernel', 'point/bias']);
      const sigma = tf.variable(tf.scalar(1));
      expect(workload.modelWith([workload.heads.point], { sigma }).variables.map((v) => v.name)).toContain('sigma');
      sigma.dispose();
      expect(() => workload.modelWith([])).toThrow(ConfigError);
    } finally {
      workload.dispose();
    }
  });

  it('carries LDS weights of the PM2.5 targets (mean 1, larger for rarer targets) and is fixed by the seed', () => {
    const a = forecastWorkload({ seed: 7, batchSize: 64, batches: 4 });
    const b = forecastWorkload({ seed: 7, batchSize: 64, batches: 4 });
    try {
      const w = Array.from(a.data.weights ?? []);
      expect(w).toHaveLength(256);
      expect(w.reduce((s, v) => s + v, 0) / w.length).toBeCloseTo(1, 5);
      // the largest PM2.5 target (the sparse right tail) weighs more than the median one
      const pm25 = Array.from({ length: 256 }, (_, r) => a.targets[r * 3] ?? Number.NaN);
      const order = pm25.map((v, i) => [v, i] as const).sort((p, q) => p[0] - q[0]);
      const top = order[255]?.[1] ?? 0;
      const mid = order[128]?.[1] ?? 0;
      expect(w[top]).toBeGreaterThan(w[mid] ?? Number.POSITIVE_INFINITY);
      expect(Array.from(b.targets)).toEqual(Array.from(a.targets));
      expect(a.model.variables.map((v) => Array.from(v.variable.dataSync()))).toEqual(b.model.variables.map((v) => Array.from(v.variable.dataSync())));
      expect(() => forecastWorkload({ seed: 1, batchSize: 0 })).toThrow(/batchSize/);
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});
