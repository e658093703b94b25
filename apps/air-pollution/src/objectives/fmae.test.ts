import { fitTargetHistogram, frequencyBinWeights, frequencyTargetWeights, frequencyWeightedMae, meanAbsoluteError } from '@counterweight/core-losses';
import { initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { buildFmaeObjective, fitFmae, fmaeWeights } from './fmae.js';
import { headLayout, observedPollutantValues, pollutantMaskOf, pollutantTargetsOf } from './head-layout.js';
import { lossOf, plainBatch, somePredictions } from './test-support/batch.js';
import { maskedMae64, plainHeads } from './test-support/reference64.js';
import { tinyWindows } from './test-support/tiny-windows.js';

beforeAll(() => initBackend('cpu', { log: null }));

describe('fmae objective', () => {
  const windows = tinyWindows({ counts: { train: 60, validation: 20, test: 8 } });
  const layout = headLayout(windows);

  it('fits one histogram per pollutant on the observed TRAINING targets only (core-losses fitTargetHistogram)', () => {
    const fit = fitFmae(windows, layout);
    const training = pollutantTargetsOf(windows.train, layout);
    fit.histograms.forEach((h, p) => {
      const expected = fitTargetHistogram(observedPollutantValues(training, layout, p));
      expect(h.edges).toEqual(expected.edges);
      expect(h.counts).toEqual(expected.counts);
      // every observed training target of that pollutant is counted, nothing from validation
      expect(h.counts.reduce((a, b) => a + b, 0)).toBe(observedPollutantValues(training, layout, p).length);
    });
  });

  it('its weights are core-losses frequencyTargetWeights (target bins) times a per-pollutant mean-1 scale', () => {
    const fit = fitFmae(windows, layout);
    for (const split of ['train', 'validation'] as const) {
      const targets = pollutantTargetsOf(windows[split], layout);
      const ours = buildFmaeObjective(windows).extras(split).pollutantWeights?.values ?? new Float32Array();
      const core = frequencyTargetWeights(targets, { histogram: fit.histograms, shape: [windows[split].count, 2, 2], variableAxis: 2 });
      expect(ours.length).toBe(core.length);
      ours.forEach((w, k) => {
        const expected = Number.isNaN(targets[k] ?? 0) ? 0 : (core[k] ?? 0) * (fit.scales[k % 2] ?? 1);
        expect(w).toBeCloseTo(expected, 6);
      });
    }
    // mean 1 over each pollutant's observed training elements
    const trainWeights = fmaeWeights(pollutantTargetsOf(windows.train, layout), layout, fit);
    const mask = pollutantMaskOf(windows.train, layout);
    for (let p = 0; p < 2; p += 1) {
      let sum = 0;
      let n = 0;
      for (let k = p; k < trainWeights.length; k += 2) if (mask[k] === 1) [sum, n] = [sum + (trainWeights[k] ?? 0), n + 1];
      expect(sum / n).toBeCloseTo(1, 5);
    }
    // rare (tail) bins weigh more than the most populated bin
    const h = fit.histograms[0];
    const binWeights = frequencyBinWeights(h ?? fitTargetHistogram([0]));
    const counts = h?.counts ?? [];
    const crowded = counts.indexOf(Math.max(...counts));
    const rare = counts.findIndex((c) => c === 1);
    expect(binWeights[rare] ?? 0).toBeGreaterThan(binWeights[crowded] ?? 0);
  });

  it('the loss is weather MAE + the frequency-weighted pollutant MAE (float64 reference), masked targets ignored', () => {
    const objective = buildFmaeObjective(windows, { beta: 0.9 });
    const batch = plainBatch(objective, windows, 'train', 16);
    const predictions = somePredictions(16, 6, 0.4);
    const mask = batch.extras.mask?.values ?? new Float32Array();
    const heads = plainHeads(layout, 16, batch.targets, mask, predictions);
    const weights = batch.extras.pollutantWeights?.values ?? new Float32Array();
    const expected = maskedMae64(heads.weather) + maskedMae64(heads.pollutant, weights);
    expect(lossOf(objective, batch, predictions)).toBeCloseTo(expected, 5);
    batch.targets[mask.indexOf(0)] = 99;
    expect(lossOf(objective, batch, predictions)).toBeCloseTo(expected, 5);
  });

  it('without normalisation equals core-losses frequencyWeightedMae with its on-the-fly target-bin lookup', () => {
    const objective = buildFmaeObjective(windows, { normalize: false });
    const fit = fitFmae(windows, layout, { normalize: false });
    expect(fit.scales).toEqual([1, 1]);
    const rows = 20;
    const batch = plainBatch(objective, windows, 'train', rows);
    const predictions = somePredictions(rows, 6, 1.1);
    const mask = batch.extras.mask?.values ?? new Float32Array();
    const heads = plainHeads(layout, rows, batch.targets, mask, predictions);
    const expected = tf.tidy(() => {
      const shape = [rows, 2, 2];
      const pollutant = frequencyWeightedMae(tf.tensor(heads.pollutant.targets, shape), tf.tensor(heads.pollutant.predictions, shape), {
        histogram: fit.histograms,
        variableAxis: 2,
        mask: tf.tensor(heads.pollutant.mask, shape),
      });
      const weather = meanAbsoluteError(tf.tensor(heads.weather.targets), tf.tensor(heads.weather.predictions), { mask: tf.tensor(heads.weather.mask) });
      return tf.add(weather, pollutant).dataSync()[0] ?? Number.NaN;
    });
    expect(lossOf(objective, batch, predictions)).toBeCloseTo(expected, 5);
  });
});
