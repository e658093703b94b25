import { SolverArgumentError } from './errors.js';
import { minimizeLbfgs } from './lbfgs.js';
import { bootstrapParameters, checkBootstrap, checkDistinct, checkPointCount, checkSeries, goodnessOfFit, MIN_DISTINCT } from './scaling-fit-stats.js';
import type { BootstrapUncertainty, GoodnessOfFit, ScalingBootstrapOptions } from './scaling-fit-stats.js';

const NAME = 'fitScalingLaw';

/** Parameters of `L(C) = E + A·C^(−α)`. */
export interface ScalingLawParameters {
  /** Irreducible loss E > 0 (the asymptote). */
  readonly E: number;
  /** Scale A > 0. */
  readonly A: number;
  /** Exponent α. */
  readonly alpha: number;
}

/** Options of {@link fitScalingLaw}. */
export interface ScalingLawOptions {
  /** δ of the Huber loss on log residuals. Default 1e-3 (the reference); a large δ gives least squares in logs. */
  readonly huberDelta?: number;
  /** L-BFGS iterations per start. Default 500 (the reference runs 200 optax iterations with a zoom line search). */
  readonly maxIterations?: number;
  /** Uncertainty by pairs bootstrap (default 200 resamples, seed 0; `{ resamples: 0 }` turns it off). */
  readonly bootstrap?: ScalingBootstrapOptions;
}

/** A fitted {@link ScalingLawParameters} with its uncertainty and goodness of fit. */
export interface ScalingLawFit extends GoodnessOfFit, BootstrapUncertainty<keyof ScalingLawParameters> {
  readonly parameters: ScalingLawParameters;
  /** Mean Huber loss of the log residuals at the optimum. */
  readonly objective: number;
  /** Whether L-BFGS converged from the best start. */
  readonly converged: boolean;
  /** Number of points. */
  readonly n: number;
}

/** `E + A·C^(−α)` for every compute value (a new Float64Array). */
export function scalingLawPredict(parameters: ScalingLawParameters, compute: ArrayLike<number>): Float64Array {
  return Float64Array.from(compute, (c) => parameters.E + parameters.A * Math.exp(-parameters.alpha * Math.log(c)));
}

const KEYS = ['E', 'A', 'alpha'] as const;

/** Mean Huber_δ(ln ŷ − ln y) over `indices` and its gradient in θ = (ln A, ln E, α). */
function objective(logC: Float64Array, logL: Float64Array, indices: Int32Array, delta: number) {
  return (theta: Float64Array): { value: number; gradient: Float64Array } => {
    const [a = 0, e = 0, alpha = 0] = theta;
    const gradient = new Float64Array(3);
    let value = 0;
    const n = indices.length;
    for (const i of indices) {
      const power = Math.exp(a - alpha * (logC[i] ?? 0)); // A·C^(−α)
      const floor = Math.exp(e);
      const pred = power + floor;
      const r = Math.log(pred) - (logL[i] ?? 0);
      const abs = Math.abs(r);
      value += abs <= delta ? 0.5 * r * r : delta * (abs - 0.5 * delta);
      const dr = (abs <= delta ? r : delta * Math.sign(r)) / pred; // dHuber/dr · dr/dŷ
      gradient[0] = (gradient[0] ?? 0) + dr * power;
      gradient[1] = (gradient[1] ?? 0) + dr * floor;
      gradient[2] = (gradient[2] ?? 0) - dr * power * (logC[i] ?? 0);
    }
    return { value: value / n, gradient: gradient.map((g) => g / n) };
  };
}

