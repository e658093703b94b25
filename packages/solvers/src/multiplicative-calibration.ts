import { SolverArgumentError } from './errors.js';

const NAME = 'fitMultiplicativeCalibration';

/**
 * How {@link fitMultiplicativeCalibration} picks the factor `c`:
 * - `likelihood` — maximises the Bernoulli likelihood of the labels under `c·p` over `c ∈ (0, 1/max p)` (default);
 *   `c·p` never exceeds 1, so no probability is clipped and the order of every auction is kept exactly;
 * - `ratio` — `c = Σ y / Σ p` (mean predicted CTR equals mean observed CTR; "predicted over observed" = 1), capped at
 *   `(1 − 1e-7)/max p` for the same reason.
 */
export type MultiplicativeCalibrationMethod = 'likelihood' | 'ratio';

/** Options of {@link fitMultiplicativeCalibration}. */
export interface MultiplicativeCalibrationOptions {
  /** See {@link MultiplicativeCalibrationMethod}. Default `likelihood`. */
  readonly method?: MultiplicativeCalibrationMethod;
  /** Per-example weights (e.g. 0 for padding), non-negative, same length. Default all 1. */
  readonly weights?: ArrayLike<number>;
}

/** A fitted multiplicative recalibration `p ↦ c·p`. */
export interface MultiplicativeCalibration {
  /** The factor `c` (> 0). */
  readonly scale: number;
  readonly method: MultiplicativeCalibrationMethod;
  /** Weighted mean label and mean prediction before recalibration. */
  readonly observedRate: number;
  readonly predictedRate: number;
}

const MAX_PROBABILITY = 1 - 1e-7;

/**
 * Fits a single factor `c` so that `c·p` is calibrated, for models trained with a rank loss (which fixes the order of
 * `b·p` inside each auction but leaves the CTR level free). Multiplying every predicted CTR by the same `c` multiplies
 * every eCPM by `c`, so each auction's winner — and the welfare — is unchanged, while logloss and calibration recover.
 * Fit it on held-out data.
 *
 * Likelihood method: `c* = argmin_c −Σ w[y log(cp) + (1 − y) log(1 − cp)]`, found by bisection on the derivative
 * `Σ w(1 − y)p/(1 − cp) − Σ wy/c`, which increases in `c` (the objective is convex in `c`).
 *
 * Limit: `c < 1/max p`, so a model whose predictions are too low overall but reach ≈ 1 for a few candidates (a rank
 * loss can push scores that far) cannot be scaled up: `c` stops at the cap and calibration stays poor. No other map of
 * the probabilities keeps every auction's winner for every bid, so this is a limit of post-hoc recalibration, not of
 * the fit; the combined objective (`combinedWelfareLoss`) avoids it.
 *
 * Shapes: `labels` (clicks in [0, 1]) and `probabilities` (in (0, 1]) flat, same length.
 * Reference: post-hoc calibration of ranking-trained CTR models (e.g. the calibration discussion of Lyu et al., ICML
 * 2023); the single-factor form is the one that provably keeps every auction's eCPM order.
 *
 * @throws SolverArgumentError for mismatched lengths, labels outside [0, 1], probabilities outside (0, 1], negative
 *   weights, or data without any positive (or any weight).
 */
export function fitMultiplicativeCalibration(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  options: MultiplicativeCalibrationOptions = {},
): MultiplicativeCalibration {
  const method = options.method ?? 'likelihood';
  if (method !== 'likelihood' && method !== 'ratio') {
    throw new SolverArgumentError(NAME, 'options.method', `must be 'likelihood' or 'ratio', got '${String(method)}'`);
  }
  const n = probabilities.length;
  if (labels.length !== n) {
    throw new SolverArgumentError(NAME, 'labels', `has ${labels.length} entries but 'probabilities' has ${n}`);
  }
  const weights = options.weights;
  if (weights !== undefined && weights.length !== n) {
    throw new SolverArgumentError(NAME, 'options.weights', `has ${weights.length} entries but 'probabilities' has ${n}`);
  }
  let sumY = 0;
  let sumP = 0;
  let sumW = 0;
  let maxP = 0;
  for (let i = 0; i < n; i += 1) {
    const w = weights === undefined ? 1 : (weights[i] ?? Number.NaN);
    if (!(w >= 0) || !Number.isFinite(w)) throw new SolverArgumentError(NAME, 'options.weights', `must be finite and >= 0, got ${w} at index ${i}`);
    if (w === 0) continue;
    const y = labels[i] ?? Number.NaN;
    const p = probabilities[i] ?? Number.NaN;
    if (!(y >= 0 && y <= 1)) throw new SolverArgumentError(NAME, 'labels', `must lie in [0, 1], got ${y} at index ${i}`);
    if (!(p > 0 && p <= 1)) throw new SolverArgumentError(NAME, 'probabilities', `must lie in (0, 1], got ${p} at index ${i}`);
    sumY += w * y;
    sumP += w * p;
    sumW += w;
    maxP = Math.max(maxP, p);
  }
  if (sumW === 0) throw new SolverArgumentError(NAME, 'probabilities', 'has no example with a positive weight');
  if (sumY === 0) throw new SolverArgumentError(NAME, 'labels', 'has no positive: the factor would be 0 (every CTR predicted 0)');
  const upper = MAX_PROBABILITY / maxP;
  const observedRate = sumY / sumW;
  const predictedRate = sumP / sumW;
  if (method === 'ratio') return { scale: Math.min(sumY / sumP, upper), method, observedRate, predictedRate };
  const derivative = (c: number): number => {
    let g = -sumY / c;
    for (let i = 0; i < n; i += 1) {
      const w = weights === undefined ? 1 : (weights[i] ?? 0);
      if (w === 0) continue;
      const p = probabilities[i] ?? 0;
      g += (w * (1 - (labels[i] ?? 0)) * p) / (1 - c * p);
    }
    return g;
  };
  if (derivative(upper) <= 0) return { scale: upper, method, observedRate, predictedRate };
  let low = Math.min((sumY / sumP) * 1e-3, upper * 1e-3);
  let high = upper;
  while (derivative(low) > 0) low /= 10;
  for (let iteration = 0; iteration < 200 && high - low > 1e-12 * high; iteration += 1) {
    const mid = 0.5 * (low + high);
    if (derivative(mid) > 0) high = mid;
    else low = mid;
  }
  return { scale: 0.5 * (low + high), method, observedRate, predictedRate };
}

/** `c·p` for every probability (a new Float64Array); keeps the order of `b·p` in every auction. */
export function applyMultiplicativeCalibration(probabilities: ArrayLike<number>, calibration: Pick<MultiplicativeCalibration, 'scale'>): Float64Array {
  const out = new Float64Array(probabilities.length);
  for (let i = 0; i < out.length; i += 1) out[i] = Math.min((probabilities[i] ?? 0) * calibration.scale, 1);
  return out;
}
