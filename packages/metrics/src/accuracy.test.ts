import { describe, expect, it } from 'vitest';

import { accuracy, topKAccuracy } from './accuracy.js';
import { randomInt, seededRandom } from './test-support/random.js';

/** Independent reference: sort the class indices (stable sort: ties keep index order) and look at the first k. */
function topKBySorting(targets: number[], scores: number[], c: number, k: number): number {
  let hits = 0;
  targets.forEach((y, i) => {
    const row = scores.slice(i * c, (i + 1) * c);
    const ranked = row.map((s, j) => ({ s, j })).sort((a, b) => b.s - a.s);
    if (ranked.slice(0, k).some((e) => e.j === y)) hits += 1;
  });
  return hits / targets.length;
}

describe('accuracy', () => {
  it('matches the scikit-learn documentation example', () => {
    // sklearn.metrics.accuracy_score docstring: y_pred = [0, 2, 1, 3], y_true = [0, 1, 2, 3] -> 0.5
    expect(accuracy([0, 1, 2, 3], [0, 2, 1, 3], 4)).toBe(0.5);
  });

  it('handles a single sample, all predictions one class and scores with ties', () => {
    expect(accuracy([2], [2], 3)).toBe(1);
    expect(accuracy([2], [0], 3)).toBe(0);
    expect(accuracy([0, 1, 2, 0], [0, 0, 0, 0], 3)).toBe(0.5);
    // Tied top scores go to the lowest class: row 0 predicts 0 (correct), row 1 predicts 0 (wrong).
    expect(accuracy([0, 1], [0.5, 0.5, 0.4, 0.4], 2)).toBe(0.5);
  });
});

describe('topKAccuracy', () => {
  it('matches hand-computed values', () => {
    const scores = [0.1, 0.5, 0.4, 0.7, 0.2, 0.1];
    // Row 0, target 2: ranked [1, 2, 0] -> miss at k = 1, hit at k = 2. Row 1, target 0: hit at k = 1.
    expect(topKAccuracy([2, 0], scores, 3, 1)).toBe(0.5);
    expect(topKAccuracy([2, 0], scores, 3, 2)).toBe(1);
    expect(topKAccuracy([2, 0], scores, 3, 3)).toBe(1);
  });

  it('equals sorting the classes of every row, ties by class index, and k = 1 equals accuracy', () => {
    const rand = seededRandom(17);
    const c = 6;
    const n = 300;
    const targets = Array.from({ length: n }, () => randomInt(rand, c));
    const scores = Array.from({ length: n * c }, () => Math.round(rand() * 4) / 4); // coarse: many ties
    for (let k = 1; k <= c; k += 1) {
      expect(topKAccuracy(targets, scores, c, k)).toBeCloseTo(topKBySorting(targets, scores, c, k), 15);
    }
    expect(topKAccuracy(targets, scores, c, 1)).toBe(accuracy(targets, scores, c));
    expect(topKAccuracy(targets, scores, c, c)).toBe(1);
  });

  it('rejects k outside [1, C] and scores of the wrong length', () => {
    expect(() => topKAccuracy([0], [0.1, 0.9], 2, 3)).toThrow("topKAccuracy: argument 'k' must be an integer in [1, 2], got 3");
    expect(() => topKAccuracy([0], [0.1, 0.9], 2, 0)).toThrow("argument 'k' must be an integer in [1, 2]");
    expect(() => topKAccuracy([0, 1], [0.1, 0.9], 2, 1)).toThrow("argument 'scores' has 2 values, expected 4 (2 rows × 2 classes, row-major)");
  });
});