/** A start from the data: E₀ = ½·min L, then least squares of ln(L − E₀) on ln C for ln A and α. */
function dataStart(logC: Float64Array, loss: Float64Array, indices: Int32Array): Float64Array {
  let minL = Number.POSITIVE_INFINITY;
  for (const i of indices) minL = Math.min(minL, loss[i] ?? 0);
  const e0 = 0.5 * minL;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (const i of indices) {
    const x = logC[i] ?? 0;
    const y = Math.log((loss[i] ?? 0) - e0);
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const n = indices.length;
  const slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  const alpha = Number.isFinite(slope) && slope < 0 ? -slope : 0.1;
  const a = (sy + alpha * sx) / n;
  return Float64Array.from([a, Math.log(e0), alpha]);
}

/** The reference's grid of starts: ln A ∈ {5, 10, 15, 20}, ln E = 0.5, α = 0.4 (utils_scaling.py lines 78–86). */
const REFERENCE_STARTS = [5, 10, 15, 20].map((a) => Float64Array.from([a, 0.5, 0.4]));

function fitOnce(logC: Float64Array, loss: Float64Array, logL: Float64Array, indices: Int32Array, delta: number, maxIterations: number, starts: Float64Array[]) {
  const f = objective(logC, logL, indices, delta);
  let best: ReturnType<typeof minimizeLbfgs> | undefined;
  for (const start of [...starts, dataStart(logC, loss, indices)]) {
    const result = minimizeLbfgs(f, start, { maxIterations });
    if (Number.isFinite(result.value) && (best === undefined || result.value < best.value)) best = result;
  }
  return best;
}

/**
 * Fits the single-series scaling law `L(C) = E + A·C^(−α)` (loss against compute, parameters or tokens) as the
 * loss-to-loss paper fits its per-dataset laws (Brandfonbrener, Anand, Vyas, Malach & Kakade, 2024, "Loss-to-loss
 * prediction: scaling laws for all datasets"; Hoffmann et al. 2022's method): minimise the mean Huber loss (δ = 1e-3)
 * between `ln ŷ` and `ln L` over θ = (ln A, ln E, α) by L-BFGS from a grid of starts, and keep the best.
 *
 * Reference: KempnerInstitute/loss-to-loss-notebooks `utils_scaling.py` (457ce81) `fit`: Huber on logs (line 39),
 * `optax.lbfgs` for 200 iterations (lines 44–71), starts ln A, ln B ∈ {5, 10, 15, 20}, ln E = 0.5, α = β = 0.4 (lines
 * 78–86), best by loss (lines 97–115); there the law is Chinchilla's two-variable `E + A/N^α + B/D^β`, here its
 * one-variable form. Departures (documented in the README): our own L-BFGS with a backtracking line search instead of
 * optax's zoom search, up to 500 iterations, and one extra start from the data (E = ½·min L, a log–log line for A, α)
 * for compute scales far from the reference's.
 *
 * Uncertainty: pairs bootstrap (`options.bootstrap`, 200 seeded resamples by default), each resample refitted from the
 * full-data optimum; standard errors are the resampled parameters' standard deviations, intervals their 2.5/97.5 %
 * percentiles. Goodness of fit: R² and RMSE of `ŷ` against L in real space (as the reference's plots report R²).
 *
 * Shapes: `compute` and `loss`, n ≥ 4 points each (3 parameters), compute > 0, loss > 0 (both are taken in logs).
 * @throws SolverArgumentError naming the argument and index: mismatched lengths, fewer than 4 points or 3 distinct
 *   compute values, non-positive or non-finite values, or bad options.
 */
export function fitScalingLaw(compute: ArrayLike<number>, loss: ArrayLike<number>, options: ScalingLawOptions = {}): ScalingLawFit {
  const n = compute?.length ?? 0;
  checkPointCount(NAME, 'compute', n, KEYS.length);
  const c = checkSeries(NAME, 'compute', compute, n, true);
  const l = checkSeries(NAME, 'loss', loss, n, true);
  checkDistinct(NAME, 'compute', c);
  const delta = options.huberDelta ?? 1e-3;
  if (typeof delta !== 'number' || !(delta > 0) || !Number.isFinite(delta)) {
    throw new SolverArgumentError(NAME, 'options.huberDelta', `must be a positive number, got ${String(delta)}`);
  }
  const maxIterations = options.maxIterations ?? 500;
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new SolverArgumentError(NAME, 'options.maxIterations', `must be a positive integer, got ${String(maxIterations)}`);
  }
  const { resamples, seed } = checkBootstrap(NAME, options.bootstrap);
  const logC = c.map(Math.log);
  const logL = l.map(Math.log);
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const best = fitOnce(logC, l, logL, all, delta, maxIterations, REFERENCE_STARTS);
  if (best === undefined) throw new SolverArgumentError(NAME, 'loss', 'could not be fitted: every start gave a non-finite objective');
  const toParameters = (theta: Float64Array): ScalingLawParameters => ({
    E: Math.exp(theta[1] ?? 0),
    A: Math.exp(theta[0] ?? 0),
    alpha: theta[2] ?? 0,
  });
  const parameters = toParameters(best.x);
  const uncertainty = bootstrapParameters(KEYS, c, resamples, seed, MIN_DISTINCT, (indices) => {
    const refit = fitOnce(logC, l, logL, indices, delta, maxIterations, [best.x]);
    return refit === undefined ? undefined : toParameters(refit.x);
  });
  return {
    parameters,
    objective: best.value,
    converged: best.converged,
    n,
    ...goodnessOfFit(l, scalingLawPredict(parameters, c)),
    ...uncertainty,
  };
}
