import { SolverArgumentError } from './errors.js';
import { bootstrapParameters, checkBootstrap, checkDistinct, checkPointCount, checkSeries, goodnessOfFit, MIN_DISTINCT } from './scaling-fit-stats.js';
import type { BootstrapUncertainty, GoodnessOfFit, ScalingBootstrapOptions } from './scaling-fit-stats.js';

const NAME = 'fitLossToLoss';

/** Parameters of the shifted power law `L₁ = K·(L₀ − E₀)^κ + E₁`. */
export interface LossToLossParameters {
  readonly K: number;
  readonly kappa: number;
  /** Shift of the input loss (its irreducible loss). */
  readonly E0: number;
  /** Shift of the output loss (its irreducible loss). */
  readonly E1: number;
}

/** Options of {@link fitLossToLoss}. */
export interface LossToLossOptions {
  /** E₀ when known (e.g. from {@link fitScalingLaw} on L₀); default: searched on the grid, in [0, min L₀). */
  readonly e0?: number;
  /** E₁ when known; default: searched on the grid, in [0, min L₁). */
  readonly e1?: number;
  /** Grid points per searched shift, `linspace(0, min L, gridSize)`. Default 100 (the reference). */
  readonly gridSize?: number;
  /** Uncertainty by pairs bootstrap (default 200 resamples, seed 0; `{ resamples: 0 }` turns it off). */
  readonly bootstrap?: ScalingBootstrapOptions;
}

/** A fitted {@link LossToLossParameters} with its uncertainty and goodness of fit. */
export interface LossToLossFit extends GoodnessOfFit, BootstrapUncertainty<keyof LossToLossParameters> {
  readonly parameters: LossToLossParameters;
  /** Which shifts were searched (false: given in the options, standard error 0). */
  readonly searched: { readonly E0: boolean; readonly E1: boolean };
  /** Spacing of the shift grids (0 for a given shift): the resolution of E₀ and E₁. */
  readonly gridStep: { readonly E0: number; readonly E1: number };
  /** Real-space mean squared error at the optimum (the selection criterion). */
  readonly mse: number;
  readonly n: number;
}

/** `K·(L₀ − E₀)^κ + E₁` for every input loss (a new Float64Array; NaN where L₀ ≤ E₀, as the reference). */
export function lossToLossPredict(parameters: LossToLossParameters, loss0: ArrayLike<number>): Float64Array {
  return Float64Array.from(loss0, (x) => (x > parameters.E0 ? parameters.K * Math.pow(x - parameters.E0, parameters.kappa) + parameters.E1 : Number.NaN));
}

const KEYS = ['K', 'kappa', 'E0', 'E1'] as const;

const linspace = (low: number, high: number, count: number): number[] =>
  count === 1 ? [low] : Array.from({ length: count }, (_, k) => low + ((high - low) * k) / (count - 1));

/**
 * For fixed shifts: least squares of `ln(y − e1)` on `[ln(x − e0), 1]`, then the real-space MSE (undefined when a
 * point is at or below a shift).
 */
function solveShifts(x: Float64Array, y: Float64Array, indices: Int32Array, e0: number, e1: number): { kappa: number; K: number; mse: number } | undefined {
  const n = indices.length;
  let su = 0;
  let sv = 0;
  let suu = 0;
  let suv = 0;
  for (const i of indices) {
    const dx = (x[i] ?? 0) - e0;
    const dy = (y[i] ?? 0) - e1;
    if (!(dx > 0 && dy > 0)) return undefined;
    const u = Math.log(dx);
    const v = Math.log(dy);
    su += u;
    sv += v;
    suu += u * u;
    suv += u * v;
  }
  const det = n * suu - su * su;
  if (!(Math.abs(det) > 1e-300)) return undefined;
  const kappa = (n * suv - su * sv) / det;
  const logK = (sv - kappa * su) / n;
  const K = Math.exp(logK);
  let mse = 0;
  for (const i of indices) mse += (K * Math.exp(kappa * Math.log((x[i] ?? 0) - e0)) + e1 - (y[i] ?? 0)) ** 2;
  mse /= n;
  return Number.isFinite(mse) ? { kappa, K, mse } : undefined;
}

function gridFit(x: Float64Array, y: Float64Array, indices: Int32Array, e0Grid: number[], e1Grid: number[]) {
  let best: (LossToLossParameters & { mse: number }) | undefined;
  for (const e0 of e0Grid) {
    for (const e1 of e1Grid) {
      const s = solveShifts(x, y, indices, e0, e1);
      if (s !== undefined && (best === undefined || s.mse < best.mse)) best = { K: s.K, kappa: s.kappa, E0: e0, E1: e1, mse: s.mse };
    }
  }
  return best;
}

function checkShift(value: number | undefined, argument: string, series: Float64Array, seriesName: string): number | undefined {
  if (value === undefined) return undefined;
  const min = series.reduce((m, v) => Math.min(m, v), Number.POSITIVE_INFINITY);
  if (typeof value !== 'number' || !Number.isFinite(value) || !(value < min)) {
    throw new SolverArgumentError(NAME, argument, `must be a finite number below min '${seriesName}' (${min}), got ${String(value)}`);
  }
  return value;
}

