import { LossArgumentError } from './errors.js';

const NAME = 'md4Schedule';

/** MD4's masking schedules: `linear` (`α = 1 − t`, the text configs' default) and `cosine` (`α = 1 − cos(π/2·(1 − t))`). */
export type Md4ScheduleType = 'linear' | 'cosine';

/** Every {@link Md4ScheduleType}, for validation and CLIs. */
export const MD4_SCHEDULE_TYPES: readonly Md4ScheduleType[] = ['linear', 'cosine'];

/** Options of {@link md4Schedule}. */
export interface Md4ScheduleOptions {
  /** Default `linear` (every text config of google-deepmind/md4). */
  readonly type?: Md4ScheduleType;
  /** Clipping ε ∈ [0, 0.5): `α(t) = (1 − 2ε)·α_raw(t) + ε`. Default 1e-4 (`MaskingSchedule.eps`). */
  readonly eps?: number;
}

/** A masking schedule of MD4 with its clipping, as plain float64 functions of the time `t ∈ [0, 1]`. */
export interface Md4Schedule {
  readonly type: Md4ScheduleType;
  readonly eps: number;
  /** Probability that a token is kept (not masked) at time t: `(1 − 2ε)·α_raw(t) + ε`, from 1 − ε at t = 0 to ε at t = 1. */
  alpha(t: number): number;
  /** `α'(t) = (1 − 2ε)·α_raw'(t)` (negative). */
  alphaDerivative(t: number): number;
  /** The continuous-time ELBO weight `w(t) = −α'(t)/(1 − α(t))` (positive; largest at t = 0: `(1 − 2ε)·|α_raw'(0)|/ε`). */
  weight(t: number): number;
  /** `∫₀¹ w(t) dt = ln((1 − α(1))/(1 − α(0))) = ln((1 − ε)/ε)`, the same for every schedule. */
  readonly weightIntegral: number;
}

/** `1 − α_raw(t)` and `α_raw'(t)`, written so that `1 − α_raw` keeps its precision near t = 0. */
const RAW: Readonly<Record<Md4ScheduleType, { oneMinusAlpha: (t: number) => number; derivative: (t: number) => number }>> = {
  // α_raw = 1 − t
  linear: { oneMinusAlpha: (t) => t, derivative: () => -1 },
  // α_raw = 1 − cos(π/2·(1 − t)) and cos(π/2·(1 − t)) = sin(πt/2); α_raw' = −(π/2)·sin(π/2·(1 − t)) = −(π/2)·cos(πt/2)
  cosine: { oneMinusAlpha: (t) => Math.sin((Math.PI / 2) * t), derivative: (t) => -(Math.PI / 2) * Math.cos((Math.PI / 2) * t) },
};

/**
 * MD4's masking schedule (Shi, Han, Wang, Doucet & Titsias, NeurIPS 2024, "Simplified and generalized masked
 * diffusion for discrete data"), with the reference's clipping:
 *
 *     α(t) = (1 − 2ε)·α_raw(t) + ε,     α'(t) = (1 − 2ε)·α_raw'(t),     w(t) = −α'(t) / (1 − α(t))
 *
 *     linear:  α_raw = 1 − t                 → w(t) = (1 − 2ε) / ((1 − 2ε)·t + ε)            (≈ 1/t)
 *     cosine:  α_raw = 1 − cos(π/2·(1 − t))  → w(t) = (1 − 2ε)(π/2)cos(πt/2) / ((1 − 2ε)sin(πt/2) + ε)  (≈ (π/2)·cot(πt/2))
 *
 * A token is kept with probability α(t) and masked otherwise; the continuous-time negative ELBO of a sequence x is
 * `∫₀¹ w(t)·E_{z_t}[Σ_{n masked} −log p_θ(x_n | z_t)] dt` (plus a reconstruction constant `L·(1 − α(0))·ln V`), so
 * `w` is the weight that multiplies the masked-token cross-entropy sum of a sequence drawn at time t. ε keeps w finite:
 * `w(0) = (1 − 2ε)/ε ≈ 1e4` (linear, ε = 1e-4).
 *
 * Reference: google-deepmind/md4 `md4/models/diffusion/md4.py` (b9fbf29), `MaskingSchedule`: `eps = 1e-4` (line 39),
 * `_dalpha`/`dalpha` (lines 45–57), `_alpha`/`alpha` (lines 59–71), `dgamma_times_alpha = dalpha/(1 − alpha)` (lines
 * 73–74; the reference's sign is negative and multiplies a negative log-likelihood, so its product is our `w·CE`).
 * @throws LossArgumentError for an unknown `type` or an `eps` outside [0, 0.5).
 */
