import { describe, expect, it } from 'vitest';

import { fitStandardizer } from './standardizer.js';

describe('fitStandardizer', () => {
  it('maps training columns to mean 0 and std 1 and applies the same statistics to other rows', () => {
    const train = Float32Array.from([1, 10, 3, 10, 5, 10]);
    const s = fitStandardizer(train, 2);
    expect(s.mean).toEqual([3, 10]);
    expect(s.std[0]).toBeCloseTo(Math.sqrt(8 / 3), 12);
    expect(s.std[1]).toBe(1); // constant column: 0 after standardising, not NaN
    const out = Array.from(s.apply(train));
    expect(out[0]).toBeCloseTo(-2 / Math.sqrt(8 / 3), 6);
    expect(out[1]).toBe(0);
    expect(Array.from(s.apply(Float32Array.from([3, 12])))).toEqual([0, 2]);
  });

  it('names the row and column of a bad value and rejects ragged input', () => {
    expect(() => fitStandardizer(Float32Array.from([1, 2, Number.NaN, 4]), 2)).toThrow('values: row 1, column 0 is NaN');
    expect(() => fitStandardizer(Float32Array.from([1, 2, 3]), 2)).toThrow(/not a whole number of rows of 2 columns/);
    expect(() => fitStandardizer(new Float32Array(0), 2)).toThrow(/has no rows/);
    expect(() => fitStandardizer(Float32Array.from([1, 2]), 2).apply(Float32Array.from([1]))).toThrow(/apply\(values\)/);
  });
});
