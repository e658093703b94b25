import { ConfigError, initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { headLayout } from './head-layout.js';
import { buildQuantileObjective } from './quantile.js';
import { lossOf, plainBatch, somePredictions } from './test-support/batch.js';
import { plainHeads, type PlainHead } from './test-support/reference64.js';
import { tinyWindows } from './test-support/tiny-windows.js';

beforeAll(() => initBackend('cpu', { log: null }));

const windows = tinyWindows();
const layout = headLayout(windows);
const LEVELS = [0.1, 0.5, 0.9];

function pinball64(head: PlainHead): number {
  let sum = 0;
  let count = 0;
  head.targets.forEach((y, e) => {
    if (head.mask[e] === 0) return;
    LEVELS.forEach((tau, j) => {
      const u = y - (head.predictions[e * 3 + j] ?? Number.NaN);
      sum += Math.max(tau * u, (tau - 1) * u);
      count += 1;
    });
  });
  return sum / Math.max(count, 1);
}

describe('quantile objective', () => {
  it('has 3 outputs per target and is the sum of the heads\' masked mean pinball losses (float64 reference)', () => {
    const objective = buildQuantileObjective(windows);
    expect([objective.weatherOutputs, objective.pollutantOutputs]).toEqual([6, 12]);
    expect(objective.quantileLevels).toEqual(LEVELS);
    const batch = plainBatch(objective, windows, 'train', 10);
    const predictions = somePredictions(10, 18, 0.6);
    const mask = batch.extras.mask?.values ?? new Float32Array();
    const heads = plainHeads(layout, 10, batch.targets, mask, predictions, 3);
    const expected = pinball64(heads.weather) + pinball64(heads.pollutant);
    expect(lossOf(objective, batch, predictions)).toBeCloseTo(expected, 5);
    batch.targets[mask.indexOf(0)] = -9;
    expect(lossOf(objective, batch, predictions)).toBeCloseTo(expected, 5);
  });

  it('quantiles are [B, H·V, 3] in target order and point is their P50 column [B, H·V]', () => {
    const objective = buildQuantileObjective(windows);
    // element e of the [weather | pollutant] heads has outputs 10e, 10e + 1, 10e + 2
    const row = Array.from({ length: 18 }, (_, k) => 10 * Math.floor(k / 3) + (k % 3));
    const predictions = tf.tensor2d([row, row.map((v) => -v)]);
    const q = objective.quantiles?.(predictions);
    const point = objective.point(predictions);
    expect(q?.shape).toEqual([2, 6, 3]);
    expect(point.shape).toEqual([2, 6]);
    // target order: h0 TEMP (weather e0), h0 PM2.5 (e2), h0 NO2 (e3), h1 TEMP (e1), h1 PM2.5 (e4), h1 NO2 (e5)
    expect(Array.from(q?.dataSync() ?? []).slice(0, 18)).toEqual([0, 1, 2, 20, 21, 22, 30, 31, 32, 10, 11, 12, 40, 41, 42, 50, 51, 52]);
    expect(Array.from(point.dataSync()).slice(0, 6)).toEqual([1, 21, 31, 11, 41, 51]);
    tf.dispose([predictions, point, ...(q === undefined ? [] : [q])]);
  });

  it('checks its levels by option name', () => {
    expect(() => buildQuantileObjective(windows, { levels: [0.1, 0.9] })).toThrow(ConfigError);
    expect(() => buildQuantileObjective(windows, { levels: [0.5, 0.1] })).toThrow('options.quantile.levels');
    expect(buildQuantileObjective(windows, { levels: [0.05, 0.5, 0.95] }).pollutantOutputs).toBe(12);
  });
});
