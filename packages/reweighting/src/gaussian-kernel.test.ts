import { describe, expect, it } from 'vitest';

import { gaussianKernel, nearestNeighbourWidth } from './gaussian-kernel.js';
import { matrixFromRows } from './matrix.js';
import { ReweightingError } from './reweighting-error.js';

describe('gaussianKernel', () => {
  it('is exp(−‖a − b‖²/(2σ²)) entry by entry, rows of a by rows of b', () => {
    const a = matrixFromRows([
      [0, 0],
      [1, 2],
    ]);
    const b = matrixFromRows([[3, 4], [0, 0], [1, 0]]);
    const k = gaussianKernel(a, b, 2);
    expect([k.rows, k.cols]).toEqual([2, 3]);
    expect(k.data[0]).toBeCloseTo(Math.exp(-25 / 8), 15);
    expect(k.data[1]).toBe(1);
    expect(k.data[3 + 0]).toBeCloseTo(Math.exp(-8 / 8), 15);
    expect(k.data[3 + 2]).toBeCloseTo(Math.exp(-4 / 8), 15);
  });

  it('rejects a non-positive width and mismatched columns', () => {
    const a = matrixFromRows([[0, 0]]);
    expect(() => gaussianKernel(a, a, 0)).toThrow(ReweightingError);
    expect(() => gaussianKernel(a, a, Number.NaN)).toThrow("'sigma'");
    expect(() => gaussianKernel(a, matrixFromRows([[0]]), 1)).toThrow('mismatched columns');
  });
});

describe('nearestNeighbourWidth', () => {
  it('averages the distance to the k-th neighbour counting the point itself (sklearn kneighbors on the fitted set)', () => {
    // Points 0, 1, 3, 6 on a line. k = 2: nearest other point: 1, 1, 2, 3 → mean 7/4.
    const x = matrixFromRows([[0], [1], [3], [6]]);
    expect(nearestNeighbourWidth(x, { neighbours: 2 })).toBeCloseTo(7 / 4, 15);
    // k = 3: second nearest other point: 3, 2, 3, 5 → 13/4.
    expect(nearestNeighbourWidth(x, { neighbours: 3 })).toBeCloseTo(13 / 4, 15);
    // Default 50 is clamped to the 4 rows: farthest point: 6, 5, 3, 6.
    expect(nearestNeighbourWidth(x)).toBeCloseTo(20 / 4, 15);
  });

  it('names identical points, an empty sample and NaN', () => {
    expect(() => nearestNeighbourWidth(matrixFromRows([[2, 1], [2, 1], [2, 1]]))).toThrow('identical points');
    expect(() => nearestNeighbourWidth(matrixFromRows([]))).toThrow('empty sample');
    expect(() => nearestNeighbourWidth(matrixFromRows([[0], [Number.NaN]]))).toThrow('row 1, column 0 is NaN');
    expect(() => nearestNeighbourWidth(matrixFromRows([[0], [1]]), { neighbours: 0 })).toThrow('options.neighbours');
  });
});
