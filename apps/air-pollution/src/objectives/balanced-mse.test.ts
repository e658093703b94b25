import { initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { DEFAULT_NOISE_SIGMA, buildBalancedMseObjective } from './balanced-mse.js';
import { headLayout } from './head-layout.js';
import { batchTensors, lossInputs, lossOf, plainBatch, somePredictions } from './test-support/batch.js';
import { logSumExp64, maskedMae64, plainHeads, type PlainHead } from './test-support/reference64.js';
import { tinyWindows } from './test-support/tiny-windows.js';

beforeAll(() => initBackend('cpu', { log: null }));

const windows = tinyWindows();
const layout = headLayout(windows);

/** BMC in float64: per head column over the batch's observed labels of it, summed, over the observed count. */
function bmc64(head: PlainHead, sigma: number): number {
  const s2 = sigma * sigma;
  let total = 0;
  let observed = 0;
  const columns = layout.horizons * layout.pollutants;
  for (let v = 0; v < columns; v += 1) {
    const ks = head.targets.map((_, k) => k).filter((k) => k % columns === v && head.mask[k] === 1);
    for (const i of ks) {
      const p = head.predictions[i] ?? Number.NaN;
      const logits = ks.map((j) => -((p - (head.targets[j] ?? Number.NaN)) ** 2) / (2 * s2));
      total += 2 * s2 * (logSumExp64(logits) + ((p - (head.targets[i] ?? Number.NaN)) ** 2) / (2 * s2));
      observed += 1;
    }
  }
  return total / Math.max(observed, 1);
}

describe('balanced-mse objective', () => {
  it('is weather MAE + BMC over each pollutant column\'s observed batch labels (float64 reference), masked targets ignored', () => {
    const objective = buildBalancedMseObjective(windows, { noiseSigma: 0.7 });
    const batch = plainBatch(objective, windows, 'train', 12);
    const predictions = somePredictions(12, 6, 0.2);
    const mask = batch.extras.mask?.values ?? new Float32Array();
    const heads = plainHeads(layout, 12, batch.targets, mask, predictions);
    const expected = maskedMae64(heads.weather) + bmc64(heads.pollutant, 0.7);
    expect(lossOf(objective, batch, predictions)).toBeCloseTo(expected, 4);
    batch.targets[mask.indexOf(0)] = 30;
    expect(lossOf(objective, batch, predictions)).toBeCloseTo(expected, 4);
    objective.dispose();
  });

  it('learns σ by default (a scalar variable with a gradient); learnNoiseSigma false has no variables', () => {
    const objective = buildBalancedMseObjective(windows);
    expect(objective.variables).toHaveLength(1);
    const sigma = objective.variables[0] as tf.Variable;
    expect(sigma.dataSync()[0]).toBe(Math.fround(DEFAULT_NOISE_SIGMA));
    const batch = plainBatch(objective, windows, 'train', 12);
    const tensors = batchTensors(batch);
    const pred = tf.tensor2d(somePredictions(12, 6), [12, 6]);
    const { grads } = tf.variableGrads(() => objective.loss(lossInputs(tensors, pred)), [sigma]);
    expect(Math.abs(grads[sigma.name]?.dataSync()[0] ?? 0)).toBeGreaterThan(1e-4);
    tf.dispose([pred, tensors.targets, ...Object.values(tensors.extras), ...Object.values(grads)]);
    objective.dispose();
    expect(sigma.isDisposed).toBe(true);
    expect(buildBalancedMseObjective(windows, { learnNoiseSigma: false }).variables).toHaveLength(0);
    expect(() => buildBalancedMseObjective(windows, { noiseSigma: 0 })).toThrow('options.balancedMse.noiseSigma');
  });

  it('its gradient with respect to the predictions matches central differences of the float64 reference', () => {
    const sigma = 0.8;
    const objective = buildBalancedMseObjective(windows, { noiseSigma: sigma, learnNoiseSigma: false });
    const rows = 8;
    const batch = plainBatch(objective, windows, 'train', rows);
    const predictions = somePredictions(rows, 6, 0.5);
    const mask = batch.extras.mask?.values ?? new Float32Array();
    const reference = (p: ArrayLike<number>): number => {
      const heads = plainHeads(layout, rows, batch.targets, mask, p);
      return maskedMae64(heads.weather) + bmc64(heads.pollutant, sigma);
    };
    const tensors = batchTensors(batch);
    const x = tf.tensor2d(predictions, [rows, 6]);
    const grad = tf.grad((p: tf.Tensor) => objective.loss(lossInputs(tensors, p)))(x);
    const analytic = Array.from(grad.dataSync());
    tf.dispose([x, grad, tensors.targets, ...Object.values(tensors.extras)]);
    const h = 1e-6;
    const base = Float64Array.from(predictions);
    let checked = 0;
    analytic.forEach((g, k) => {
      const plus = Float64Array.from(base);
      const minus = Float64Array.from(base);
      plus[k] = (plus[k] ?? 0) + h;
      minus[k] = (minus[k] ?? 0) - h;
      const numeric = (reference(plus) - reference(minus)) / (2 * h);
      expect(Math.abs(g - numeric)).toBeLessThan(1e-4 + 1e-3 * Math.abs(numeric));
      if (numeric !== 0) checked += 1;
    });
    expect(checked).toBeGreaterThan(30);
  });
});
