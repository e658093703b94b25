import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import {
  CLASS_WEIGHT_STRATEGIES,
  classBalancedWeights,
  computeClassWeights,
  countClasses,
  countMultiHot,
  inverseClassFrequencyWeights,
  inverseFrequencyWeights,
  rankBasedFrequencyWeights,
  roundLikeNumpy,
  sqrtInverseFrequencyWeights,
  type ClassWeightStrategy,
} from './class-weights.js';
import { roundHalfEvenLikePython } from './test-support/python-round.js';

/**
 * Every (n, N), 1 ≤ n ≤ N < 1000, where NumPy's rounding of 1/f (f = 100·n/N, a numpy.float64 as in the NLBSE'25
 * reference, moritzmock/NLBSE2025 `transformer/main.py` line 219) differs from Python's round() on a built-in float:
 * `[n, N, NumPy value, Python value]`, written by running NumPy (`test-support/icf-numpy-rounding.py`).
 */
const NUMPY_PAIRS = (
  JSON.parse(readFileSync(new URL('./test-support/icf-numpy-rounding.json', import.meta.url), 'utf8')) as {
    pairs: [number, number, number, number][];
  }
).pairs;

const closeTo = (actual: readonly number[], expected: readonly number[], digits = 12): void => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i] ?? Number.NaN, digits));
};

describe('inverseFrequencyWeights (scikit-learn "balanced")', () => {
  // scikit-learn's documented formula: n_samples / (n_classes * np.bincount(y)); y = [0,0,0,0,1,1,2] → 7/12, 7/6, 7/3.
  const labels = [0, 0, 0, 0, 1, 1, 2];

  it('gives n_samples / (n_classes · bincount) from labels and from counts', () => {
    const fromLabels = inverseFrequencyWeights({ labels, numClasses: 3 });
    closeTo(fromLabels.weights, [7 / 12, 7 / 6, 7 / 3]);
    expect(fromLabels.normalization).toBe('sampleMeanOne');
    expect(fromLabels.feeds).toBe('classWeights');
    closeTo(inverseFrequencyWeights([4, 2, 1]).weights, [7 / 12, 7 / 6, 7 / 3]);
    closeTo(inverseFrequencyWeights({ counts: [4, 2, 1] }).weights, [7 / 12, 7 / 6, 7 / 3]);
    // Average weight over the samples is 1; a balanced dataset gets all ones.
    const w = fromLabels.weights;
    expect(labels.reduce((s, y) => s + (w[y] ?? 0), 0) / labels.length).toBeCloseTo(1, 14);
    expect(inverseFrequencyWeights([5, 5, 5]).weights).toEqual([1, 1, 1]);
  });

  it('names the empty class (its weight would be infinite) and rejects multi-hot data', () => {
    expect(() => inverseFrequencyWeights([4, 0, 1])).toThrow(
      "inverseFrequencyWeights: argument 'counts' gives class 1 a count of 0: its weight would be infinite",
    );
    expect(() => inverseFrequencyWeights({ labels: [0, 2], numClasses: 3 })).toThrow(
      "inverseFrequencyWeights: argument 'source.labels' gives class 1 a count of 0",
    );
    expect(() => inverseFrequencyWeights({ labels: [0, 3], numClasses: 3 })).toThrow(
      "inverseFrequencyWeights: argument 'source.labels' holds 3 at index 1, not a class id in [0, 2]",
    );
    expect(() => inverseFrequencyWeights({ multiHot: [[1, 0]] })).toThrow("inverseFrequencyWeights: argument 'source.multiHot' is multi-label data");
    expect(() => inverseFrequencyWeights([2, -1])).toThrow("inverseFrequencyWeights: argument 'counts' holds -1 for class 1; counts must be finite and non-negative");
    expect(() => inverseFrequencyWeights([])).toThrow("inverseFrequencyWeights: argument 'counts' must list at least one class");
  });
});

