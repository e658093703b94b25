import { describe, expect, it } from 'vitest';

import { binaryAveragePrecision, meanAveragePrecision, multilabelAveragePrecision } from './average-precision.js';
import { seededRandom } from './test-support/random.js';

/**
 * Independent reference: enumerate the positives and, for each, the precision among all samples scoring at least as
 * high (a tie group counts as one threshold): `precision_i = #{positive j : s_j ≥ s_i} / #{j : s_j ≥ s_i}`.
 */
function apByEnumeration(labels: number[], scores: number[]): number {
  let sum = 0;
  let positives = 0;
  labels.forEach((y, i) => {
    if (y !== 1) return;
    positives += 1;
    const si = scores[i] ?? 0;
    const above = scores.map((s, j) => (s >= si ? j : -1)).filter((j) => j >= 0);
    sum += above.filter((j) => labels[j] === 1).length / above.length;
  });
  return sum / positives;
}

/**
 * Independent reference for tie-free scores: a literal port of ASL's `average_precision` (Alibaba-MIIL/ASL,
 * src/helper_functions/helper_functions.py): argsort descending, cumulative positive count, precision at each
 * positive, divided by (total positives + 1e-8).
 */
function aslAveragePrecision(scores: number[], targets: number[]): number {
  const indices = scores.map((_, i) => i).sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0));
  let posCount = 0;
  let sum = 0;
  indices.forEach((idx, rank) => {
    if (targets[idx] === 1) {
      posCount += 1;
      sum += posCount / (rank + 1);
    }
  });
  return sum / (posCount + 1e-8);
}

