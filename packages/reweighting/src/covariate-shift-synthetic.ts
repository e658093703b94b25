import type { Matrix } from './matrix.js';
import { seededRandom } from './random.js';
import { ReweightingError } from './reweighting-error.js';

/** A one-covariate regression under covariate shift, with its known density ratio. */
export interface CovariateShiftData {
  /** Source covariates `[n_source × 1]`. */
  readonly source: Matrix;
  /** Source responses `[n_source]`. */
  readonly sourceY: Float64Array;
  /** Target covariates `[n_target × 1]`. */
  readonly target: Matrix;
  /** Target responses `[n_target]`. */
  readonly targetY: Float64Array;
  /** The true `p_target(x)/p_source(x)` at each row of a `[m × 1]` matrix. */
  trueRatio(x: Matrix): Float64Array;
}

/** Options of {@link shimodairaToy}. */
export interface ShimodairaToyOptions {
  /** Seed of the draws. Required. */
  readonly seed: number;
  /** Source rows. Default 100 (Shimodaira 2000, §8). */
  readonly nSource?: number;
  /** Target rows. Default 100. */
  readonly nTarget?: number;
}

const normalDensity = (x: number, mean: number, sd: number): number =>
  Math.exp(-0.5 * ((x - mean) / sd) ** 2) / (sd * Math.sqrt(2 * Math.PI));

/**
 * Shimodaira's (2000) covariate-shift toy: `x_source ~ N(0.5, 0.5²)`, `x_target ~ N(0, 0.3²)`,
 * `y = −x + x³ + ε`, `ε ~ N(0, 0.3²)` in both domains. A degree-1 polynomial is misspecified, so the unweighted
 * least-squares line fits the source region and importance weighting by `r(x) = N(x; 0, 0.3²)/N(x; 0.5, 0.5²)` moves
 * it to the target region. Seeded: the same options give the same data.
 */
export function shimodairaToy(options: ShimodairaToyOptions): CovariateShiftData {
  const random = seededRandom(options.seed);
  const draw = (n: number, mean: number, sd: number): { x: Matrix; y: Float64Array } => {
    const data = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i += 1) {
      const x = mean + sd * random.normal();
      data[i] = x;
      y[i] = -x + x ** 3 + 0.3 * random.normal();
    }
    return { x: { rows: n, cols: 1, data }, y };
  };
  const s = draw(options.nSource ?? 100, 0.5, 0.5);
  const t = draw(options.nTarget ?? 100, 0, 0.3);
  return {
    source: s.x,
    sourceY: s.y,
    target: t.x,
    targetY: t.y,
    trueRatio: (x) => {
      if (x.cols !== 1) throw new ReweightingError('shimodairaToy.trueRatio', 'x', `has ${x.cols} columns, the design has 1`);
      return x.data.map((v) => normalDensity(v, 0, 0.3) / normalDensity(v, 0.5, 0.5));
    },
  };
}
