import { frequencyBinWeights } from '@counterweight/core-losses';
import { initBackend } from '@counterweight/runtime';
import { beforeAll, describe, expect, it } from 'vitest';

import type { ForecastWindows } from '../data/forecast-windows.js';
import { OBJECTIVE_NAMES } from './objective.js';
import { fitFmae, fmaeWeights } from './fmae.js';
import { headLayout, observedPollutantValues, pollutantTargetsOf } from './head-layout.js';
import { fitLds, ldsElementWeights } from './lds.js';
import { createObjective } from './objectives.js';
import { fitQuantileCalibration, type QuantileForecasts } from './quantile-calibration.js';
import { lossOf, plainBatch, somePredictions } from './test-support/batch.js';
import { dongsiWindows } from './test-support/beijing-windows.js';

// Real data: Dongsi (UCI Beijing Multi-Site Air-Quality), hourly, TEMP/DEWP + PM2.5/NO2 at 1 h and 24 h.
let windows: ForecastWindows;
beforeAll(async () => {
  await initBackend('cpu', { log: null });
  windows = await dongsiWindows();
});

/** Mean weight of the training PM2.5 targets in each band of µg/m³ (pollutant 0 of the head). */
function pm25BandMeans(weights: Float32Array, targets: Float32Array, bands: readonly [number, number][]): number[] {
  const { mean, std } = windows.scaling['PM2.5'] ?? { mean: 0, std: 1 };
  return bands.map(([low, high]) => {
    let sum = 0;
    let n = 0;
    for (let k = 0; k < targets.length; k += 2) {
      const y = (targets[k] ?? Number.NaN) * std + mean;
      if (y >= low && y < high) [sum, n] = [sum + (weights[k] ?? 0), n + 1];
    }
    return sum / n;
  });
}

const BANDS: [number, number][] = [
  [0, 75],
  [75, 150],
  [150, 300],
  [300, 2000],
];

describe('objectives on real Beijing windows (Dongsi)', () => {
  it('fmae: training-only histograms; with β = 0.8 every well-populated bin gets the same weight, so only the far tail is up-weighted', () => {
    const layout = headLayout(windows);
    const training = pollutantTargetsOf(windows.train, layout);
    const fit = fitFmae(windows, layout);
    fit.histograms.forEach((h, p) => expect(h.counts.reduce((a, b) => a + b, 0)).toBe(observedPollutantValues(training, layout, p).length));
    const pm25 = fit.histograms[0];
    const binWeights = frequencyBinWeights(pm25 ?? fit.histograms[1] ?? { kind: 'targetHistogram', edges: [0, 1], counts: [1] });
    const populated = binWeights.filter((_, b) => (pm25?.counts[b] ?? 0) > 30);
    expect(populated.length).toBeGreaterThan(20);
    // (1 − β)/(1 − β^n) is 0.2 within 0.1 % for n > 30
    expect((Math.max(...populated) - Math.min(...populated)) / Math.min(...populated)).toBeLessThan(1e-3);
    const means = pm25BandMeans(fmaeWeights(training, layout, fit), training, BANDS);
    expect(means[3] ?? 0).toBeGreaterThan(means[0] ?? 0);
    expect((means[3] ?? 0) / (means[0] ?? 1)).toBeLessThan(1.2);
  });

  it('lds: the mean training weight rises with the PM2.5 band (≥ 300 µg/m³ several times the < 75 band)', () => {
    const layout = headLayout(windows);
    const training = pollutantTargetsOf(windows.train, layout);
    const weights = ldsElementWeights(training, layout, fitLds(windows, layout));
    const means = pm25BandMeans(weights, training, BANDS);
    for (let b = 1; b < means.length; b += 1) expect(means[b] ?? 0).toBeGreaterThan(means[b - 1] ?? 0);
    expect((means[3] ?? 0) / (means[0] ?? 1)).toBeGreaterThan(4);
  });

  it('every objective gives a finite loss on a real batch', () => {
    for (const name of OBJECTIVE_NAMES) {
      const objective = createObjective(name, windows);
      const batch = plainBatch(objective, windows, 'train', 64);
      expect(Number.isFinite(lossOf(objective, batch, somePredictions(64, objective.weatherOutputs + objective.pollutantOutputs))), name).toBe(true);
      objective.dispose();
    }
  });

  it('CQR of too-narrow persistence quantiles: ≥ 80 % validation coverage of [P10, P90] per column, close to 80 % on the test year', () => {
    const K = windows.horizons.length * windows.targets.length;
    const V = windows.targets.length;
    /** P10/P50/P90 = persistence ∓ 0.05 std (original units), persistence 0-filled where the history had no value. */
    const forecasts = (split: 'validation' | 'test'): QuantileForecasts => {
      const s = windows[split];
      const values = new Float64Array(s.count * K * 3);
      for (let i = 0; i < s.count; i += 1) {
        for (let k = 0; k < K; k += 1) {
          const v = k % V;
          const p = s.persistence[i * V + v] ?? Number.NaN;
          const centre = Number.isNaN(p) ? 0 : p;
          const spread = 0.05 * (windows.scaling[windows.targets[v] ?? '']?.std ?? 1);
          values.set([centre - spread, centre, centre + spread], (i * K + k) * 3);
        }
      }
      return { values, shape: [s.count, K, 3] };
    };
    const coverage = (q: QuantileForecasts, split: 'validation' | 'test', k: number): number => {
      const s = windows[split];
      let inside = 0;
      let n = 0;
      for (let i = 0; i < s.count; i += 1) {
        if (s.mask[i * K + k] !== 1 || Number.isNaN(s.persistence[i * V + (k % V)] ?? Number.NaN)) continue;
        const y = s.raw[i * K + k] ?? Number.NaN;
        n += 1;
        if (y >= (q.values[(i * K + k) * 3] ?? Number.NaN) && y <= (q.values[(i * K + k) * 3 + 2] ?? Number.NaN)) inside += 1;
      }
      return inside / n;
    };
    const validation = forecasts('validation');
    const calibration = fitQuantileCalibration(validation, windows.validation.raw, calibrationMask(), [0.1, 0.5, 0.9]);
    const calibratedValidation = calibration.apply(validation);
    const calibratedTest = calibration.apply(forecasts('test'));
    const testCoverage: number[] = [];
    for (let k = 0; k < K; k += 1) {
      expect(coverage(validation, 'validation', k)).toBeLessThan(0.8);
      expect(coverage(calibratedValidation, 'validation', k)).toBeGreaterThanOrEqual(0.8);
      testCoverage.push(coverage(calibratedTest, 'test', k));
    }
    // a different year (drift), so only roughly nominal
    for (const c of testCoverage) expect(c).toBeGreaterThan(0.65);
    expect(testCoverage.reduce((a, b) => a + b, 0) / K).toBeGreaterThan(0.75);
  });
});

/** The validation mask with windows whose persistence is missing dropped too (their 0-filled forecast is not one). */
function calibrationMask(): Float32Array {
  const s = windows.validation;
  const V = windows.targets.length;
  const K = windows.horizons.length * V;
  return Float32Array.from(s.mask, (m, at) => (m === 1 && !Number.isNaN(s.persistence[Math.floor(at / K) * V + (at % V)] ?? Number.NaN) ? 1 : 0));
}