describe('sqrtInverseFrequencyWeights', () => {
  it('is ∝ 1/√n with the average sample weight 1', () => {
    const s = 3 + Math.SQRT2; // Σ √n for counts [4, 2, 1]
    const { weights, normalization } = sqrtInverseFrequencyWeights([4, 2, 1]);
    closeTo(weights, [7 / (2 * s), 7 / (Math.SQRT2 * s), 7 / s]);
    expect(normalization).toBe('sampleMeanOne');
    expect((weights[1] ?? 0) / (weights[0] ?? 1)).toBeCloseTo(Math.SQRT2, 14);
    expect(4 * (weights[0] ?? 0) + 2 * (weights[1] ?? 0) + (weights[2] ?? 0)).toBeCloseTo(7, 13);
    closeTo(sqrtInverseFrequencyWeights({ labels: [0, 0, 0, 0, 1, 1, 2], numClasses: 3 }).weights, weights, 15);
  });

  it('names the empty class', () => {
    expect(() => sqrtInverseFrequencyWeights([0, 3])).toThrow("sqrtInverseFrequencyWeights: argument 'counts' gives class 0 a count of 0");
  });
});

describe('effective number through computeClassWeights', () => {
  it('is classBalancedWeights, from counts or labels', () => {
    const labels = [0, 0, 0, 1, 1, 2];
    const direct = classBalancedWeights([3, 2, 1], { beta: 0.9 });
    expect(computeClassWeights('effectiveNumber', [3, 2, 1], { beta: 0.9 }).weights).toEqual(direct.weights);
    expect(computeClassWeights('effectiveNumber', { labels, numClasses: 3 }, { beta: 0.9 }).weights).toEqual(direct.weights);
    // (1 − β)/(1 − β^n) rescaled to sum C, by hand for β = 0.9: 1/0.271, 1/0.19, 1/0.1.
    const raw = [1 / 0.271, 1 / 0.19, 1 / 0.1];
    const total = raw.reduce((a, b) => a + b, 0);
    closeTo(direct.weights, raw.map((r) => (3 * r) / total));
    expect(() => computeClassWeights('effectiveNumber', [3, 0])).toThrow("computeClassWeights: argument 'source' holds 0 for class 1; every count must be a positive integer");
    expect(() => computeClassWeights('effectiveNumber', [3, 1], { beta: -0.5 })).toThrow("computeClassWeights: argument 'options.beta' must lie in [0, 1), got -0.5");
  });
});

describe('roundLikeNumpy', () => {
  it('is NumPy\'s multiply, round half to even, divide (np.round), not a correctly rounded round()', () => {
    // NumPy: np.round(0.025, 2) == 0.02 (0.025·100 is exactly 2.5, a tie, to even), where Python's round(0.025, 2)
    // gives 0.03 (0.025 is stored just above); likewise np.round(2.675, 2) == 2.68 against Python's 2.67 (2.675 is
    // stored just below, 2.675·100 rounds up to 267.5). Every value here was computed with NumPy 2.4.6.
    expect(roundLikeNumpy(0.025, 2)).toBe(0.02);
    expect(roundHalfEvenLikePython(0.025, 2)).toBe(0.03);
    expect(roundLikeNumpy(2.675, 2)).toBe(2.68);
    expect(roundHalfEvenLikePython(2.675, 2)).toBe(2.67);
    expect(roundLikeNumpy(0.125, 2)).toBe(0.12);
    expect(roundLikeNumpy(0.375, 2)).toBe(0.38);
    expect(roundLikeNumpy(2.5, 0)).toBe(2);
    expect(roundLikeNumpy(3.5, 0)).toBe(4);
    expect(roundLikeNumpy(-2.5, 0)).toBe(-2);
    expect(roundLikeNumpy(-3.5, 0)).toBe(-4);
    expect(roundLikeNumpy(1 / 3, 2)).toBe(0.33);
    expect(roundLikeNumpy(0.004, 2)).toBe(0);
    expect(roundLikeNumpy(0.999, 2)).toBe(1);
  });

  it('gives NumPy\'s value on every (n, N), N < 1000, where NumPy and Python disagree, and agrees elsewhere', () => {
    expect(NUMPY_PAIRS).toHaveLength(923);
    const differing = new Map(NUMPY_PAIRS.map(([n, total, byNumpy, byPython]) => [`${n}/${total}`, { byNumpy, byPython }]));
    let checked = 0;
    for (let total = 1; total < 1000; total += 1) {
      for (let n = 1; n <= total; n += 1) {
        const inverse = 1 / ((n / total) * 100);
        const ours = roundLikeNumpy(inverse, 2);
        const python = roundHalfEvenLikePython(inverse, 2);
        const expected = differing.get(`${n}/${total}`);
        if (expected === undefined) {
          // Not in NumPy's list: NumPy agrees with Python here, and so must we.
          if (ours !== python) throw new Error(`roundLikeNumpy(1/f, 2) = ${ours}, NumPy = Python = ${python} at n = ${n}, N = ${total}`);
        } else {
          expect(python).toBe(expected.byPython);
          if (ours !== expected.byNumpy) throw new Error(`roundLikeNumpy(1/f, 2) = ${ours}, NumPy ${expected.byNumpy} at n = ${n}, N = ${total}`);
          checked += 1;
        }
      }
    }
    expect(checked).toBe(923);
  });
});

