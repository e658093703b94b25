import { SeededRandom } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { ObjectiveArgumentError } from './objective-error.js';
import { fitQuantileCalibration, repairQuantiles, type QuantileForecasts } from './quantile-calibration.js';

const LEVELS = [0.1, 0.5, 0.9];

/**
 * Synthetic forecasts of K = 3 columns with noise of a different scale each: the base P10/P90 are ±0.3 around the
 * truth's centre (far too narrow for columns 1 and 2), some rows crossed on purpose; ~10 % of targets missing.
 */
function synthetic(n: number, seed: number): { forecasts: QuantileForecasts; targets: Float32Array; mask: Float32Array } {
  const random = SeededRandom.fromSeed(seed, 'calibration');
  const k = 3;
  const values = new Float64Array(n * k * 3);
  const targets = new Float32Array(n * k);
  const mask = new Float32Array(n * k);
  for (let i = 0; i < n; i += 1) {
    for (let c = 0; c < k; c += 1) {
      const centre = random.normal(0, 2);
      const observed = random.uniform() > 0.1;
      targets[i * k + c] = observed ? centre + random.normal(0, 0.2 + c) : Number.NaN;
      mask[i * k + c] = observed ? 1 : 0;
      const at = (i * k + c) * 3;
      const crossed = i % 7 === 0;
      values[at] = crossed ? centre + 0.3 : centre - 0.3;
      values[at + 1] = centre;
      values[at + 2] = crossed ? centre - 0.3 : centre + 0.3;
    }
  }
  return { forecasts: { values, shape: [n, k, 3] }, targets, mask };
}

/** Share of observed targets of column c inside [P10, P90]. */
function coverage(forecasts: QuantileForecasts, targets: Float32Array, mask: Float32Array, c: number): number {
  const [n, k] = forecasts.shape;
  let inside = 0;
  let count = 0;
  for (let i = 0; i < n; i += 1) {
    if (mask[i * k + c] !== 1) continue;
    const y = targets[i * k + c] ?? Number.NaN;
    const at = (i * k + c) * 3;
    count += 1;
    if (y >= (forecasts.values[at] ?? Number.NaN) && y <= (forecasts.values[at + 2] ?? Number.NaN)) inside += 1;
  }
  return inside / count;
}

describe('repairQuantiles', () => {
  it('sorts every crossed [Q] row and leaves ordered rows alone', () => {
    const repaired = repairQuantiles({ values: [3, 1, 2, 0, 1, 2], shape: [1, 2, 3] });
    expect(Array.from(repaired.values)).toEqual([1, 2, 3, 0, 1, 2]);
    const isotonic = repairQuantiles({ values: [3, 1, 2], shape: [1, 1, 3] }, 'isotonic');
    expect(Array.from(isotonic.values)).toEqual([2, 2, 2]);
    expect(() => repairQuantiles({ values: [1, 2], shape: [1, 1, 3] })).toThrow(ObjectiveArgumentError);
  });
});

describe('fitQuantileCalibration', () => {
  it('after CQR the validation coverage of [P10, P90] is at least 80 % in every column, and quantiles are sorted', () => {
    const validation = synthetic(400, 1);
    for (let c = 0; c < 3; c += 1) expect(coverage(validation.forecasts, validation.targets, validation.mask, c)).toBeLessThan(0.8);
    const calibration = fitQuantileCalibration(validation.forecasts, validation.targets, validation.mask, LEVELS);
    expect(calibration.calibrationSizes.every((n) => n > 300 && n < 400)).toBe(true);
    const calibrated = calibration.apply(validation.forecasts);
    for (let c = 0; c < 3; c += 1) {
      expect(coverage(calibrated, validation.targets, validation.mask, c)).toBeGreaterThanOrEqual(0.8);
      // wider noise → larger correction
      if (c > 0) expect(calibration.corrections[c]?.[0] ?? 0).toBeGreaterThan(calibration.corrections[c - 1]?.[0] ?? 0);
    }
    for (let r = 0; r < calibrated.values.length; r += 3) {
      expect(calibrated.values[r] ?? 0).toBeLessThanOrEqual(calibrated.values[r + 1] ?? 0);
      expect(calibrated.values[r + 1] ?? 0).toBeLessThanOrEqual(calibrated.values[r + 2] ?? 0);
    }
  });

  it('applied to exchangeable test forecasts it gives about the nominal 80 % coverage', () => {
    const validation = synthetic(600, 2);
    const test = synthetic(600, 3);
    const calibration = fitQuantileCalibration(validation.forecasts, validation.targets, validation.mask, LEVELS, { repair: 'isotonic' });
    const calibrated = calibration.apply(test.forecasts);
    expect(calibrated.shape).toEqual([600, 3, 3]);
    for (let c = 0; c < 3; c += 1) {
      const covered = coverage(calibrated, test.targets, test.mask, c);
      expect(covered).toBeGreaterThan(0.74);
      expect(covered).toBeLessThan(0.87);
    }
  });

  it('leaves a column without observed validation targets uncalibrated and names bad arguments', () => {
    const validation = synthetic(20, 4);
    const mask = Float32Array.from(validation.mask, (m, i) => (i % 3 === 2 ? 0 : m));
    const calibration = fitQuantileCalibration(validation.forecasts, validation.targets, mask, LEVELS);
    expect(calibration.corrections[2]).toBeNull();
    expect(calibration.calibrationSizes[2]).toBe(0);
    expect(() => fitQuantileCalibration(validation.forecasts, validation.targets.subarray(1), mask, LEVELS)).toThrow('validationTargets');
    expect(() => fitQuantileCalibration(validation.forecasts, validation.targets, mask, [0.1, 0.9])).toThrow('levels');
    expect(() => calibration.apply({ values: new Float64Array(12), shape: [2, 2, 3] })).toThrow('testQuantiles.shape');
  });
});
