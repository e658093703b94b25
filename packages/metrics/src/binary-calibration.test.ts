import { describe, expect, it } from 'vitest';

import { binaryExpectedCalibrationError, binaryReliabilityBins, calibrationRatio } from './binary-calibration.js';
import { seededRandom } from './test-support/random.js';

describe('binaryExpectedCalibrationError and binaryReliabilityBins', () => {
  it('match the example worked by hand with 5 bins', () => {
    // p = [0.1, 0.3, 0.35, 0.8, 0.9], y = [0, 1, 0, 1, 1]; bins (0,.2] (.2,.4] (.4,.6] (.6,.8] (.8,1]
    //   (0,.2]:  {0.1 -> 0}            mean p 0.1,   positives 0   -> 0.1,   weight 1/5
    //   (.2,.4]: {0.3 -> 1, 0.35 -> 0} mean p 0.325, positives 0.5 -> 0.175, weight 2/5
    //   (.6,.8]: {0.8 -> 1} (0.8 on the edge, lower bin)           -> 0.2,   weight 1/5
    //   (.8,1]:  {0.9 -> 1}                                         -> 0.1,   weight 1/5
    // ECE = (0.1 + 2·0.175 + 0.2 + 0.1) / 5 = 0.15
    const p = [0.1, 0.3, 0.35, 0.8, 0.9];
    const y = [0, 1, 0, 1, 1];
    expect(binaryExpectedCalibrationError(y, p, { bins: 5 })).toBeCloseTo(0.15, 15);
    const bins = binaryReliabilityBins(y, p, { bins: 5 });
    expect(bins.map((b) => b.count)).toEqual([1, 2, 0, 1, 1]);
    expect(bins[1]?.confidence).toBeCloseTo(0.325, 15);
    expect(bins[1]?.accuracy).toBe(0.5);
    expect(bins[3]).toMatchObject({ lower: 0.6, upper: 0.8, count: 1, confidence: 0.8, accuracy: 1 });
  });

  it('counts a probability of exactly 0 in the first bin', () => {
    expect(binaryReliabilityBins([0, 1], [0, 1], { bins: 4 }).map((b) => b.count)).toEqual([1, 0, 0, 1]);
    expect(binaryExpectedCalibrationError([0, 1], [0, 1])).toBe(0);
  });

  it('with quantile bins puts equal numbers of samples in each bin (distinct probabilities)', () => {
    const rand = seededRandom(8);
    const p = Array.from({ length: 100 }, () => rand() * 0.1); // CTR-like: all below 0.1
    const y = p.map((v): number => (rand() < v ? 1 : 0));
    expect(binaryReliabilityBins(y, p, { bins: 10, binning: 'quantile' }).map((b) => b.count)).toEqual(Array(10).fill(10));
    // Equal-width bins put everything in the first bin, so ECE = |mean y − mean p|.
    const meanP = p.reduce((a, b) => a + b, 0) / 100;
    const meanY = y.reduce((a, b) => a + b, 0) / 100;
    expect(binaryExpectedCalibrationError(y, p, { bins: 10 })).toBeCloseTo(Math.abs(meanY - meanP), 15);
  });
});

describe('calibrationRatio', () => {
  it('is the sum of predictions over the sum of labels', () => {
    expect(calibrationRatio([1, 0, 0, 1], [0.5, 0.2, 0.1, 0.4])).toBeCloseTo(1.2 / 2, 15);
    expect(calibrationRatio([1, 0, 0, 0], [0.25, 0.25, 0.25, 0.25])).toBe(1);
    expect(calibrationRatio([0], [0.4])).toBe(Number.POSITIVE_INFINITY);
    expect(calibrationRatio([0], [0])).toBeNaN();
  });
});
