import { describe, expect, it } from 'vitest';

import { confusionMatrix, predictedClasses } from './confusion-matrix.js';
import { MetricArgumentError } from './errors.js';
import { randomInt, seededRandom } from './test-support/random.js';

describe('confusionMatrix', () => {
  it('matches the scikit-learn documentation example', () => {
    // sklearn.metrics.confusion_matrix docstring: y_true = [2, 0, 2, 2, 0, 1], y_pred = [0, 0, 2, 2, 0, 2]
    expect(confusionMatrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2], 3)).toEqual([
      [2, 0, 0],
      [0, 0, 1],
      [1, 0, 2],
    ]);
  });

  it('equals counting every (true, predicted) pair by brute force', () => {
    const rand = seededRandom(3);
    const c = 5;
    const targets = Array.from({ length: 200 }, () => randomInt(rand, c));
    const predicted = Array.from({ length: 200 }, () => randomInt(rand, c));
    const m = confusionMatrix(targets, predicted, c);
    for (let i = 0; i < c; i += 1) {
      for (let j = 0; j < c; j += 1) {
        expect(m[i]?.[j]).toBe(targets.filter((t, k) => t === i && predicted[k] === j).length);
      }
    }
  });

  it('accepts row-major scores and takes the arg-max, ties to the lowest class', () => {
    const scores = [
      [0.1, 0.7, 0.2], // -> 1
      [0.4, 0.4, 0.2], // tie 0/1 -> 0
      [0.3, 0.3, 0.3], // three-way tie -> 0
      [-1, -3, 2], // logits -> 2
    ].flat();
    expect(predictedClasses(scores, 3)).toEqual([1, 0, 0, 2]);
    expect(confusionMatrix([1, 1, 0, 2], scores, 3)).toEqual(confusionMatrix([1, 1, 0, 2], [1, 0, 0, 2], 3));
    expect(confusionMatrix([1, 1, 0, 2], Float32Array.from(scores), 3)).toEqual([
      [1, 0, 0],
      [1, 1, 0],
      [0, 0, 1],
    ]);
  });

  it('keeps classes absent from both targets and predictions as zero rows and columns', () => {
    expect(confusionMatrix([0, 0, 2], [0, 2, 2], 4)).toEqual([
      [1, 0, 1, 0],
      [0, 0, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 0],
    ]);
    // All predictions one class; a single sample.
    expect(confusionMatrix([0, 1, 1], [1, 1, 1], 2)).toEqual([
      [0, 1],
      [0, 2],
    ]);
    expect(confusionMatrix([1], [0], 2)).toEqual([
      [0, 0],
      [1, 0],
    ]);
  });

  it('names the argument and the position of a bad input', () => {
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).toThrow("confusionMatrix: argument 'targets'[1] is 3, expected a class id in [0, 3)");
    expect(() => confusionMatrix([0, 1], [0, 1.5], 3)).toThrow("argument 'predictions'[1] is 1.5, expected a class id in [0, 3)");
    expect(() => confusionMatrix([0, 1], [0.1, 0.2, 0.7, 0.3, Number.NaN, 0.1], 3)).toThrow(
      "argument 'predictions'[4] is NaN (row 1, class 1), expected a finite number",
    );
    expect(() => confusionMatrix([0, 1], [0, 1, 2], 3)).toThrow(
      "argument 'predictions' has 3 values, expected 2 (class ids, one per target) or 6 (scores, 2 rows × 3 classes, row-major)",
    );
    expect(() => confusionMatrix([], [], 3)).toThrow("argument 'targets' is empty");
    expect(() => confusionMatrix([0], [0], 1)).toThrow("argument 'numClasses' must be an integer >= 2, got 1");
    expect(() => predictedClasses([0.1, 0.2, 0.3], 2)).toThrow('not a multiple of numClasses = 2');
    const error = (() => {
      try {
        confusionMatrix([0, 7], [0, 0], 3);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(RangeError);
    expect(error).toBeInstanceOf(MetricArgumentError);
    expect(error).toMatchObject({ metric: 'confusionMatrix', argument: 'targets', index: 1 });
  });
});
