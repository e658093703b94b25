import { fitTargetBins } from '@counterweight/core-losses';
import { initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { buildCarObjective, fitCarBins } from './car.js';
import { headLayout, observedPollutantValues, pollutantTargetsOf } from './head-layout.js';
import { lossOf, plainBatch, somePredictions } from './test-support/batch.js';
import { logSumExp64, maskedMae64, plainHeads } from './test-support/reference64.js';
import { tinyWindows } from './test-support/tiny-windows.js';

beforeAll(() => initBackend('cpu', { log: null }));

const windows = tinyWindows({ counts: { train: 40, validation: 10, test: 4 } });
const layout = headLayout(windows);

describe('car objective', () => {
  it('fits uniform class edges per pollutant on the training targets and grows the pollutant head by H·ΣC logits', () => {
    const bins = fitCarBins(windows, layout, { numBins: 5 });
    const training = pollutantTargetsOf(windows.train, layout);
    bins.forEach((b, p) => expect(b.edges).toEqual(fitTargetBins(observedPollutantValues(training, layout, p), { numBins: 5 }).edges));
    const objective = buildCarObjective(windows, { numBins: 5 });
    expect(objective.weatherOutputs).toBe(2);
    expect(objective.pollutantOutputs).toBe(4 + 2 * (5 + 5));
    expect(() => buildCarObjective(windows, { numBins: 1 })).toThrow('options.car.numBins');
  });

  it('is weather MAE + mean over observed pollutant elements of (ŷ − y)² + λ·CE (float64 reference); masked targets ignored', () => {
    const C = 4;
    const lambda = 0.5;
    const objective = buildCarObjective(windows, { numBins: C, lambda });
    const bins = fitCarBins(windows, layout, { numBins: C });
    const rows = 9;
    const outputs = objective.weatherOutputs + objective.pollutantOutputs;
    const batch = plainBatch(objective, windows, 'train', rows);
    const predictions = somePredictions(rows, outputs, 0.3);
    const mask = batch.extras.mask?.values ?? new Float32Array();
    const heads = plainHeads(layout, rows, batch.targets, mask, predictions);
    // the pollutant head of row i: 4 regression outputs (h, p), then logits [h][p][class]
    let total = 0;
    let observed = 0;
    heads.pollutant.targets.forEach((y, k) => {
      if (heads.pollutant.mask[k] === 0) return;
      const i = Math.floor(k / 4);
      const e = k % 4;
      const [h, p] = [Math.floor(e / 2), e % 2];
      const edges = bins[p]?.edges ?? [];
      let cls = 0;
      for (let c = 1; c < edges.length - 1; c += 1) if (y >= (edges[c] ?? 0)) cls = c;
      const at = i * outputs + 2 + 4 + h * 2 * C + p * C;
      const logits = Array.from(predictions.subarray(at, at + C));
      const ce = logSumExp64(logits) - (logits[cls] ?? 0);
      total += ((heads.pollutant.predictions[k] ?? 0) - y) ** 2 + lambda * ce;
      observed += 1;
    });
    const expected = maskedMae64(heads.weather) + total / observed;
    expect(lossOf(objective, batch, predictions)).toBeCloseTo(expected, 4);
    batch.targets[mask.indexOf(0)] = 17;
    expect(lossOf(objective, batch, predictions)).toBeCloseTo(expected, 4);
  });

  it('point returns only the regression outputs, in target order', () => {
    const objective = buildCarObjective(windows, { numBins: 3 });
    const outputs = objective.weatherOutputs + objective.pollutantOutputs;
    const row = Array.from({ length: outputs }, (_, k) => k);
    const point = objective.point(tf.tensor2d([row]));
    expect(point.shape).toEqual([1, 6]);
    expect(Array.from(point.dataSync())).toEqual([0, 2, 3, 1, 4, 5]);
    point.dispose();
  });
});
