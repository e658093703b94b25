import { ConfigError, initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { headLayout } from './head-layout.js';
import { buildIgbObjective, buildUncertaintyObjective } from './task-weighted-mae.js';
import { batchTensors, lossInputs, lossOf, plainBatch, somePredictions } from './test-support/batch.js';
import { maskedMae64, plainHeads } from './test-support/reference64.js';
import { tinyWindows } from './test-support/tiny-windows.js';

beforeAll(() => initBackend('cpu', { log: null }));

const windows = tinyWindows();
const layout = headLayout(windows);

function headMaes(batch: ReturnType<typeof plainBatch>, predictions: Float32Array): [number, number] {
  const heads = plainHeads(layout, batch.rows, batch.targets, batch.extras.mask?.values ?? [], predictions);
  return [maskedMae64(heads.weather), maskedMae64(heads.pollutant)];
}

describe('uncertainty objective', () => {
  it('is ½e^{−s_w}·MAE_w + ½s_w + ½e^{−s_p}·MAE_p + ½s_p with the log-variances as its variables', () => {
    const objective = buildUncertaintyObjective(windows, { initialLogVariances: [0.4, -0.3] });
    expect(objective.variables).toHaveLength(1);
    expect(objective.weighter?.method).toBe('uncertainty');
    expect(objective.weighter?.variables[0]).toBe(objective.variables[0]);
    const batch = plainBatch(objective, windows, 'train', 12);
    const predictions = somePredictions(12, 6);
    const [w, p] = headMaes(batch, predictions);
    const expected = 0.5 * Math.exp(-0.4) * w + 0.5 * 0.4 + 0.5 * Math.exp(0.3) * p + 0.5 * -0.3;
    expect(lossOf(objective, batch, predictions)).toBeCloseTo(expected, 5);
    expect(objective.weighter?.report().losses[0]).toBeCloseTo(w, 5);
    objective.dispose();
    expect(objective.variables[0]?.isDisposed).toBe(true);
  });

  it('has a gradient for the log-variances: ½ − ½e^{−s}·MAE', () => {
    const objective = buildUncertaintyObjective(windows);
    const batch = plainBatch(objective, windows, 'train', 12);
    const predictions = somePredictions(12, 6);
    const [w, p] = headMaes(batch, predictions);
    const tensors = batchTensors(batch);
    const pred = tf.tensor2d(predictions, [12, 6]);
    const s = objective.variables[0] as tf.Variable;
    const { grads } = tf.variableGrads(() => objective.loss(lossInputs(tensors, pred)), [s]);
    const g = Array.from(grads[s.name]?.dataSync() ?? []);
    expect(g[0]).toBeCloseTo(0.5 - 0.5 * w, 5);
    expect(g[1]).toBeCloseTo(0.5 - 0.5 * p, 5);
    tf.dispose([pred, tensors.targets, ...Object.values(tensors.extras), ...Object.values(grads)]);
    objective.dispose();
  });

  it('needs a weather head', () => {
    const run = (): unknown => buildUncertaintyObjective(tinyWindows({ weather: false }));
    expect(run).toThrow(ConfigError);
    expect(run).toThrow('"uncertainty" needs a weather head');
  });
});

describe('igb objective', () => {
  it('is Σ ln MAE_t before the base epoch, then Σ w_t ln MAE_t with w = 2·softmax(MAE/MAE_base) once onEpochEnd took the base', () => {
    const objective = buildIgbObjective(windows, { baseEpoch: 0 });
    expect(objective.variables).toHaveLength(0);
    const batch = plainBatch(objective, windows, 'train', 12);
    const first = somePredictions(12, 6);
    const [w0, p0] = headMaes(batch, first);
    expect(lossOf(objective, batch, first)).toBeCloseTo(Math.log(w0) + Math.log(p0), 5);
    objective.weighter?.onEpochEnd(0);
    const second = somePredictions(12, 6, 2);
    const [w1, p1] = headMaes(batch, second);
    const ratios = [w1 / w0, p1 / p0];
    const z = Math.exp(ratios[0] ?? 0) + Math.exp(ratios[1] ?? 0);
    const weights = ratios.map((r) => (2 * Math.exp(r)) / z);
    expect(lossOf(objective, batch, second)).toBeCloseTo((weights[0] ?? 0) * Math.log(w1) + (weights[1] ?? 0) * Math.log(p1), 5);
    expect(objective.weighter?.report().weights[0]).toBeCloseTo(weights[0] ?? 0, 6);
  });

  it('needs a weather head', () => {
    expect(() => buildIgbObjective(tinyWindows({ weather: false }))).toThrow('"igb" needs a weather head');
  });
});
