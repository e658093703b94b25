import { readFileSync } from 'node:fs';

import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { fitTargetBins, numTargetClasses, parseTargetBins, targetClasses, type TargetBins } from './target-bins.js';
import { binIndicesByComparison, hasEvenEdges, type TargetHistogram } from './target-histogram.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { adversarialValues } from './test-support/edge-values.js';
import { makeRandom } from './test-support/random-inputs.js';

// Written by test-support/regression-references.py following SilviaLauraPintea/reg-cls (44ddf05) 1d/data.py
// get_labels, lines 42-56: np.linspace(min, max, C + 1), label i where edge_i <= y < edge_{i+1}, y >= last edge -> C − 1.
const REFERENCE = (JSON.parse(readFileSync(new URL('./test-support/regression-references.json', import.meta.url), 'utf8')) as {
  uniformClasses: { values: number[]; edges: number[]; classes: number[] };
}).uniformClasses;

describe('fitTargetBins / targetClasses', () => {
  beforeAll(() => useBackend('cpu'));

  it('uniform bins reproduce the reference edges and labels bit for bit', () => {
    const bins = fitTargetBins(REFERENCE.values, { numBins: 8 });
    expect(bins.edges).toEqual(REFERENCE.edges);
    expect(Array.from(targetClasses(bins, tf.tensor1d(REFERENCE.values, 'float32')).dataSync())).toEqual(REFERENCE.classes);
  });

  it('equal-frequency bins hold N/C targets each (heavy-tailed sample), and survive a JSON round trip', () => {
    const random = makeRandom(9);
    const values = Array.from({ length: 1000 }, () => Math.fround(Math.exp(3 * random())));
    const bins = fitTargetBins(values, { numBins: 10, method: 'equalFrequency' });
    expect(numTargetClasses(bins)).toBe(10);
    const ids = Array.from(targetClasses(bins, tf.tensor1d(values)).dataSync());
    const counts = Array.from({ length: 10 }, (_, c) => ids.filter((i) => i === c).length);
    counts.forEach((n) => expect(Math.abs(n - 100)).toBeLessThanOrEqual(1));
    const uniform = fitTargetBins(values, { numBins: 10 });
    const uniformIds = Array.from(targetClasses(uniform, tf.tensor1d(values)).dataSync());
    expect(uniformIds.filter((i) => i === 9).length).toBeLessThan(counts[9] ?? 0); // the tail class is rare when uniform
    expect(parseTargetBins(JSON.parse(JSON.stringify(bins)))).toEqual(bins);
  });

  it('merges tied quantiles, clamps values outside the edges, and handles a constant sample', () => {
    const tied = fitTargetBins([0, 0, 0, 0, 0, 0, 1, 2], { numBins: 4, method: 'equalFrequency' });
    expect(tied.edges[0]).toBe(0);
    expect(new Set(tied.edges).size).toBe(tied.edges.length);
    const bins = parseTargetBins({ edges: [0, 1, 2] });
    expect(Array.from(targetClasses(bins, tf.tensor1d([-5, 0, 0.99, 1, 2, 7])).dataSync())).toEqual([0, 0, 0, 1, 1, 1]);
    expect(fitTargetBins([3, 3], { numBins: 2 }).edges).toEqual([2.5, 3, 3.5]);
  });

  it('rejects bad input, naming the argument', () => {
    expect(() => fitTargetBins([1, 2], { numBins: 0 })).toThrow("fitTargetBins: argument 'options.numBins' must be a whole number >= 1, got 0");
    expect(() => fitTargetBins([1, 2], { numBins: 2, method: 'quantile' as 'uniform' })).toThrow(/'options.method' must be 'uniform' or 'equalFrequency'/);
    expect(() => fitTargetBins([Number.NaN], { numBins: 2 })).toThrow(/'values' holds no observed/);
    expect(() => fitTargetBins([Number.NEGATIVE_INFINITY], { numBins: 2 })).toThrow(/'values' must be finite or NaN/);
    expect(() => parseTargetBins({ edges: [1, 1] })).toThrow(/parseTargetBins: argument 'bins.edges' must increase strictly/);
    expect(() => parseTargetBins({ kind: 'targetHistogram', edges: [0, 1] })).toThrow(/'bins.kind'/);
  });
});

/** `bins`' edges as the histogram the comparison lookup takes (its counts are unused). */
const asHistogram = (bins: TargetBins): TargetHistogram => ({ kind: 'targetHistogram', edges: bins.edges, counts: bins.edges.slice(1).map(() => 0) });

describe.each(TEST_BACKENDS)('targetClasses equals the comparison with every inner edge on %s', (backend) => {
  const skewed = Array.from({ length: 2000 }, (_, i) => Math.exp(3 + 2 * Math.sin(i * 0.37)) * 0.1);
  const cases: [string, TargetBins, boolean][] = [
    ['reference, 8 uniform', fitTargetBins(REFERENCE.values, { numBins: 8 }), true],
    ['skewed, 10 uniform', fitTargetBins(skewed, { numBins: 10 }), true],
    ['skewed, 1024 uniform', fitTargetBins(skewed, { numBins: 1024 }), true],
    ['tenths, 7 uniform (0.1 is not a float)', fitTargetBins([0.1, 0.7, 2.3, 3.3], { numBins: 7 }), true],
    ['negative range, 13 uniform', fitTargetBins([-7.3, -1.1, -0.2], { numBins: 13 }), true],
    ['constant sample, 2 uniform', fitTargetBins([4.2, 4.2], { numBins: 2 }), true],
    ['skewed, 10 equal-frequency (uneven)', fitTargetBins(skewed, { numBins: 10, method: 'equalFrequency' }), false],
  ];

  it.each(cases)('%s', async (_name, bins, even) => {
    await useBackend(backend);
    // uniform edges take the arithmetic index, equal-frequency ones the comparison itself
    expect(hasEvenEdges(asHistogram(bins))).toBe(even);
    const before = tf.memory().numTensors;
    const x = tf.tensor1d(adversarialValues(bins, 3));
    const ids = targetClasses(bins, x);
    const compared = binIndicesByComparison(asHistogram(bins), x, 'numpyHistogram');
    expect(ids.dtype).toBe('int32');
    const got = Array.from(ids.dataSync());
    expect(got).toEqual(Array.from(compared.dataSync()));
    expect(new Set(got).size).toBe(numTargetClasses(bins)); // every class is hit
    tf.dispose([x, ids, compared]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
