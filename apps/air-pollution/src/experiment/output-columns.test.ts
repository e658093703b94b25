import { initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { createObjective } from '../objectives/index.js';
import { OBJECTIVE_NAMES } from '../objectives/objective.js';
import { tinyWindows } from '../objectives/test-support/tiny-windows.js';
import { decoderColumns } from './output-columns.js';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('decoderColumns', () => {
  const windows = tinyWindows();
  for (const name of OBJECTIVE_NAMES) {
    it(`reads ${name}'s point (and quantile) forecasts out of model outputs exactly as the objective does`, () => {
      const objective = createObjective(name, windows);
      try {
        const width = objective.weatherOutputs + objective.pollutantOutputs;
        const rows = 5;
        const outputs = Float32Array.from({ length: rows * width }, (_, k) => Math.sin(3 * k) * 10);
        const columns = decoderColumns(objective, width);
        const [point, quantiles] = tf.tidy(() => {
          const p = tf.tensor2d(outputs, [rows, width]);
          return [Array.from(objective.point(p).dataSync()), objective.quantiles === undefined ? undefined : Array.from(objective.quantiles(p).dataSync())];
        });
        const cells = columns.point.length;
        expect(cells).toBe(windows.horizons.length * windows.targets.length);
        for (let r = 0; r < rows; r += 1) {
          for (let t = 0; t < cells; t += 1) expect(outputs[r * width + (columns.point[t] ?? -1)]).toBe(point[r * cells + t]);
        }
        if (quantiles !== undefined) {
          const Q = objective.quantileLevels?.length ?? 0;
          expect(columns.quantiles).toHaveLength(cells);
          for (let r = 0; r < rows; r += 1) {
            for (let t = 0; t < cells; t += 1) {
              for (let q = 0; q < Q; q += 1) expect(outputs[r * width + (columns.quantiles?.[t]?.[q] ?? -1)]).toBe(quantiles[(r * cells + t) * Q + q]);
            }
          }
        } else {
          expect(columns.quantiles).toBeUndefined();
        }
      } finally {
        objective.dispose();
      }
    });
  }
});