describe('inverseClassFrequencyWeights (ICF, NLBSE\'25)', () => {
  it('rounds 1/f (f in percent) to 2 decimals and normalises to 1, from multi-hot rows', () => {
    // 8 samples; label 0 in 4 (50 %), label 1 in 2 (25 %), label 2 in 1 (12.5 %): 1/f = 0.02, 0.04, 0.08.
    const rows = [
      [1, 0, 0],
      [1, 1, 0],
      [1, 0, 1],
      [1, 1, 0],
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ];
    const result = inverseClassFrequencyWeights({ multiHot: rows });
    closeTo(result.weights, [0.02 / 0.14, 0.04 / 0.14, 0.08 / 0.14]);
    expect(result.normalization).toBe('sumToOne');
    expect(result.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 15);
    expect(computeClassWeights('icf', { multiHot: rows }).weights).toEqual(result.weights);
  });

  it('keeps the reference rounding (ties to even) unless roundTo is null', () => {
    // 400 samples; positives 32 (8 % → 1/8 = 0.125 → 0.12), 200 (50 % → 0.02), 1 (0.25 % → 4).
    const counts = { counts: [32, 200, 1], numSamples: 400 };
    closeTo(inverseClassFrequencyWeights(counts).weights, [0.12 / 4.14, 0.02 / 4.14, 4 / 4.14]);
    closeTo(inverseClassFrequencyWeights(counts, { roundTo: null }).weights, [0.125 / 4.145, 0.02 / 4.145, 4 / 4.145]);
    closeTo(computeClassWeights('icf', counts, { roundTo: null }).weights, [0.125 / 4.145, 0.02 / 4.145, 4 / 4.145]);
  });

  it('rounds as the reference\'s numpy.float64 does (NumPy\'s rule) on every pair where Python\'s round differs', () => {
    // The example: 2 and 1 positives of 5 samples → 1/f = 0.025, 0.05 → NumPy 0.02, 0.05 → 0.286, 0.714
    // (Python's round would give 0.03 → 0.375, 0.625).
    closeTo(inverseClassFrequencyWeights({ counts: [2, 1], numSamples: 5 }).weights, [0.02 / 0.07, 0.05 / 0.07], 15);
    // Each pair (n, N) as two labels: n positives and N positives (1/f = 0.01 under both rules).
    for (const [n, total, byNumpy] of NUMPY_PAIRS) {
      const { weights } = inverseClassFrequencyWeights({ counts: [n, total], numSamples: total });
      const expected = [byNumpy / (byNumpy + 0.01), 0.01 / (byNumpy + 0.01)];
      if (Math.abs((weights[0] ?? 0) - (expected[0] ?? 0)) > 1e-15) {
        throw new Error(`ICF weight of ${n} positives of ${total}: ${weights[0]}, NumPy rule ${expected[0]}`);
      }
    }
  });

  it('names the label without positives, a weight rounded to 0, and bad rows or options', () => {
    expect(() => inverseClassFrequencyWeights({ multiHot: [[1, 0], [1, 0]] })).toThrow(
      "inverseClassFrequencyWeights: argument 'source.multiHot' gives class 1 a count of 0: its weight would be infinite",
    );
    expect(() => inverseClassFrequencyWeights({ counts: [90, 95], numSamples: 100 }, { roundTo: 0 })).toThrow(
      "inverseClassFrequencyWeights: argument 'options.roundTo' rounds the weight of label 0",
    );
    expect(() => inverseClassFrequencyWeights([1, 2], { roundTo: 2.5 })).toThrow("inverseClassFrequencyWeights: argument 'options.roundTo' must be an integer in [0, 15] or null, got 2.5");
    expect(() => inverseClassFrequencyWeights({ multiHot: [[1, 0], [1]] })).toThrow("inverseClassFrequencyWeights: argument 'source.multiHot' row 1 has 1 entries, row 0 has 2");
    expect(() => inverseClassFrequencyWeights({ multiHot: [[1, 0.5]] })).toThrow("inverseClassFrequencyWeights: argument 'source.multiHot' holds 0.5 at row 0, label 1");
    expect(() => inverseClassFrequencyWeights({ counts: [5, 12], numSamples: 10 })).toThrow(
      "inverseClassFrequencyWeights: argument 'source.numSamples' is 10, fewer than the 12 samples counted for class 1",
    );
    expect(() => inverseClassFrequencyWeights({ counts: [5, 2], numSamples: 0 })).toThrow("inverseClassFrequencyWeights: argument 'source.numSamples' must be a positive number, got 0");
  });
});

