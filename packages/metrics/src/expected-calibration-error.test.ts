import { describe, expect, it } from 'vitest';

import type { ClassGrouping } from './class-groups.js';
import { expectedCalibrationError, groupExpectedCalibrationError, reliabilityBins } from './expected-calibration-error.js';
import { randomInt, seededRandom } from './test-support/random.js';

/**
 * The worked example (N = 5, C = 3). Top-label confidence, prediction, correct:
 *   row 0: 0.90 -> class 0, target 0, correct
 *   row 1: 0.85 -> class 1, target 2, wrong
 *   row 2: 0.40 -> class 2, target 2, correct
 *   row 3: 0.50 -> class 0, target 1, wrong
 *   row 4: 0.60 -> class 2, target 2, correct
 */
const probabilities = [
  [0.9, 0.05, 0.05],
  [0.1, 0.85, 0.05],
  [0.3, 0.3, 0.4],
  [0.5, 0.45, 0.05],
  [0.2, 0.2, 0.6],
].flat();
const targets = [0, 2, 2, 1, 2];

/**
 * Independent reference: the loop of Guo et al.'s code (gpleiss/temperature_scaling `_ECELoss`): for every bin,
 * `in_bin = conf > lower && conf <= upper`, `ece += |mean(conf) − mean(acc)| · prop_in_bin`.
 */
function eceLoop(conf: number[], correct: number[], bins: number): number {
  let ece = 0;
  for (let b = 0; b < bins; b += 1) {
    const lower = b / bins;
    const upper = (b + 1) / bins;
    const members = conf.map((c, i) => (c > lower && c <= upper ? i : -1)).filter((i) => i >= 0);
    if (members.length === 0) continue;
    const meanConf = members.reduce((s, i) => s + (conf[i] ?? 0), 0) / members.length;
    const meanAcc = members.reduce((s, i) => s + (correct[i] ?? 0), 0) / members.length;
    ece += Math.abs(meanConf - meanAcc) * (members.length / conf.length);
  }
  return ece;
}