export function md4Schedule(options: Md4ScheduleOptions = {}): Md4Schedule {
  const type = options.type ?? 'linear';
  if (!MD4_SCHEDULE_TYPES.includes(type)) {
    throw new LossArgumentError(NAME, 'options.type', `must be one of ${MD4_SCHEDULE_TYPES.map((s) => `'${s}'`).join(', ')}, got '${String(type)}'`);
  }
  const eps = options.eps ?? 1e-4;
  if (typeof eps !== 'number' || !(eps >= 0 && eps < 0.5)) {
    throw new LossArgumentError(NAME, 'options.eps', `must be a number in [0, 0.5), got ${String(eps)}`);
  }
  const raw = RAW[type];
  const scale = 1 - 2 * eps;
  const oneMinusAlpha = (t: number): number => scale * raw.oneMinusAlpha(t) + eps;
  return {
    type,
    eps,
    alpha: (t) => 1 - oneMinusAlpha(t),
    alphaDerivative: (t) => scale * raw.derivative(t),
    weight: (t) => (-scale * raw.derivative(t)) / oneMinusAlpha(t),
    weightIntegral: Math.log((1 - eps) / eps),
  };
}

/**
 * The ELBO weights `w(t_b)` of a batch of times (float64), see {@link md4Schedule}; `schedule` is a schedule or its
 * options. Times must lie in [0, 1].
 * @throws LossArgumentError naming `times` for a time outside [0, 1] or NaN.
 */
export function md4ElboWeights(times: ArrayLike<number>, schedule: Md4Schedule | Md4ScheduleOptions = {}): Float64Array {
  const s = 'weight' in schedule ? schedule : md4Schedule(schedule);
  const out = new Float64Array(times.length);
  for (let i = 0; i < times.length; i += 1) {
    const t = times[i] ?? Number.NaN;
    if (!(t >= 0 && t <= 1)) throw new LossArgumentError('md4ElboWeights', 'times', `must lie in [0, 1], got ${t} at index ${i}`);
    out[i] = s.weight(t);
  }
  return out;
}

/**
 * MD4's diffusion times for a batch of `batchSize` sequences from uniforms `random()` in [0, 1):
 *
 *     antithetic (default):  u ~ U(0, 1),  t_b = (u + b/B) mod 1,  b = 0 … B − 1   (one draw, evenly spread)
 *     i.i.d.:                t_b ~ U(0, 1)
 *
 * The antithetic (stratified) times cover [0, 1) evenly in every batch, which lowers the variance of the batch's ELBO
 * estimate; each t_b is still marginally uniform. Reference: `MD4.__call__`, `antithetic_time_sampling = True`
 * (md4.py lines 85, 256–261).
 * @throws LossArgumentError naming `batchSize` unless it is a positive integer.
 */
export function md4SampleTimes(batchSize: number, random: () => number, antithetic = true): Float64Array {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new LossArgumentError('md4SampleTimes', 'batchSize', `must be a positive integer, got ${String(batchSize)}`);
  }
  const times = new Float64Array(batchSize);
  if (antithetic) {
    const u = random();
    for (let b = 0; b < batchSize; b += 1) times[b] = (u + b / batchSize) % 1;
  } else {
    for (let b = 0; b < batchSize; b += 1) times[b] = random();
  }
  return times;
}
