import { describe, expect, it } from 'vitest';

import { matrixFromRows } from './matrix.js';
import { ridgeLearner } from './nuisance-models.js';
import { seededRandom } from './random.js';
import { fitTLearner } from './t-learner.js';

describe('fitTLearner', () => {
  it('is the difference of the two arm fits: exact for noiseless quadratic arms', () => {
    const r = seededRandom(1);
    const rows = Array.from({ length: 80 }, () => [r.normal(), r.normal()]);
    const a = rows.map((_, i) => i % 2);
    const y = rows.map(([u, v], i) => (a[i] ? 2 + u! * v! : u! - v! * v!));
    const tau = fitTLearner(matrixFromRows(rows), a, y, { learner: ridgeLearner('quadratic') });
    // λ is chosen by leave-one-out, which on noiseless data picks the smallest candidate (1e-3): near exact.
    const test = [[0.5, -0.5], [1, 1]];
    tau(matrixFromRows(test)).forEach((v, i) => {
      const [u, w] = test[i] as [number, number];
      expect(v).toBeCloseTo(2 + u * w - (u - w * w), 2);
    });
  });
});