describe('binaryAveragePrecision', () => {
  it('matches the scikit-learn documentation example', () => {
    // average_precision_score docstring: y_true = [0, 0, 1, 1], y_scores = [0.1, 0.4, 0.35, 0.8] -> 0.83...
    // Ranked 0.8 (+), 0.4 (−), 0.35 (+), 0.1 (−): (1/1 + 2/3) / 2 = 5/6.
    expect(binaryAveragePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(5 / 6, 15);
  });

  it('equals enumeration of the precision at each positive, with many ties', () => {
    const rand = seededRandom(13);
    for (let trial = 0; trial < 5; trial += 1) {
      const labels = Array.from({ length: 150 }, () => (rand() < 0.3 ? 1 : 0));
      const scores = labels.map((y) => Math.round((rand() + 0.4 * y) * 8) / 8);
      expect(binaryAveragePrecision(labels, scores)).toBeCloseTo(apByEnumeration(labels, scores), 14);
    }
  });

  it('ranks a tie group as one threshold (pessimistic within the group)', () => {
    // One positive tied with one negative at the top: precision at the end of the group = 1/2.
    expect(binaryAveragePrecision([1, 0], [0.7, 0.7])).toBe(0.5);
    expect(binaryAveragePrecision([0, 1], [0.7, 0.7])).toBe(0.5);
    // A single sample: AP 1 for a positive, NaN (no positive) for a negative.
    expect(binaryAveragePrecision([1], [0.2])).toBe(1);
    expect(binaryAveragePrecision([0], [0.2])).toBeNaN();
  });
});

describe('multilabelAveragePrecision and meanAveragePrecision (ASL convention)', () => {
  it('match the scikit-learn documentation example with ties (multi-class y_true, one-vs-rest)', () => {
    // average_precision_score docstring: y_true = [0, 0, 1, 1, 2, 2] and the 6 × 3 scores below -> 0.77...
    // Per class, by hand: class 0: 0.7 (+), tie 0.4 {+, −} -> (1 + 2/3) / 2 = 5/6;
    // class 1: 0.8 (+), 0.4 (−), tie 0.3 {−, +} -> (1 + 2/4) / 2 = 3/4; class 2: 0.7 (+), 0.5, 0.3, 0.2 (+) -> 3/4.
    const scores = [
      [0.7, 0.2, 0.1],
      [0.4, 0.3, 0.3],
      [0.1, 0.8, 0.1],
      [0.2, 0.3, 0.5],
      [0.4, 0.4, 0.2],
      [0.1, 0.2, 0.7],
    ].flat();
    const oneHot = [0, 0, 1, 1, 2, 2].flatMap((y) => [0, 1, 2].map((c) => (c === y ? 1 : 0)));
    const ap = multilabelAveragePrecision(oneHot, scores, 3);
    expect(ap[0]).toBeCloseTo(5 / 6, 15);
    expect(ap[1]).toBeCloseTo(0.75, 15);
    expect(ap[2]).toBeCloseTo(0.75, 15);
    const map = meanAveragePrecision(oneHot, scores, 3);
    expect(map).toBeCloseTo(7 / 9, 15);
    expect(map.toString().startsWith('0.77')).toBe(true);
  });

  it("equals a literal port of ASL's average_precision per class on tie-free scores", () => {
    const rand = seededRandom(27);
    const n = 200;
    const c = 6;
    const targets: number[] = [];
    const scores: number[] = [];
    for (let i = 0; i < n; i += 1) {
      for (let k = 0; k < c; k += 1) {
        const y = rand() < 0.1 + 0.05 * k ? 1 : 0;
        targets.push(y);
        scores.push(rand() + 0.5 * y);
      }
    }
    const ap = multilabelAveragePrecision(targets, scores, c);
    for (let k = 0; k < c; k += 1) {
      const col = (a: number[]): number[] => Array.from({ length: n }, (_, i) => a[i * c + k] ?? 0);
      // ASL divides by P + 1e-8; the relative difference is below 1e-9 here.
      expect(ap[k]).toBeCloseTo(aslAveragePrecision(col(scores), col(targets)), 9);
      expect(ap[k]).toBeCloseTo(apByEnumeration(col(targets), col(scores)), 14);
    }
    const aslMap = Array.from({ length: c }, (_, k) =>
      aslAveragePrecision(
        Array.from({ length: n }, (_, i) => scores[i * c + k] ?? 0),
        Array.from({ length: n }, (_, i) => targets[i * c + k] ?? 0),
      ),
    ).reduce((a, b) => a + b, 0) / c; // ASL's mAP() is 100 × this
    expect(meanAveragePrecision(targets, scores, c)).toBeCloseTo(aslMap, 9);
  });

  it('counts a class without positives as AP 0 (ASL), or excludes it on request', () => {
    // Class 1 has no positive in the test set; class 0: ranked 0.9 (+), 0.5 (−), 0.2 (+) -> (1 + 2/3) / 2.
    const targets = [1, 0, 0, 0, 1, 0];
    const scores = [0.9, 0.3, 0.5, 0.8, 0.2, 0.1];
    expect(multilabelAveragePrecision(targets, scores, 2)).toEqual([expect.closeTo(5 / 6, 15), 0]);
    expect(meanAveragePrecision(targets, scores, 2)).toBeCloseTo(5 / 12, 15);
    const excluded = multilabelAveragePrecision(targets, scores, 2, { classesWithoutPositives: 'exclude' });
    expect(excluded[1]).toBeNaN();
    expect(meanAveragePrecision(targets, scores, 2, { classesWithoutPositives: 'exclude' })).toBeCloseTo(5 / 6, 15);
    expect(meanAveragePrecision([0, 0], [0.1, 0.2], 1, { classesWithoutPositives: 'exclude' })).toBeNaN();
    expect(meanAveragePrecision([0, 0], [0.1, 0.2], 1)).toBe(0);
  });

  it('names the bad input', () => {
    expect(() => meanAveragePrecision([1, 0, 2, 0], [0.1, 0.2, 0.3, 0.4], 2)).toThrow(
      "meanAveragePrecision: argument 'targets'[2] is 2 (row 1, class 0), expected 0 or 1",
    );
    expect(() => meanAveragePrecision([1, 0, 1], [0.1, 0.2, 0.3], 2)).toThrow("argument 'targets' has 3 values, not a multiple of numClasses = 2");
    expect(() => meanAveragePrecision([1, 0], [0.1, 0.2, 0.3], 2)).toThrow("argument 'scores' has 3 values, expected 2 (1 rows × 2 classes, row-major)");
    expect(() => meanAveragePrecision([1, 0], [0.1, 0.2], 2, { classesWithoutPositives: 'skip' as 'zero' })).toThrow(
      "argument 'options.classesWithoutPositives' must be one of 'zero', 'exclude', got 'skip'",
    );
  });
});
