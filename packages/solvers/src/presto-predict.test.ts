import { describe, expect, it } from 'vitest';

import { fitPresto } from './presto.js';
import { predictPrestoProbabilities, prestoCumulativeLogits } from './presto-predict.js';
import { sparseDifferencesData } from './presto-synthetic.js';

// A smaller draw of the paper's sparse-differences design for the fast tests.
const SMALL = sparseDifferencesData({ seed: 11, n: 800, p: 4, intercepts: [0, 2, 3.5] });

describe('predictPrestoProbabilities', () => {
  it('gives rows that sum to 1 and match the cumulative-logit definition', () => {
    const model = fitPresto(SMALL.x, SMALL.y, { lambda: 0.002 });
    const probabilities = predictPrestoProbabilities(model, SMALL.x);
    const eta = prestoCumulativeLogits(model, SMALL.x);
    const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
    probabilities.forEach((row, i) => {
      expect(row).toHaveLength(4);
      expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
      const e = eta[i] ?? new Float64Array(3);
      const cumulative = [0, sigmoid(e[0] ?? 0), sigmoid(e[1] ?? 0), sigmoid(e[2] ?? 0), 1];
      row.forEach((q, k) => expect(Math.abs(q - ((cumulative[k + 1] ?? 0) - (cumulative[k] ?? 0)))).toBeLessThan(1e-12));
    });
  });
});
