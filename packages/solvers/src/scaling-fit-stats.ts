import { SolverArgumentError } from './errors.js';
import { seededUniform } from './presto-synthetic.js';

/** Goodness of fit of a scaling fit, in real (not log) space as the reference reports it. */
export interface GoodnessOfFit {
  /** `R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)²`. */
  readonly rSquared: number;
  /** Residual root-mean-square error `√(Σ(y − ŷ)²/n)`, in the loss's units. */
  readonly rmse: number;
}

/** Options of the bootstrap that measures a scaling fit's uncertainty. */
export interface ScalingBootstrapOptions {
  /** Number of resamples (≥ 20); 0 turns the bootstrap off (standard errors NaN). Default 200. */
  readonly resamples?: number;
  /** Seed of the resampling (an unsigned 32-bit integer). Default 0. */
  readonly seed?: number;
}

/** Bootstrap uncertainty of fitted parameters (pairs bootstrap: points resampled with replacement, refitted). */
export interface BootstrapUncertainty<K extends string> {
  /** Standard deviation of each parameter over the resampled fits (NaN without resamples). */
  readonly standardErrors: Readonly<Record<K, number>>;
  /** 2.5 % and 97.5 % percentiles of each parameter over the resampled fits (percentile interval). */
  readonly intervals95: Readonly<Record<K, readonly [number, number]>>;
  /** Number of resamples actually refitted. */
  readonly resamples: number;
}

/** R² and RMSE of predictions `yHat` of `y` (internal). */
export function goodnessOfFit(y: ArrayLike<number>, yHat: ArrayLike<number>): GoodnessOfFit {
  const n = y.length;
  let mean = 0;
  for (let i = 0; i < n; i += 1) mean += (y[i] ?? 0) / n;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < n; i += 1) {
    ssRes += ((y[i] ?? 0) - (yHat[i] ?? 0)) ** 2;
    ssTot += ((y[i] ?? 0) - mean) ** 2;
  }
  return { rSquared: ssTot > 0 ? 1 - ssRes / ssTot : Number.NaN, rmse: Math.sqrt(ssRes / n) };
}

/**
 * Checks a loss or compute series: the right length, every value finite and, when `positive`, > 0 (internal).
 * @throws SolverArgumentError naming `argument` and the index.
 */
export function checkSeries(fn: string, argument: string, values: ArrayLike<number>, n: number, positive: boolean): Float64Array {
  if (values === null || values === undefined || typeof values.length !== 'number') {
    throw new SolverArgumentError(fn, argument, 'must be an array of numbers');
  }
  if (values.length !== n) throw new SolverArgumentError(fn, argument, `has ${values.length} entries, expected ${n} (one per point)`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    const v = values[i] ?? Number.NaN;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new SolverArgumentError(fn, argument, `must be finite, got ${String(v)} at index ${i}`);
    if (positive && !(v > 0)) throw new SolverArgumentError(fn, argument, `must be > 0 (it is taken in logs), got ${v} at index ${i}`);
    out[i] = v;
  }
  return out;
}

/**
 * Checks that a fit of `parameters` parameters has at least `parameters + 1` points (internal).
 * @throws SolverArgumentError naming `argument`.
 */
export function checkPointCount(fn: string, argument: string, n: number, parameters: number): void {
  if (n < parameters + 1) {
    throw new SolverArgumentError(fn, argument, `must hold at least ${parameters + 1} points (${parameters} parameters are fitted), got ${n}`);
  }
}

/** The fewest distinct x values a scaling fit (and each bootstrap resample) needs to fix a curve's shape. */
export const MIN_DISTINCT = 3;

/**
 * Checks that the x series holds at least {@link MIN_DISTINCT} distinct values (internal).
 * @throws SolverArgumentError naming `argument`.
 */
export function checkDistinct(fn: string, argument: string, values: Float64Array): void {
  if (new Set(values).size < MIN_DISTINCT) throw new SolverArgumentError(fn, argument, `must hold at least ${MIN_DISTINCT} distinct values`);
}

/** Checks the bootstrap options; returns resamples and seed (internal). */
export function checkBootstrap(fn: string, options: ScalingBootstrapOptions | undefined): { resamples: number; seed: number } {
  const resamples = options?.resamples ?? 200;
  const seed = options?.seed ?? 0;
  if (!Number.isInteger(resamples) || (resamples !== 0 && resamples < 20)) {
    throw new SolverArgumentError(fn, 'options.bootstrap.resamples', `must be 0 (off) or an integer >= 20, got ${String(resamples)}`);
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new SolverArgumentError(fn, 'options.bootstrap.seed', `must be an integer in [0, 2^32 - 1], got ${String(seed)}`);
  }
  return { resamples, seed };
}

const percentile = (sorted: number[], p: number): number => {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return (sorted[lo] ?? 0) + (h - lo) * ((sorted[hi] ?? 0) - (sorted[lo] ?? 0));
};

/**
 * Pairs bootstrap (Efron & Tibshirani 1993, §9.5): `resamples` times, draw n indices with replacement (seeded), refit
 * with `refit(indices)` and collect the parameters; a resample with fewer than `minDistinct` distinct x values is
 * redrawn (up to 20 times, then skipped). Returns the standard deviation and the 2.5/97.5 % percentiles (internal).
 */
export function bootstrapParameters<K extends string>(
  keys: readonly K[],
  x: Float64Array,
  resamples: number,
  seed: number,
  minDistinct: number,
  refit: (indices: Int32Array) => Readonly<Record<K, number>> | undefined,
): BootstrapUncertainty<K> {
  const random = seededUniform(seed);
  const n = x.length;
  const draws: Record<string, number[]> = {};
  for (const k of keys) draws[k] = [];
  let done = 0;
  for (let r = 0; r < resamples; r += 1) {
    let indices = new Int32Array(n);
    for (let attempt = 0; attempt < 20; attempt += 1) {
      indices = Int32Array.from({ length: n }, () => Math.min(Math.floor(random() * n), n - 1));
      if (new Set(Array.from(indices, (i) => x[i])).size >= minDistinct) break;
    }
    if (new Set(Array.from(indices, (i) => x[i])).size < minDistinct) continue;
    const fit = refit(indices);
    if (fit === undefined || keys.some((k) => !Number.isFinite(fit[k]))) continue;
    for (const k of keys) draws[k]?.push(fit[k]);
    done += 1;
  }
  const standardErrors = {} as Record<K, number>;
  const intervals95 = {} as Record<K, readonly [number, number]>;
  for (const k of keys) {
    const v = draws[k] ?? [];
    const mean = v.reduce((a, b) => a + b, 0) / Math.max(v.length, 1);
    const sorted = [...v].sort((a, b) => a - b);
    const constant = sorted[0] === sorted[sorted.length - 1]; // a fixed parameter: exactly 0, not rounding noise
    standardErrors[k] = v.length < 2 ? Number.NaN : constant ? 0 : Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1));
    intervals95[k] = [percentile(sorted, 0.025), percentile(sorted, 0.975)];
  }
  return { standardErrors, intervals95, resamples: done };
}
