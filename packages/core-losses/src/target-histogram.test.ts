import { readFileSync } from 'node:fs';

import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { binIndices, fitTargetHistogram, histogramBinEdges, parseTargetHistogram } from './target-histogram.js';
import { useBackend } from './test-support/backend.js';

interface HistogramReference {
  values: number[];
  auto_edges: number[];
  auto_counts: number[];
  fixed7_edges: number[];
  fixed7_counts: number[];
  uncapped_edges: number[];
}

// Written by test-support/regression-references.py with NumPy 2.4.6: numpy.histogram_bin_edges(x, 'auto') and
// numpy.histogram, as AirCast's compute_freq.py calls them (vishalned/AirCast 2f6e8f1), and NumPy's own private
// selectors _hist_bin_fd/_hist_bin_sturges for the uncapped 1.x rule.
const REFERENCE = JSON.parse(readFileSync(new URL('./test-support/regression-references.json', import.meta.url), 'utf8')) as {
  numpy: string;
  histograms: Record<string, HistogramReference>;
};

describe('fitTargetHistogram against NumPy', () => {
  beforeAll(() => useBackend('cpu'));

  for (const [name, ref] of Object.entries(REFERENCE.histograms)) {
    it(`reproduces numpy's 'auto' edges and counts bit for bit (${name}, NumPy ${REFERENCE.numpy})`, () => {
      const h = fitTargetHistogram(ref.values);
      expect(h.edges).toEqual(ref.auto_edges);
      expect(h.counts).toEqual(ref.auto_counts);
      expect(fitTargetHistogram(ref.values, { bins: 7 })).toEqual({ kind: 'targetHistogram', edges: ref.fixed7_edges, counts: ref.fixed7_counts });
      expect(histogramBinEdges(ref.values, 'autoUncapped')).toEqual(ref.uncapped_edges);
    });
  }

  it('differs between the capped (NumPy 2) and uncapped (NumPy 1) rules only when the IQR is tiny', () => {
    const spiky = REFERENCE.histograms['spiky_500'];
    expect(spiky?.auto_edges.length).not.toBe(spiky?.uncapped_edges.length);
  });

  it('skips NaN (missing targets) and survives a JSON round trip', () => {
    const h = fitTargetHistogram([1, Number.NaN, 2, 2, 3, Number.NaN, 10], { bins: 3 });
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(5);
    const back = parseTargetHistogram(JSON.parse(JSON.stringify(h)));
    expect(back).toEqual(h);
  });

  it('looks bins up under NumPy histogram semantics and under AirCast digitize semantics', () => {
    const h = parseTargetHistogram({ edges: [0, 1, 2, 4], counts: [5, 0, 7] });
    const values = tf.tensor1d([-1, 0, 0.5, 1, 1.5, 2, 4, 9]);
    // numpyHistogram: [e_i, e_{i+1}), the last bin closed, clamped outside
    expect(Array.from(binIndices(h, values, 'numpyHistogram').dataSync())).toEqual([0, 0, 0, 1, 1, 2, 2, 2]);
    // digitize(right=True) − 1: (e_{i}, e_{i+1}]; v ≤ e_0 → −1 → wraps to the last bin; v > e_n → clamped to n − 1
    expect(Array.from(binIndices(h, values, 'aircastDigitize').dataSync())).toEqual([2, 2, 0, 0, 1, 1, 2, 2]);
    values.dispose();
  });

  it('rejects bad input, naming the argument', () => {
    expect(() => fitTargetHistogram([])).toThrow(/fitTargetHistogram: argument 'values' holds no observed/);
    expect(() => fitTargetHistogram([1, Number.POSITIVE_INFINITY])).toThrow(/'values' must be finite or NaN \(missing\), got Infinity at index 1/);
    expect(() => fitTargetHistogram([1, 2], { bins: 0 })).toThrow(/'options.bins' must be 'auto', 'autoUncapped' or a whole number >= 1/);
    expect(() => parseTargetHistogram({ edges: [0, 0], counts: [1] })).toThrow(/'histogram.edges' must increase strictly/);
    expect(() => parseTargetHistogram({ edges: [0, 1], counts: [1, 2] })).toThrow(/'histogram.counts' must hold 1 counts/);
    expect(() => parseTargetHistogram({ edges: [0, 1], counts: [-1] })).toThrow(/whole numbers >= 0, got -1 for bin 0/);
    expect(() => parseTargetHistogram({ kind: 'other', edges: [0, 1], counts: [1] })).toThrow(/'histogram.kind'/);
  });
});
