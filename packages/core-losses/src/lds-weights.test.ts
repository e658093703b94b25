import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { ldsKernelWindow, ldsWeights, type LdsKernel } from './lds-weights.js';
import { maxRelativeError } from './test-support/random-inputs.js';

interface LdsCase {
  reweight: 'sqrt_inv' | 'inverse';
  lds: boolean;
  kernel: LdsKernel;
  ks: number;
  sigma: number;
  max_target: number;
  window: number[];
  weights: number[];
  per_bin: number[];
}

// Written by test-support/regression-references.py with SciPy 1.17 / NumPy 2.4, following YyzHarry/imbalanced-regression
// (c37d6f4) agedb-dir/utils.py get_lds_kernel_window (lines 95-106) and imdb-wiki-dir/datasets.py _prepare_weights
// (lines 55-82) step by step: the reference's own SciPy calls (gaussian_filter1d, windows.triang, convolve1d).
const REFERENCE = JSON.parse(readFileSync(new URL('./test-support/regression-references.json', import.meta.url), 'utf8')) as {
  lds: { labels: number[]; cases: LdsCase[] };
};

describe('ldsWeights against the reference rule run with SciPy', () => {
  for (const c of REFERENCE.lds.cases) {
    const name = `${c.reweight}, ${c.lds ? `LDS ${c.kernel} ks=${c.ks} σ=${c.sigma}` : 'no smoothing'}`;
    it(`kernel window, smoothed per-bin values and weights (${name})`, () => {
      if (c.lds) expect(maxRelativeError(ldsKernelWindow(c.kernel, c.ks, c.sigma), c.window)).toBeLessThan(1e-14);
      const result = ldsWeights(REFERENCE.lds.labels, {
        reweight: c.reweight === 'sqrt_inv' ? 'sqrtInv' : 'inverse',
        smoothing: c.lds,
        kernel: c.kernel,
        kernelSize: c.ks,
        sigma: c.sigma,
        numBins: c.max_target,
      });
      expect(maxRelativeError(result.density, c.per_bin)).toBeLessThan(1e-13);
      // the reference rounds 1/d to float32 before rescaling
      expect(maxRelativeError(result.weights, c.weights)).toBeLessThan(1e-6);
      const meanWeight = result.weights.reduce((a, b) => a + b, 0) / result.weights.length;
      expect(meanWeight).toBeCloseTo(1, 12);
      REFERENCE.lds.labels.forEach((label, i) => expect(result.binWeights[result.binOf(label)]).toBeCloseTo(result.weights[i] ?? Number.NaN, 12));
    });
  }

  it('with a zero-width kernel (size 1) equals inverse frequency', () => {
    const labels = [...new Array<number>(50).fill(3), ...new Array<number>(10).fill(7), ...new Array<number>(20).fill(8.5)];
    const { weights } = ldsWeights(labels, { reweight: 'inverse', kernelSize: 1, kernel: 'gaussian' });
    const counts: Record<number, number> = { 3: 50, 7: 10, 8: 20 };
    const inverse = labels.map((y) => 1 / (counts[Math.trunc(y)] ?? Number.NaN));
    const scale = labels.length / inverse.reduce((a, b) => a + b, 0);
    expect(maxRelativeError(weights, inverse.map((w) => w * scale))).toBeLessThan(1e-14);
  });

  it('bins by width and lowest value, clamps outside labels, and gives rare labels larger weights', () => {
    const labels = [0.5, 10.2, 10.9, 11, 11.5, 12, 12.1, 12.2, 95];
    const result = ldsWeights(labels, { binWidth: 2, lowest: 10, numBins: 4 });
    expect(result.binOf(0.5)).toBe(0);
    expect(result.binOf(95)).toBe(3);
    expect(result.binOf(12.1)).toBe(1);
    expect(result.counts).toEqual([5, 3, 0, 1]);
    expect(result.weights[8]).toBeGreaterThan(result.weights[0] ?? Number.POSITIVE_INFINITY);
  });

  it('rejects bad input, naming the argument', () => {
    expect(() => ldsWeights([])).toThrow("ldsWeights: argument 'labels' is empty");
    expect(() => ldsWeights([1, Number.NaN])).toThrow(/'labels' must be finite, got NaN at index 1/);
    expect(() => ldsWeights([1], { reweight: 'none' as 'inverse' })).toThrow(/'options.reweight' must be 'sqrtInv' or 'inverse'/);
    expect(() => ldsWeights([1], { binWidth: 0 })).toThrow(/'options.binWidth' must be a finite number > 0/);
    expect(() => ldsWeights([1], { numBins: 1.5 })).toThrow(/'options.numBins' must be a whole number >= 1/);
    expect(() => ldsWeights([1], { inverseClip: [0, 3] })).toThrow(/'options.inverseClip'/);
    expect(() => ldsKernelWindow('box' as LdsKernel, 5, 1)).toThrow(/ldsKernelWindow: argument 'kernel' must be 'gaussian', 'triang' or 'laplace'/);
    expect(() => ldsKernelWindow('gaussian', 0, 1)).toThrow(/'kernelSize' must be a whole number >= 1/);
    expect(() => ldsKernelWindow('laplace', 5, -1)).toThrow(/'sigma' must be a finite number > 0/);
  });
});
