import { describe, expect, it } from 'vitest';

import { logLogSlope, sizeScaling } from './size-scaling.js';

describe('logLogSlope', () => {
  it('recovers the exponent of an exact power law with R² = 1', () => {
    for (const k of [0.5, 1, 2, 3]) {
      const n = [100, 200, 400, 800];
      const fit = logLogSlope(n, n.map((v) => 3e-6 * v ** k));
      expect(fit!.slope).toBeCloseTo(k, 12);
      expect(fit!.rSquared).toBeCloseTo(1, 12);
    }
  });

  it('is the two-point slope log(y₂/y₁)/log(x₂/x₁) on two sizes', () => {
    expect(logLogSlope([1000, 16000], [0.01, 0.5])!.slope).toBeCloseTo(Math.log(50) / Math.log(16), 12);
  });

  it('is the least-squares slope of off-line points (hand-computed: x = 1, 2, 4; y = 1, 4, 8 → k = 1.5, R² = 81/84)', () => {
    // In units of ln 2: log x = 0, 1, 2 and log y = 0, 2, 3; Sxy = 3, Sxx = 2, Syy = 42/9.
    const fit = logLogSlope([1, 2, 4], [1, 4, 8])!;
    expect(fit.slope).toBeCloseTo(1.5, 12);
    expect(fit.rSquared).toBeCloseTo(81 / 84, 12);
  });

  it('is null without two distinct sizes and rejects bad input', () => {
    expect(logLogSlope([100], [0.1])).toBeNull();
    expect(logLogSlope([100, 100], [0.1, 0.2])).toBeNull();
    expect(() => logLogSlope([100, 200], [0.1])).toThrow(/2 x values but 1 y values/);
    expect(() => logLogSlope([100, 200], [0.1, 0])).toThrow(/finite and positive, got 0/);
    expect(() => logLogSlope([100, Number.NaN], [0.1, 0.2])).toThrow(/got NaN/);
  });
});

describe('sizeScaling', () => {
  it('gives ratios to the smallest n and the fitted exponent', () => {
    const s = sizeScaling([
      { n: 200, seconds: 0.4 },
      { n: 100, seconds: 0.1 },
      { n: 400, seconds: 1.6 },
    ]);
    expect(s.nMin).toBe(100);
    expect(s.ratios.map((r) => r.n)).toEqual([200, 100, 400]);
    expect(s.ratios.map((r) => r.ratio)).toEqual([4, 1, 16]);
    expect(s.exponent).toBeCloseTo(2, 12);
    expect(s.rSquared).toBeCloseTo(1, 12);
  });

  it('reports a null exponent for a single size and throws for none', () => {
    const s = sizeScaling([{ n: 1000, seconds: 0.02 }]);
    expect(s).toEqual({ nMin: 1000, ratios: [{ n: 1000, ratio: 1 }], exponent: null, rSquared: null });
    expect(() => sizeScaling([])).toThrow(/no timings/);
  });
});
