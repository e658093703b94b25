import { describe, expect, it } from 'vitest';

import { checkClassCounts, classPriors } from './class-counts.js';

describe('checkClassCounts and classPriors', () => {
  it('accepts positive finite counts (or frequencies) and normalises them to priors', () => {
    expect(checkClassCounts([3, 1.5], 'classCounts', 'someLoss')).toEqual([3, 1.5]);
    expect(classPriors([3, 1])).toEqual([0.75, 0.25]);
    const fromFrequencies = classPriors([0.3, 0.1]);
    expect(fromFrequencies[0]).toBeCloseTo(0.75, 15);
    expect(fromFrequencies[1]).toBeCloseTo(0.25, 15);
  });

  it('rejects empty lists and counts that are zero, negative, NaN or infinite, naming loss and argument', () => {
    expect(() => checkClassCounts([], 'options.classCounts', 'someLoss')).toThrow(
      "someLoss: argument 'options.classCounts' must list at least one class",
    );
    expect(() => checkClassCounts(undefined, 'options.classCounts', 'someLoss')).toThrow(/^someLoss: argument 'options.classCounts' is required/);
    for (const bad of [0, -2, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => checkClassCounts([4, bad], 'options.classCounts', 'someLoss')).toThrow(
        new RegExp(`^someLoss: argument 'options.classCounts' holds ${String(bad)} for class 1`),
      );
    }
    expect(() => classPriors([1, 0])).toThrow(/^classPriors: argument 'classCounts' holds 0 for class 1/);
  });
});
