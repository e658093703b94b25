import { describe, expect, it } from 'vitest';

import { solveSymmetricPositive } from './spd-solve.js';

describe('solveSymmetricPositive', () => {
  it('solves A·x = b for a positive-definite A (residual at rounding level)', () => {
    // A = MᵀM + I for a fixed M
    const m = [
      [2, -1, 0.5],
      [0.3, 1, -2],
      [1, 1, 1],
    ];
    const a = new Float64Array(9);
    for (let i = 0; i < 3; i += 1) for (let j = 0; j < 3; j += 1) a[i * 3 + j] = m.reduce((s, r) => s + r[i]! * r[j]!, 0) + (i === j ? 1 : 0);
    const b = Float64Array.of(1, -2, 3);
    const x = solveSymmetricPositive(a, b, 3)!;
    for (let i = 0; i < 3; i += 1) {
      const ax = a[i * 3]! * x[0]! + a[i * 3 + 1]! * x[1]! + a[i * 3 + 2]! * x[2]!;
      expect(ax).toBeCloseTo(b[i]!, 12);
    }
  });

  it('returns undefined for a matrix that is not positive definite', () => {
    expect(solveSymmetricPositive(Float64Array.of(1, 2, 2, 1), Float64Array.of(1, 1), 2)).toBeUndefined();
    expect(solveSymmetricPositive(Float64Array.of(1, 1, 1, 1), Float64Array.of(1, 1), 2)).toBeUndefined();
  });
});
