import { initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { headLayout } from './head-layout.js';
import { buildMaeObjective } from './mae.js';
import { lossOf, plainBatch, somePredictions } from './test-support/batch.js';
import { maskedMae64, plainHeads } from './test-support/reference64.js';
import { tinyWindows } from './test-support/tiny-windows.js';

beforeAll(() => initBackend('cpu', { log: null }));

describe('mae objective', () => {
  it('is the weather-head masked MAE plus the pollutant-head masked MAE (float64 reference)', () => {
    const windows = tinyWindows();
    const objective = buildMaeObjective(windows);
    expect([objective.weatherOutputs, objective.pollutantOutputs]).toEqual([2, 4]);
    const batch = plainBatch(objective, windows, 'train', 10);
    const predictions = somePredictions(10, 6);
    const mask = batch.extras.mask?.values ?? new Float32Array();
    expect(Array.from(mask)).toEqual(Array.from(windows.train.mask.subarray(0, 60)));
    expect(mask.includes(0)).toBe(true);
    const heads = plainHeads(headLayout(windows), 10, batch.targets, mask, predictions);
    const expected = maskedMae64(heads.weather) + maskedMae64(heads.pollutant);
    expect(lossOf(objective, batch, predictions)).toBeCloseTo(expected, 5);
  });

  it('ignores masked targets: changing one does not change the loss, changing an observed one does', () => {
    const windows = tinyWindows();
    const objective = buildMaeObjective(windows);
    const batch = plainBatch(objective, windows, 'train', 10);
    const predictions = somePredictions(10, 6);
    const before = lossOf(objective, batch, predictions);
    const mask = batch.extras.mask?.values ?? new Float32Array();
    const missing = mask.indexOf(0);
    const observed = mask.indexOf(1);
    batch.targets[missing] = 123;
    expect(lossOf(objective, batch, predictions)).toBe(before);
    batch.targets[observed] = (batch.targets[observed] ?? 0) + 5;
    expect(lossOf(objective, batch, predictions)).not.toBeCloseTo(before, 3);
  });

  it('has only the pollutant term without weather targets', () => {
    const windows = tinyWindows({ weather: false });
    const objective = buildMaeObjective(windows);
    expect([objective.weatherOutputs, objective.pollutantOutputs]).toEqual([0, 4]);
    const batch = plainBatch(objective, windows, 'train', 8);
    const predictions = somePredictions(8, 4);
    const heads = plainHeads(headLayout(windows), 8, batch.targets, batch.extras.mask?.values ?? [], predictions);
    expect(lossOf(objective, batch, predictions)).toBeCloseTo(maskedMae64(heads.pollutant), 5);
  });

  it('point puts the heads back in target order [B, H·V]', () => {
    const windows = tinyWindows();
    const objective = buildMaeObjective(windows);
    // output columns: weather (h0, h1), pollutant (h0 PM2.5, h0 NO2, h1 PM2.5, h1 NO2); targets: h0 TEMP PM NO2, h1 ...
    const point = objective.point(tf.tensor2d([[10, 11, 20, 21, 22, 23]]));
    expect(point.shape).toEqual([1, 6]);
    expect(Array.from(point.dataSync())).toEqual([10, 20, 21, 11, 22, 23]);
    point.dispose();
    const wrong = tf.zeros<tf.Rank.R2>([1, 5]);
    expect(() => objective.point(wrong)).toThrow('predictions must be [B, 6]');
    wrong.dispose();
  });
});