/**
 * Fits the shifted power law between two loss series, `L₁ = K·(L₀ − E₀)^κ + E₁` (Brandfonbrener, Anand, Vyas,
 * Malach & Kakade, 2024, "Loss-to-loss prediction: scaling laws for all datasets"), as the paper's code does:
 *
 *  - for every pair of shifts (E₀, E₁) on the grid `linspace(0, min L₀, G) × linspace(0, min L₁, G)` (G = 100), or at
 *    the given shifts, fit `ln(L₁ − E₁) = ln K + κ·ln(L₀ − E₀)` by linear least squares;
 *  - keep the pair with the smallest real-space mean squared error of `ŷ = K·(L₀ − E₀)^κ + E₁` (grid points where some
 *    `L ≤ E` are skipped, as the reference's NaN losses are).
 *
 * The paper takes E₀, E₁ from each dataset's own scaling law (`fitScalingLaw`) and passes them in; the grid runs when
 * they are not given. Reference: KempnerInstitute/loss-to-loss-notebooks `utils_plotting.py` (457ce81):
 * `power_law_with_constant` (lines 95–98), `solve` (lines 108–114), `fit_power_law` (lines 120–160). Departure: with
 * only E₀ given the reference calls `scipy.optimize.curve_fit` (trf, E₁ ∈ [0, min L₁]; lines 122–133); here E₁ is
 * searched on the same grid as in the other cases, so its resolution is `min L₁/(G − 1)` (reported as `gridStep`).
 *
 * Uncertainty: pairs bootstrap (`options.bootstrap`, 200 seeded resamples by default), each resample refitted with the
 * same grid; standard errors are the resampled parameters' standard deviations (0 for a given shift), intervals their
 * 2.5/97.5 % percentiles. Goodness of fit: R² and RMSE in real space (the reference's R², line 171).
 *
 * Shapes: `loss0` and `loss1` paired point by point (same model size/compute), n ≥ p + 1 where p = 2 + number of
 * searched shifts, at least 3 distinct `loss0` values; losses > 0.
 * @throws SolverArgumentError naming the argument and index: mismatched lengths, too few points, non-positive or
 *   non-finite losses, a shift not below its series' minimum, or bad options.
 */
export function fitLossToLoss(loss0: ArrayLike<number>, loss1: ArrayLike<number>, options: LossToLossOptions = {}): LossToLossFit {
  const n = loss0?.length ?? 0;
  const x = checkSeries(NAME, 'loss0', loss0, n, true);
  const y = checkSeries(NAME, 'loss1', loss1, n, true);
  const e0 = checkShift(options.e0, 'options.e0', x, 'loss0');
  const e1 = checkShift(options.e1, 'options.e1', y, 'loss1');
  const p = 2 + (e0 === undefined ? 1 : 0) + (e1 === undefined ? 1 : 0);
  checkPointCount(NAME, 'loss0', n, p);
  checkDistinct(NAME, 'loss0', x);
  const gridSize = options.gridSize ?? 100;
  if (!Number.isInteger(gridSize) || gridSize < 2) throw new SolverArgumentError(NAME, 'options.gridSize', `must be an integer >= 2, got ${String(gridSize)}`);
  const { resamples, seed } = checkBootstrap(NAME, options.bootstrap);
  const grids = (indices: Int32Array): [number[], number[]] => {
    let minX = Number.POSITIVE_INFINITY;
    let minY = Number.POSITIVE_INFINITY;
    for (const i of indices) {
      minX = Math.min(minX, x[i] ?? 0);
      minY = Math.min(minY, y[i] ?? 0);
    }
    return [e0 === undefined ? linspace(0, minX, gridSize) : [e0], e1 === undefined ? linspace(0, minY, gridSize) : [e1]];
  };
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const best = gridFit(x, y, all, ...grids(all));
  if (best === undefined) throw new SolverArgumentError(NAME, 'loss1', 'could not be fitted: no shift pair leaves every point above both shifts');
  const { mse, ...parameters } = best;
  const uncertainty = bootstrapParameters(KEYS, x, resamples, seed, MIN_DISTINCT, (indices) => {
    const refit = gridFit(x, y, indices, ...grids(indices));
    return refit === undefined ? undefined : { K: refit.K, kappa: refit.kappa, E0: refit.E0, E1: refit.E1 };
  });
  const [g0, g1] = grids(all);
  return {
    parameters,
    searched: { E0: e0 === undefined, E1: e1 === undefined },
    gridStep: { E0: (g0[1] ?? g0[0] ?? 0) - (g0[0] ?? 0), E1: (g1[1] ?? g1[0] ?? 0) - (g1[0] ?? 0) },
    mse,
    n,
    ...goodnessOfFit(y, lossToLossPredict(parameters, x)),
    ...uncertainty,
  };
}
