import { describe, expect, it } from 'vitest';

import { gaussianKernel } from './gaussian-kernel.js';
import { matrixFromRows } from './matrix.js';
import { pivotedCholesky } from './pivoted-cholesky.js';
import { seededRandom } from './random.js';

describe('pivotedCholesky', () => {
  it('reproduces a full-rank kernel exactly and stops at the rank of a rank-deficient one', () => {
    const random = seededRandom(3);
    const rows = Array.from({ length: 12 }, () => [random.normal(), random.normal()]);
    const x = matrixFromRows(rows);
    const k = gaussianKernel(x, x, 1.5);
    const f = pivotedCholesky(new Float64Array(12).fill(1), (j, out) => {
      for (let i = 0; i < 12; i++) out[i] = k.data[i * 12 + j]!;
    });
    let worst = 0;
    for (let i = 0; i < 12; i++) {
      for (let j = 0; j < 12; j++) {
        let s = 0;
        for (let a = 0; a < f.cols; a++) s += f.data[i * f.cols + a]! * f.data[j * f.cols + a]!;
        worst = Math.max(worst, Math.abs(s - k.data[i * 12 + j]!));
      }
    }
    expect(worst).toBeLessThan(1e-11);
    // Rank 2: K = VVᵀ with V 5×2.
    const v = [[1, 0], [0, 1], [1, 1], [2, -1], [0.5, 3]];
    const gram = (i: number, j: number): number => v[i]![0]! * v[j]![0]! + v[i]![1]! * v[j]![1]!;
    const g = pivotedCholesky(Float64Array.from(v, (_, i) => gram(i, i)), (j, out) => {
      for (let i = 0; i < 5; i++) out[i] = gram(i, j);
    });
    expect(g.cols).toBe(2);
  });

  it('rejects a negative diagonal', () => {
    expect(() => pivotedCholesky(Float64Array.from([1, -1]), () => undefined)).toThrow('not a PSD matrix');
  });
});