describe('rankBasedFrequencyWeights (RBF, NLBSE\'25)', () => {
  it('gives each label the rate (percent) of the label at the mirrored rank, unnormalised', () => {
    // The reference (moritzmock/NLBSE2025 transformer/main.py lines 232–237) sorts label ids by descending rate with
    // Python's stable sorted(…, reverse=True) and hands them the ascending rates: rates 10, 40, 5, 40 % → order
    // 1, 3, 0, 2 (the tie 1, 3 kept in id order) gets 5, 10, 40, 40 → [40, 5, 40, 10] (run with Python 3.11).
    const result = rankBasedFrequencyWeights({ counts: [10, 40, 5, 40], numSamples: 100 });
    expect(result.weights).toEqual([40, 5, 40, 10]);
    expect(result.normalization).toBe('none');
    expect(computeClassWeights('rbf', { counts: [10, 40, 5, 40], numSamples: 100 }).weights).toEqual([40, 5, 40, 10]);
    // Three-way tie and a tie at the bottom: rates 20, 20, 20, 30, 10 → order 3, 0, 1, 2, 4 gets 10, 20, 20, 20, 30.
    expect(rankBasedFrequencyWeights({ counts: [20, 20, 20, 30, 10], numSamples: 100 }).weights).toEqual([20, 20, 20, 10, 30]);
    // From rows: 4 samples, label rates 75 %, 25 %, 50 % → rarest (1) gets 75, most common (0) gets 25.
    const rows = [
      [1, 0, 1],
      [1, 0, 0],
      [1, 1, 1],
      [0, 0, 0],
    ];
    expect(rankBasedFrequencyWeights({ multiHot: rows }).weights).toEqual([25, 75, 50]);
    // Single-label labels: N = number of labels.
    expect(rankBasedFrequencyWeights({ labels: [0, 0, 0, 1], numClasses: 2 }).weights).toEqual([25, 75]);
  });

  it('rejects a label without positives (the most common label would get weight 0)', () => {
    expect(() => rankBasedFrequencyWeights({ counts: [3, 0, 9], numSamples: 10 })).toThrow(
      "rankBasedFrequencyWeights: argument 'source.counts' gives label 1 no positives, so the most common label (2) would get weight 0",
    );
  });
});

