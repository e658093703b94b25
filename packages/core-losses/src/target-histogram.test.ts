import { readFileSync } from 'node:fs';

import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import {
  binIndices,
  binIndicesByComparison,
  fitTargetHistogram,
  hasEvenEdges,
  histogramBinEdges,
  histogramBinIndex32,
  parseTargetHistogram,
  stackedBinIndices,
  type BinLookup,
  type TargetHistogram,
} from './target-histogram.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { adversarialValues } from './test-support/edge-values.js';

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

/** The raw estimate ⌊(v − e_0)/width⌋ in float32 arithmetic, before the correction: to show the correction matters. */
function rawEstimate(h: TargetHistogram, v: number): number {
  const n = h.edges.length - 1;
  const first = Math.fround(h.edges[0] ?? 0);
  const inverse = Math.fround(1 / ((Math.fround(h.edges[n] ?? 0) - first) / n));
  return Math.min(Math.max(Math.floor(Math.fround(Math.fround(v - first) * inverse)), 0), n - 1);
}

const LOOKUPS: readonly BinLookup[] = ['numpyHistogram', 'aircastDigitize'];

describe.each(TEST_BACKENDS)('binIndices: the arithmetic index of evenly spaced edges equals the comparison on %s', (backend) => {
  const cases: [string, TargetHistogram][] = [];
  for (const [name, ref] of Object.entries(REFERENCE.histograms)) {
    cases.push([`${name} 'auto'`, fitTargetHistogram(ref.values)], [`${name} 7 fixed`, fitTargetHistogram(ref.values, { bins: 7 })]);
  }
  const skewed = Array.from({ length: 2000 }, (_, i) => Math.exp(3 + 2 * Math.sin(i * 0.37)) * 0.1);
  cases.push(
    ['skewed 16 fixed', fitTargetHistogram(skewed, { bins: 16 })],
    ['skewed 1 bin', fitTargetHistogram(skewed, { bins: 1 })],
    ['skewed auto', fitTargetHistogram(skewed)],
    ['tenths (0.1 is not a float)', fitTargetHistogram([0.1, 0.7, 2.3, 3.3], { bins: 32 })],
    ['negative range', fitTargetHistogram([-7.3, -1.1, -0.2], { bins: 13 })],
    ['constant sample', fitTargetHistogram([4.2, 4.2, 4.2])],
  );

  it.each(cases)('%s', async (_name, h) => {
    await useBackend(backend);
    expect(hasEvenEdges(h)).toBe(true);
    const values = adversarialValues(h, 5);
    for (const lookup of LOOKUPS) {
      const before = tf.memory().numTensors;
      const x = tf.tensor1d(values);
      const fast = binIndices(h, x, lookup);
      const slow = binIndicesByComparison(h, x, lookup);
      expect(fast.dtype).toBe('int32');
      expect(Array.from(fast.dataSync())).toEqual(Array.from(slow.dataSync()));
      // the scalar float32 lookup (for per-row weights) agrees too
      expect(values.map((v) => histogramBinIndex32(h.edges, v, lookup))).toEqual(Array.from(slow.dataSync()));
      tf.dispose([x, fast, slow]);
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('needs its correction step: the float32 estimate alone lands in the wrong bin next to edges', () => {
    // skewed and tenths edges are not exact in float32; integer-valued edges may be (integers_60 needs no correction)
    for (const [name, h] of cases.filter(([name]) => /skewed auto|tenths|lognormal_1000 'auto'/.test(name))) {
      const values = adversarialValues(h, 5).filter((v) => Number.isFinite(v));
      const wrong = values.filter((v) => rawEstimate(h, v) !== histogramBinIndex32(h.edges, v)).length;
      expect(wrong, name).toBeGreaterThan(0);
    }
  });

  it('looks several histograms up at once along an axis (stackedBinIndices = each slice + its offset)', async () => {
    await useBackend(backend);
    const stack = [cases[2]?.[1], cases[7]?.[1], cases[13]?.[1], cases[15]?.[1]].filter((h): h is TargetHistogram => h !== undefined);
    expect(stack).toHaveLength(4);
    const columns = stack.map((h, v) => adversarialValues(h, 20 + v));
    const rows = Math.min(...columns.map((c) => c.length));
    const flat = Array.from({ length: rows * stack.length }, (_, k) => columns[k % stack.length]?.[Math.floor(k / stack.length)] ?? 0);
    const offsets = stack.map((_, v) => stack.slice(0, v).reduce((a, h) => a + h.counts.length, 0));
    for (const lookup of LOOKUPS) {
      const before = tf.memory().numTensors;
      const x = tf.tensor2d(flat, [rows, stack.length]);
      const got = stackedBinIndices(stack, x, 1, lookup);
      expect(got).not.toBeNull();
      const want = flat.map((value, k) => (offsets[k % stack.length] ?? 0) + histogramBinIndex32(stack[k % stack.length]?.edges ?? [], value, lookup));
      const slices = tf.split(x, stack.length, 1).map((slice, v) => {
        const index = binIndicesByComparison(stack[v] as TargetHistogram, slice, lookup);
        const out = Array.from(index.dataSync(), (i) => i + (offsets[v] ?? 0));
        tf.dispose([slice, index]);
        return out;
      });
      expect(Array.from(got?.dataSync() ?? [])).toEqual(want);
      expect(want).toEqual(flat.map((_, k) => slices[k % stack.length]?.[Math.floor(k / stack.length)]));
      tf.dispose([x, got as tf.Tensor]);
      expect(tf.memory().numTensors).toBe(before);
    }
    const uneven = parseTargetHistogram({ edges: [0, 1, 3], counts: [1, 1] });
    const x = tf.zeros([2, 2]);
    expect(stackedBinIndices([stack[0] as TargetHistogram, uneven], x, 1, 'numpyHistogram')).toBeNull();
    x.dispose();
  });

  it('keeps the shape of the values and the NaN answers (bin 0; the last bin under digitize)', async () => {
    await useBackend(backend);
    const h = fitTargetHistogram([0, 1, 2, 3, 4, 5, 6, 7, 8], { bins: 4 });
    const x = tf.tensor2d([Number.NaN, 0, 2, 8, 9, -1], [2, 3]);
    const numpy = binIndices(h, x, 'numpyHistogram');
    const digitize = binIndices(h, x, 'aircastDigitize');
    expect(numpy.shape).toEqual([2, 3]);
    expect(Array.from(numpy.dataSync())).toEqual([0, 0, 1, 3, 3, 0]);
    expect(Array.from(digitize.dataSync())).toEqual([3, 3, 0, 3, 3, 3]);
    tf.dispose([x, numpy, digitize]);
  });

  it('uses the comparison for uneven edges (a parsed histogram may carry any increasing edges)', async () => {
    await useBackend(backend);
    const uneven = parseTargetHistogram({ edges: [0, 1, 2, 4, 8.5], counts: [1, 2, 3, 4] });
    expect(hasEvenEdges(uneven)).toBe(false);
    // float32-collapsing spacing: evenly spaced in float64, not in float32
    expect(hasEvenEdges(parseTargetHistogram({ edges: [1e8, 1e8 + 1, 1e8 + 2], counts: [1, 1] }))).toBe(false);
    expect(hasEvenEdges(parseTargetHistogram({ edges: [0, 0.5, 1, 1.5], counts: [1, 1, 1] }))).toBe(true);
    const values = adversarialValues(uneven, 9);
    for (const lookup of LOOKUPS) {
      const x = tf.tensor1d(values);
      const got = binIndices(uneven, x, lookup);
      const want = binIndicesByComparison(uneven, x, lookup);
      expect(Array.from(got.dataSync())).toEqual(Array.from(want.dataSync()));
      tf.dispose([x, got, want]);
    }
  });
});
