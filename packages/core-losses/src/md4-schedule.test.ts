import { describe, expect, it } from 'vitest';

import { md4ElboWeights, md4SampleTimes, md4Schedule, type Md4ScheduleType } from './md4-schedule.js';
import { makeRandom } from './test-support/random-inputs.js';

/** Adaptive Simpson quadrature of f on [a, b] to absolute tolerance tol (float64). */
function integrate(f: (t: number) => number, a: number, b: number, tol = 1e-11): number {
  const simpson = (lo: number, hi: number, flo: number, fmid: number, fhi: number): number => ((hi - lo) / 6) * (flo + 4 * fmid + fhi);
  const recurse = (lo: number, hi: number, flo: number, fmid: number, fhi: number, whole: number, eps: number, depth: number): number => {
    const mid = (lo + hi) / 2;
    const fl = f((lo + mid) / 2);
    const fr = f((mid + hi) / 2);
    const left = simpson(lo, mid, flo, fl, fmid);
    const right = simpson(mid, hi, fmid, fr, fhi);
    if (depth > 60 || Math.abs(left + right - whole) <= 15 * eps) return left + right + (left + right - whole) / 15;
    return recurse(lo, mid, flo, fl, fmid, left, eps / 2, depth + 1) + recurse(mid, hi, fmid, fr, fhi, right, eps / 2, depth + 1);
  };
  const fa = f(a);
  const fm = f((a + b) / 2);
  const fb = f(b);
  return recurse(a, b, fa, fm, fb, simpson(a, b, fa, fm, fb), tol, 0);
}

/**
 * The reference's expressions, transcribed from google-deepmind/md4 `md4/models/diffusion/md4.py` (b9fbf29) lines
 * 45–74 as written there (in terms of 1 − t, without our precision-keeping rewrite).
 */
function referenceWeight(type: Md4ScheduleType, t: number, eps: number): number {
  const rawAlpha = type === 'linear' ? 1 - t : 1 - Math.cos((Math.PI / 2) * (1 - t)); // _alpha, lines 59–68
  const rawDalpha = type === 'linear' ? -1 : (-Math.PI / 2) * Math.sin((Math.PI / 2) * (1 - t)); // _dalpha, lines 45–54
  const alpha = (1 - 2 * eps) * rawAlpha + eps; // alpha, line 71
  const dalpha = (1 - 2 * eps) * rawDalpha; // dalpha, line 57
  return -dalpha / (1 - alpha); // −dgamma_times_alpha, line 74
}

describe('md4Schedule', () => {
  for (const type of ['linear', 'cosine'] as const) {
    it(`${type}: matches the reference's expressions, α runs from 1 − ε to ε, and w = −d/dt ln(1 − α)`, () => {
      const s = md4Schedule({ type });
      expect(s.eps).toBe(1e-4);
      expect(s.alpha(0)).toBeCloseTo(1 - 1e-4, 14);
      expect(s.alpha(1)).toBeCloseTo(1e-4, 14);
      for (const t of [0, 1e-6, 0.01, 0.3, 0.5, 0.77, 0.999, 1]) {
        const ref = referenceWeight(type, t, 1e-4);
        expect(Math.abs(s.weight(t) - ref)).toBeLessThanOrEqual(1e-9 * Math.abs(ref) + 1e-12);
        if (t > 1e-3 && t < 0.999) {
          const h = 1e-6;
          // w = −α'/(1 − α) = d/dt ln(1 − α)
          const numeric = (Math.log(1 - s.alpha(t + h)) - Math.log(1 - s.alpha(t - h))) / (2 * h);
          expect(Math.abs(numeric / s.weight(t) - 1)).toBeLessThan(1e-6);
          expect(s.alphaDerivative(t)).toBeLessThan(0);
        }
      }
    });

    it(`${type}: the weights integrate to the ELBO's closed forms`, () => {
      for (const eps of [1e-4, 1e-2, 0.1]) {
        const s = md4Schedule({ type, eps });
        // ∫₀¹ w dt = ln((1 − α(1))/(1 − α(0))) = ln((1 − ε)/ε)
        expect(Math.abs(integrate((t) => s.weight(t), 0, 1) / Math.log((1 - eps) / eps) - 1)).toBeLessThan(1e-8);
        expect(s.weightIntegral).toBeCloseTo(Math.log((1 - eps) / eps), 12);
        // The expected weighted count of masked tokens per token: ∫₀¹ w(t)·(1 − α(t)) dt = α(0) − α(1) = 1 − 2ε, so a
        // model that ignores its input has a negative ELBO of (1 − 2ε)·Σ_n CE_n (+ the reconstruction constant).
        expect(Math.abs(integrate((t) => s.weight(t) * (1 - s.alpha(t)), 0, 1) - (1 - 2 * eps))).toBeLessThan(1e-9);
      }
    });
  }

  it('the weights at t = 0 are clipped to (1 − 2ε)·|α_raw′(0)|/ε, and without clipping the linear weight is 1/t', () => {
    expect(md4Schedule().weight(0)).toBeCloseTo((1 - 2e-4) / 1e-4, 6);
    expect(md4Schedule({ type: 'cosine' }).weight(0)).toBeCloseTo(((1 - 2e-4) * Math.PI) / 2 / 1e-4, 6);
    expect(md4Schedule({ eps: 0 }).weight(0.25)).toBe(4);
    expect(md4Schedule({ type: 'cosine', eps: 0 }).weight(0.5)).toBeCloseTo((Math.PI / 2) / Math.tan(Math.PI / 4), 12);
    expect(Array.from(md4ElboWeights([0.5, 0.25], { eps: 0 }))).toEqual([2, 4]);
  });

  it('rejects bad options and times, naming the argument', () => {
    expect(() => md4Schedule({ type: 'poly2' as Md4ScheduleType })).toThrow("md4Schedule: argument 'options.type' must be one of 'linear', 'cosine', got 'poly2'");
    expect(() => md4Schedule({ eps: 0.5 })).toThrow(/'options.eps' must be a number in \[0, 0.5\), got 0.5/);
    expect(() => md4ElboWeights([0.2, 1.5])).toThrow(/md4ElboWeights: argument 'times' must lie in \[0, 1\], got 1.5 at index 1/);
    expect(() => md4ElboWeights([Number.NaN])).toThrow(/'times' must lie in \[0, 1\], got NaN/);
    expect(() => md4SampleTimes(0, Math.random)).toThrow(/md4SampleTimes: argument 'batchSize' must be a positive integer, got 0/);
  });
});

describe('md4SampleTimes', () => {
  it('antithetic: one uniform shifted by b/B (mod 1), so the batch covers [0, 1) evenly; i.i.d. otherwise', () => {
    const random = makeRandom(3);
    const times = md4SampleTimes(8, random);
    const sorted = Array.from(times).sort((a, b) => a - b);
    for (let b = 1; b < 8; b += 1) expect((sorted[b] ?? 0) - (sorted[b - 1] ?? 0)).toBeCloseTo(1 / 8, 12);
    expect(Math.min(...times)).toBeLessThan(1 / 8);
    for (const t of times) expect(t >= 0 && t < 1).toBe(true);
    const iid = md4SampleTimes(1000, makeRandom(4), false);
    const mean = iid.reduce((a, b) => a + b, 0) / 1000;
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / 1000));
    expect(Array.from(md4SampleTimes(5, makeRandom(9)))).toEqual(Array.from(md4SampleTimes(5, makeRandom(9))));
  });
});
