import { describe, expect, it } from 'vitest';

import { binaryAuc } from './binary-auc.js';
import { seededRandom } from './test-support/random.js';

/** Independent reference: AUC by counting every (positive, negative) pair, ties as one half. */
function pairwiseAuc(targets: number[], scores: number[]): number {
  let wins = 0;
  let pairs = 0;
  targets.forEach((t, i) => {
    if (t !== 1) return;
    targets.forEach((u, j) => {
      if (u !== 0) return;
      pairs += 1;
      const si = scores[i] ?? 0;
      const sj = scores[j] ?? 0;
      wins += si > sj ? 1 : si === sj ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

describe('binaryAuc', () => {
  it('equals the brute-force pairwise count, with many ties', () => {
    const rand = seededRandom(11);
    const targets = Array.from({ length: 300 }, () => (rand() < 0.2 ? 1 : 0));
    const scores = targets.map((t) => Math.round((rand() + 0.3 * t) * 20) / 20); // coarse: many ties
    expect(binaryAuc(targets, scores)).toBeCloseTo(pairwiseAuc(targets, scores), 14);
    const continuous = targets.map((t) => rand() + 0.5 * t);
    expect(binaryAuc(targets, continuous)).toBeCloseTo(pairwiseAuc(targets, continuous), 14);
  });

  it('matches the scikit-learn documentation example and hand-computed cases', () => {
    // roc_auc_score docstring: y_true = [0, 0, 1, 1], y_scores = [0.1, 0.4, 0.35, 0.8] -> 0.75
    expect(binaryAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
    expect(binaryAuc([0, 1], [0.2, 0.9])).toBe(1);
    expect(binaryAuc([1, 0], [0.2, 0.9])).toBe(0);
    // All scores tied: every pair counts one half.
    expect(binaryAuc([0, 1, 0, 1, 1], [0.5, 0.5, 0.5, 0.5, 0.5])).toBe(0.5);
    // Invariant under a monotone transform (logits vs probabilities).
    const p = [0.1, 0.4, 0.35, 0.8];
    expect(binaryAuc([0, 0, 1, 1], p.map((v) => Math.log(v / (1 - v))))).toBe(0.75);
  });

  it('is NaN when a class is absent, including a single sample', () => {
    expect(binaryAuc([1, 1], [0.2, 0.9])).toBeNaN();
    expect(binaryAuc([0, 0, 0], [0.2, 0.9, 0.1])).toBeNaN();
    expect(binaryAuc([1], [0.7])).toBeNaN();
  });

  it('names the bad input', () => {
    expect(() => binaryAuc([0, 2], [0.1, 0.2])).toThrow("binaryAuc: argument 'targets'[1] is 2, expected 0 or 1");
    expect(() => binaryAuc([0, 1], [0.1])).toThrow("binaryAuc: argument 'scores' has 1 values, expected 2 (one per target)");
    expect(() => binaryAuc([0, 1], [0.1, Number.POSITIVE_INFINITY])).toThrow("argument 'scores'[1] is Infinity, expected a finite number");
  });
});
