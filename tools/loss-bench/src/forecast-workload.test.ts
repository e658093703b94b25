import { ldsWeights } from '@counterweight/core-losses';
import { ConfigError, initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { FORECAST_CLASS_BINS, FORECAST_FIT_ROWS, FORECAST_INPUT_WIDTH, FORECAST_QUANTILE_LEVELS, forecastWorkload } from './forecast-workload.js';

beforeAll(async () => {
  await initBackend('wasm', { log: null });
});

describe('forecastWorkload', () => {
  it('builds a 240-input MLP whose heads give 3, 9 and 3 + 30 outputs on the shared trunk', () => {
    const workload = forecastWorkload({ seed: 1, batchSize: 8, batches: 3 });
    try {
      expect(FORECAST_INPUT_WIDTH).toBe(240);
      expect(workload.data.size).toBe(24);
      expect(workload.fitTargets.length).toBe(FORECAST_FIT_ROWS * 3);
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

  it('carries the LDS weights of its PM2.5 targets, fitted on the training windows, and is fixed by the seed', () => {
    const a = forecastWorkload({ seed: 7, batchSize: 64, batches: 4 });
    const b = forecastWorkload({ seed: 7, batchSize: 64, batches: 4 });
    try {
      const w = Array.from(a.data.weights ?? []);
      expect(w).toHaveLength(256);
      // the data set's rows are the first training windows: their weights are those ldsWeights gives them
      const fitPm25 = Array.from({ length: FORECAST_FIT_ROWS }, (_, r) => a.fitTargets[r * 3] ?? Number.NaN);
      const lds = ldsWeights(fitPm25, { lowest: Math.min(...fitPm25), binWidth: 0.1 });
      w.forEach((v, r) => expect(v).toBeCloseTo(lds.weights[r] ?? Number.NaN, 5));
      expect(Array.from(a.data.targets.values)).toEqual(Array.from(a.fitTargets.subarray(0, 256 * 3)));
      // the largest PM2.5 target (the sparse right tail) weighs more than the median one
      const pm25 = fitPm25.slice(0, 256);
      const order = pm25.map((v, i) => [v, i] as const).sort((p, q) => p[0] - q[0]);
      const top = order[255]?.[1] ?? 0;
      const mid = order[128]?.[1] ?? 0;
      expect(w[top]).toBeGreaterThan(w[mid] ?? Number.POSITIVE_INFINITY);
      expect(Array.from(b.fitTargets)).toEqual(Array.from(a.fitTargets));
      expect(a.model.variables.map((v) => Array.from(v.variable.dataSync()))).toEqual(b.model.variables.map((v) => Array.from(v.variable.dataSync())));
      expect(() => forecastWorkload({ seed: 1, batchSize: 0 })).toThrow(/batchSize/);
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});
