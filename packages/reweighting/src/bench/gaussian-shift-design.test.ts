import { describe, expect, it } from 'vitest';

import { gaussianShift } from './gaussian-shift-design.js';

const mean = (v: ArrayLike<number>): number => Array.from(v).reduce((a, b) => a + b, 0) / v.length;

describe('gaussianShift', () => {
  it('draws X ~ N(0,1) → N(1,1) and Y − X ~ N(0,1) → N(0.8,1) (n = 20,000, 3 seeds, margins 0.05)', () => {
    for (const seed of [1, 2, 3]) {
      const d = gaussianShift(20000, seed);
      expect(Math.abs(mean(d.source.X))).toBeLessThan(0.05);
      expect(Math.abs(mean(d.target.X) - 1)).toBeLessThan(0.05);
      const residual = (t: typeof d.source): Float64Array => t.Y.map((y, r) => y - t.X[r]!);
      expect(Math.abs(mean(residual(d.source)))).toBeLessThan(0.05);
      expect(Math.abs(mean(residual(d.target)) - 0.8)).toBeLessThan(0.05);
      const e = residual(d.target);
      const m = mean(e);
      expect(Math.abs(Math.sqrt(mean(e.map((v) => (v - m) ** 2))) - 1)).toBeLessThan(0.05);
    }
  });

  it('lays the tables out as [n × 2] matrices (X, Y) and is seeded', () => {
    const d = gaussianShift(3, 5);
    expect(d.sourceMatrix.rows).toBe(3);
    expect(d.sourceMatrix.cols).toBe(2);
    expect(Array.from(d.targetMatrix.data)).toEqual([0, 1, 2].flatMap((r) => [d.target.X[r]!, d.target.Y[r]!]));
    expect(gaussianShift(3, 5)).toEqual(d);
    expect(gaussianShift(3, 6).source.X).not.toEqual(d.source.X);
  });
});
