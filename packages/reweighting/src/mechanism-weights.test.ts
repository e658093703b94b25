import { describe, expect, it } from 'vitest';

import { causalGraph } from './causal-graph.js';
import type { DensityRatioFitter } from './density-ratio-model.js';
import { coalitionWeights, mechanismWeights, tableMatrix } from './mechanism-weights.js';
import { seededRandom } from './random.js';
import { ReweightingError } from './reweighting-error.js';
import { gaussianRatioFitter } from './test-support/gaussian-ratio-fitter.js';

/**
 * A fitter that ignores the data and returns a known function of the row: `1 + Σ_j (j + 1) x_j²`, so every column set
 * gets a different, hand-computable ratio. Records the column count of every fit.
 */
function knownFitter(fits: number[]): DensityRatioFitter {
  return (source) => {
    fits.push(source.cols);
    return {
      cols: source.cols,
      ratio: (x) =>
        Float64Array.from({ length: x.rows }, (_, r) => {
          let v = 1;
          for (let j = 0; j < x.cols; j++) v += (j + 1) * x.data[r * x.cols + j]! ** 2;
          return v;
        }),
    };
  };
}

describe('mechanismWeights', () => {
  const table = { X: [1, 0, 2], Y: [0, 1, 1] };

  it('composes root ratios and conditional ratios r(pa ∪ i) / r(pa), hand-checked', () => {
    const fits: number[] = [];
    const mw = mechanismWeights(causalGraph({ X: [], Y: ['X'] }), table, table, table, { fitter: knownFitter(fits) });
    expect(mw.mechanisms.map((m) => m.label)).toEqual(['P(X)', 'P(Y | X)']);
    // Root X: 1 + x².  Conditional Y | X: (1 + x² + 2y²) / (1 + x²).
    expect(Array.from(mw.factors[0]!)).toEqual([2, 1, 5]);
    expect(Array.from(mw.factors[1]!)).toEqual([2 / 2, 3 / 1, 7 / 5]);
    expect(Array.from(coalitionWeights(mw, [0, 0]))).toEqual([1, 1, 1]);
    expect(Array.from(coalitionWeights(mw, [1, 1]))).toEqual([2, 3, 7].map((v) => expect.closeTo(v, 14) as number));
    expect(Array.from(coalitionWeights(mw, [1, 1], 2.5))).toEqual([2, 2.5, 2.5]);
    const clipped = coalitionWeights(mw, [0, 1], 2);
    expect(Array.from(clipped)).toEqual([1, 2, 1.4].map((v) => expect.closeTo(v, 14) as number));
    // {X} is the root model and the parent model of Y: fitted once.
    expect(fits).toEqual([1, 2]);
  });

  it('maps a node to several columns and fits a shared parent set once', () => {
    const fits: number[] = [];
    const t = { a: [1, 2], b: [0, 1], Y: [1, 1], Z: [2, 0] };
    const mw = mechanismWeights(causalGraph({ W: [], Y: ['W'], Z: ['W'] }), t, t, t, {
      fitter: knownFitter(fits),
      nodeColumns: { W: ['a', 'b'] },
    });
    expect(fits).toEqual([2, 3, 3]);
    // Z | W: (1 + a² + 2b² + 3z²) / (1 + a² + 2b²) on rows (1, 0, z=2) and (2, 1, z=0).
    expect(Array.from(mw.factors[2]!)).toEqual([14 / 2, 1]);
  });

  it('recovers the closed-form conditional ratio of a Gaussian conditional shift with Gaussian fits', () => {
    // Source Y = X + ε, target Y = X + 0.8 + ε: p_T(y | x) / p_S(y | x) = exp(0.8 (y − x) − 0.32).
    const draw = (seed: number, shift: number, n: number): { X: Float64Array; Y: Float64Array } => {
      const random = seededRandom(seed);
      const X = Float64Array.from({ length: n }, () => random.normal());
      return { X, Y: X.map((x) => x + shift + random.normal()) };
    };
    const mw = mechanismWeights(causalGraph({ X: [], Y: ['X'] }), draw(1, 0, 20000), draw(2, 0.8, 20000), table, {
      fitter: gaussianRatioFitter,
    });
    table.X.forEach((x, r) => {
      expect(mw.factors[1]![r]).toBeCloseTo(Math.exp(0.8 * (table.Y[r]! - x) - 0.32), 1);
      expect(mw.factors[0]![r]).toBeCloseTo(1, 1);
    });
  });

  it('rejects missing columns, empty tables, unequal lengths, NaN and bad ratios, naming the argument', () => {
    const g = causalGraph({ X: [], Y: ['X'] });
    const fitter = knownFitter([]);
    expect(() => mechanismWeights(g, { X: [1] }, table, table, { fitter })).toThrow(/'fitSource' lacks the column 'Y'/);
    expect(() => mechanismWeights(g, table, { X: [], Y: [] }, table, { fitter })).toThrow(/'fitTarget' has no rows/);
    expect(() => mechanismWeights(g, table, table, { X: [1, 2], Y: [1] }, { fitter })).toThrow(/column 'Y' has 1 rows/);
    const nan = { X: [1, Number.NaN], Y: [1, 1] };
    expect(() => mechanismWeights(g, table, table, nan, { fitter })).toThrow(/'evaluate' column 'X' row 1 is NaN/);
    const zero: DensityRatioFitter = (s) => ({ cols: s.cols, ratio: (x) => new Float64Array(x.rows) });
    expect(() => mechanismWeights(g, table, table, table, { fitter: zero })).toThrow(/parents of P\(Y \| X\) is 0/);
    const negative: DensityRatioFitter = (s) => ({ cols: s.cols, ratio: (x) => new Float64Array(x.rows).fill(-1) });
    expect(() => mechanismWeights(g, table, table, table, { fitter: negative })).toThrow(ReweightingError);
    const wrong: DensityRatioFitter = () => ({ cols: 5, ratio: (x) => new Float64Array(x.rows) });
    expect(() => mechanismWeights(g, table, table, table, { fitter: wrong })).toThrow(/model of 5 columns/);
    expect(() => mechanismWeights(g, table, table, table, { fitter, nodeColumns: { X: [] } })).toThrow(
      /'options.nodeColumns' gives node 'X' no columns/,
    );
  });

  it('tableMatrix lays the chosen columns out row-major', () => {
    expect(tableMatrix(table, ['Y', 'X'])).toEqual({ rows: 3, cols: 2, data: Float64Array.from([0, 1, 1, 0, 1, 2]) });
  });
});
