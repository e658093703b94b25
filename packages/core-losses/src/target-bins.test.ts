import { readFileSync } from 'node:fs';

import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { fitTargetBins, numTargetClasses, parseTargetBins, targetClasses } from './target-bins.js';
import { useBackend } from './test-support/backend.js';
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