describe('computeClassWeights', () => {
  it('dispatches every strategy and rejects unknown ones', () => {
    const source = { counts: [6, 3, 1], numSamples: 10 };
    const strategies: ClassWeightStrategy[] = ['inverseFrequency', 'sqrtInverseFrequency', 'effectiveNumber', 'icf', 'rbf'];
    expect([...CLASS_WEIGHT_STRATEGIES]).toEqual(strategies);
    for (const strategy of strategies) {
      const result = computeClassWeights(strategy, source);
      expect(result.weights).toHaveLength(3);
      expect(result.weights.every((w) => Number.isFinite(w) && w > 0)).toBe(true);
    }
    expect(computeClassWeights('inverseFrequency', source).weights).toEqual(inverseFrequencyWeights(source).weights);
    expect(() => computeClassWeights('focal' as ClassWeightStrategy, source)).toThrow("computeClassWeights: argument 'strategy' must be one of 'inverseFrequency'");
  });
});

describe('countMultiHot and countClasses', () => {
  it('count positives per label and samples', () => {
    expect(countMultiHot([[1, 0, 1], [0, 0, 1]])).toEqual({ counts: [1, 0, 2], numSamples: 2 });
    expect(countClasses([0, 2, 2, 1, 2], 4)).toEqual([1, 1, 3, 0]);
    expect(() => countMultiHot([])).toThrow("countMultiHot: argument 'rows' must hold at least one row");
    expect(() => countClasses([0], 0)).toThrow("countClasses: argument 'numClasses' must be a positive integer, got 0");
  });
});

// Effective-number weights and class counting (moved from class-balanced.test.ts).
describe('classBalancedWeights (effective number)', () => {
  const counts = [5000, 2997, 1796, 1077, 645, 387, 232, 139, 83, 50];

  it('is proportional to (1 − β)/(1 − β^n) and sums to the number of classes', () => {
    const { weights, effectiveNumbers } = classBalancedWeights(counts, { beta: 0.999 });
    expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(10, 12);
    for (let c = 1; c < counts.length; c += 1) {
      const ratio = (weights[c] ?? 0) / (weights[0] ?? 1);
      const expected = (1 - 0.999 ** (counts[0] ?? 0)) / (1 - 0.999 ** (counts[c] ?? 0));
      expect(ratio).toBeCloseTo(expected, 12);
      expect(effectiveNumbers[c]).toBeCloseTo((1 - 0.999 ** (counts[c] ?? 0)) / 0.001, 9);
    }
  });

  it('gives all ones for β = 0 and approaches normalised inverse frequency as β → 1', () => {
    expect(classBalancedWeights(counts, { beta: 0 }).weights).toEqual(counts.map(() => 1));
    const near = classBalancedWeights(counts, { beta: 1 - 1e-9 }).weights;
    const inverse = counts.map((n) => 1 / n);
    const scale = 10 / inverse.reduce((a, b) => a + b, 0);
    near.forEach((w, c) => expect(w).toBeCloseTo((inverse[c] ?? 0) * scale, 4));
  });

  it('uses the paper default β = 0.9999 and says what the weights feed', () => {
    const result = classBalancedWeights([10, 1]);
    expect(result.beta).toBe(0.9999);
    expect(result.feeds).toBe('classWeights');
    expect(result.normalization).toBe('sumToNumClasses');
  });

  it('rejects zero counts, bad β and empty input with named errors', () => {
    expect(() => classBalancedWeights([3, 0])).toThrow(
      "classBalancedWeights: argument 'samplesPerClass' holds 0 for class 1; every count must be a positive integer",
    );
    expect(() => classBalancedWeights([3], { beta: 1 })).toThrow(/'options.beta' must lie in \[0, 1\), got 1/);
    expect(() => classBalancedWeights([])).toThrow(/must list at least one class/);
  });
});

describe('countClasses (single-label ids)', () => {
  it('counts labels per class', () => {
    expect(countClasses([0, 2, 2, 1, 2], 4)).toEqual([1, 1, 3, 0]);
  });

  it('names the position of a bad label', () => {
    expect(() => countClasses([0, 4], 4)).toThrow("countClasses: argument 'labels' holds 4 at index 1, not a class id in [0, 3]");
  });
});