describe('expectedCalibrationError (top-label)', () => {
  it('matches the example worked by hand with 5 bins', () => {
    // Bins (0,.2] (.2,.4] (.4,.6] (.6,.8] (.8,1]. 0.4 and 0.6 lie on edges and go to the lower bin.
    //   (.2,.4]: {0.40 ✓}          conf 0.40, acc 1   -> |1 − 0.4| = 0.6,   weight 1/5
    //   (.4,.6]: {0.50 ✗, 0.60 ✓}  conf 0.55, acc 0.5 -> 0.05,              weight 2/5
    //   (.8, 1]: {0.90 ✓, 0.85 ✗}  conf 0.875, acc 0.5 -> 0.375,            weight 2/5
    // ECE = (0.6 + 2·0.05 + 2·0.375) / 5 = 1.45 / 5 = 0.29
    expect(expectedCalibrationError(targets, probabilities, 3, { bins: 5 })).toBeCloseTo(0.29, 15);
    const bins = reliabilityBins(targets, probabilities, 3, { bins: 5 });
    expect(bins.map((b) => b.count)).toEqual([0, 1, 2, 0, 2]);
    expect(bins[2]).toMatchObject({ lower: 0.4, upper: 0.6, count: 2 });
    expect(bins[2]?.confidence).toBeCloseTo(0.55, 15);
    expect(bins[2]?.accuracy).toBe(0.5);
    expect(bins[4]?.confidence).toBeCloseTo(0.875, 15);
    expect(bins[0]?.confidence).toBeNaN();
    expect(bins[0]?.accuracy).toBeNaN();
  });

  it('matches the example worked by hand with the default 15 bins', () => {
    // Every confidence falls in its own bin (0.4 = 6/15 and 0.6 = 9/15 on edges, lower bin), so
    // ECE = mean |correct − conf| = (0.1 + 0.85 + 0.6 + 0.5 + 0.4) / 5 = 0.49.
    expect(expectedCalibrationError(targets, probabilities, 3)).toBeCloseTo(0.49, 15);
    const bins = reliabilityBins(targets, probabilities, 3);
    expect(bins).toHaveLength(15);
    expect(bins.map((b, i) => (b.count > 0 ? i : -1)).filter((i) => i >= 0)).toEqual([5, 7, 8, 12, 13]);
  });

  it('matches the example worked by hand with 2 equal-mass bins', () => {
    // Sorted confidences 0.4, 0.5, 0.6, 0.85, 0.9; the median edge is 0.6 -> bins {0.4, 0.5, 0.6} and {0.85, 0.9}.
    //   bin 0: conf 0.5, acc 2/3 -> 1/6, weight 3/5;  bin 1: conf 0.875, acc 0.5 -> 0.375, weight 2/5
    // ECE = 0.6/6 + 0.4·0.375 = 0.25
    expect(expectedCalibrationError(targets, probabilities, 3, { bins: 2, binning: 'quantile' })).toBeCloseTo(0.25, 15);
    expect(reliabilityBins(targets, probabilities, 3, { bins: 2, binning: 'quantile' }).map((b) => [b.lower, b.upper, b.count])).toEqual([
      [0.4, 0.6, 3],
      [0.6, 0.9, 2],
    ]);
  });

  it("equals Guo et al.'s reference loop on random softmax outputs, for several bin counts", () => {
    const rand = seededRandom(31);
    const c = 4;
    const n = 500;
    const y = Array.from({ length: n }, () => randomInt(rand, c));
    const p: number[] = [];
    for (let i = 0; i < n; i += 1) {
      const logits = Array.from({ length: c }, (_, k) => 3 * rand() + (k === y[i] ? 1.5 : 0));
      const z = logits.reduce((s, v) => s + Math.exp(v), 0);
      p.push(...logits.map((v) => Math.exp(v) / z));
    }
    const conf: number[] = [];
    const correct: number[] = [];
    for (let i = 0; i < n; i += 1) {
      const row = p.slice(i * c, (i + 1) * c);
      const m = Math.max(...row);
      conf.push(m);
      correct.push(row.indexOf(m) === y[i] ? 1 : 0);
    }
    for (const bins of [1, 5, 10, 15, 20]) {
      expect(expectedCalibrationError(y, p, c, { bins })).toBeCloseTo(eceLoop(conf, correct, bins), 14);
      expect(reliabilityBins(y, p, c, { bins }).reduce((s, b) => s + b.count, 0)).toBe(n);
    }
  });

  it('is 0 for a perfectly calibrated predictor and |correct − confidence| for a single sample', () => {
    // Confidence 0.5 in every row, right half of the time.
    expect(expectedCalibrationError([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5], 2)).toBe(0);
    expect(expectedCalibrationError([1], [0.3, 0.7], 2)).toBeCloseTo(0.3, 15);
    expect(expectedCalibrationError([0], [0.3, 0.7], 2)).toBeCloseTo(0.7, 15);
  });

  it('rejects probabilities outside [0, 1] and bad options', () => {
    expect(() => expectedCalibrationError([0], [1.2, -0.2], 2)).toThrow(
      "expectedCalibrationError: argument 'probabilities'[0] is 1.2 (row 0, class 0), expected a probability in [0, 1]",
    );
    expect(() => expectedCalibrationError([0], [0.5, 0.5], 2, { bins: 0 })).toThrow("argument 'options.bins' must be an integer >= 1, got 0");
    expect(() => reliabilityBins([0], [0.5, 0.5], 2, { binning: 'kmeans' as 'uniform' })).toThrow(
      "argument 'options.binning' must be one of 'uniform', 'quantile', got 'kmeans'",
    );
    expect(() => expectedCalibrationError([0, 1], [0.5, 0.5], 2)).toThrow("argument 'probabilities' has 2 values, expected 4");
  });
});

describe('groupExpectedCalibrationError', () => {
  it('splits samples by the group of their true class and matches the hand-worked values', () => {
    const grouping: ClassGrouping<'head' | 'tail' | 'none'> = { groups: ['head', 'tail', 'none'], classGroups: ['head', 'head', 'tail'] };
    // head (targets 0, 1): rows 0 (0.90 ✓) and 3 (0.50 ✗), separate bins -> (0.1 + 0.5) / 2 = 0.3
    // tail (target 2): rows 1 (0.85 ✗), 2 (0.40 ✓), 4 (0.60 ✓), separate bins -> (0.85 + 0.6 + 0.4) / 3
    const r = groupExpectedCalibrationError(targets, probabilities, 3, grouping, { bins: 5 });
    expect(r.head).toBeCloseTo(0.3, 15);
    expect(r.tail).toBeCloseTo(1.85 / 3, 15);
    expect(r.none).toBeNaN();
  });

  it('with one group equals the overall ECE', () => {
    const one: ClassGrouping<'all'> = { groups: ['all'], classGroups: ['all', 'all', 'all'] };
    expect(groupExpectedCalibrationError(targets, probabilities, 3, one).all).toBe(expectedCalibrationError(targets, probabilities, 3));
  });
});
