import { ldsWeights } from '@counterweight/core-losses';
import { ConfigError, initBackend } from '@counterweight/runtime';
import { beforeAll, describe, expect, it } from 'vitest';

import { headLayout, observedPollutantValues, pollutantTargetsOf } from './head-layout.js';
import { buildLdsObjective, fitLds } from './lds.js';
import { lossOf, plainBatch, somePredictions } from './test-support/batch.js';
import { maskedMae64, plainHeads } from './test-support/reference64.js';
import { tinyWindows } from './test-support/tiny-windows.js';

beforeAll(() => initBackend('cpu', { log: null }));

describe('lds objective', () => {
  const windows = tinyWindows({ counts: { train: 80, validation: 20, test: 4 } });
  const layout = headLayout(windows);

  it('training weights are core-losses ldsWeights of each pollutant (mean 1), 0 where the target is missing', () => {
    const objective = buildLdsObjective(windows, { bins: 20 });
    const weights = objective.extras('train').pollutantWeights?.values ?? new Float32Array();
    const training = pollutantTargetsOf(windows.train, layout);
    for (let p = 0; p < 2; p += 1) {
      const labels = observedPollutantValues(training, layout, p);
      const low = Math.min(...labels);
      const high = Math.max(...labels);
      const expected = ldsWeights(labels, { numBins: 20, lowest: low, binWidth: (high - low) / 20 }).weights;
      const ours: number[] = [];
      for (let k = p; k < weights.length; k += 2) {
        if (Number.isNaN(training[k] ?? 0)) expect(weights[k]).toBe(0);
        else ours.push(weights[k] ?? Number.NaN);
      }
      expect(ours.length).toBe(expected.length);
      ours.forEach((w, i) => expect(w).toBeCloseTo(expected[i] ?? Number.NaN, 5));
      expect(ours.reduce((a, b) => a + b, 0) / ours.length).toBeCloseTo(1, 5);
    }
    // the largest training target (the tail) gets more weight than the median one
    const first = fitLds(windows, layout, { bins: 20 })[0];
    const labels = Array.from(observedPollutantValues(training, layout, 0)).sort((a, b) => a - b);
    const binWeight = (y: number): number => first?.binWeights[first.binOf(y)] ?? Number.NaN;
    expect(binWeight(labels[labels.length - 1] ?? 0)).toBeGreaterThan(binWeight(labels[Math.floor(labels.length / 2)] ?? 0));
  });

  it('the loss is weather MAE + LDS-weighted masked pollutant MAE (float64 reference); masked targets ignored', () => {
    const objective = buildLdsObjective(windows);
    const batch = plainBatch(objective, windows, 'validation', 14);
    const predictions = somePredictions(14, 6, 0.9);
    const mask = batch.extras.mask?.values ?? new Float32Array();
    const heads = plainHeads(layout, 14, batch.targets, mask, predictions);
    const expected = maskedMae64(heads.weather) + maskedMae64(heads.pollutant, batch.extras.pollutantWeights?.values);
    expect(lossOf(objective, batch, predictions)).toBeCloseTo(expected, 5);
    batch.targets[mask.indexOf(0)] = -40;
    expect(lossOf(objective, batch, predictions)).toBeCloseTo(expected, 5);
  });

  it('rejects a bad bin count by option name', () => {
    expect(() => buildLdsObjective(windows, { bins: 0 })).toThrow(ConfigError);
    expect(() => buildLdsObjective(windows, { bins: 2.5 })).toThrow('options.lds.bins');
  });
});
