// Test-only: float64 weighted interval score from its interval definition, and seeded synthetic quantile data.
import { seededUniform } from '../presto-synthetic.js';

/**
 * WIS of one row of 2K + 1 quantiles (levels symmetric with the median in the middle), written from the interval
 * definition of Bracher et al. 2021 (eq. 2–4): (1/(K + ½))·[½|y − m| + Σ_k (α_k/2)·IS_{α_k}].
 */
export function wis64(row: ArrayLike<number>, levels: readonly number[], y: number): number {
  const k = (levels.length - 1) / 2;
  let total = 0.5 * Math.abs(y - (row[k] ?? 0));
  for (let j = 0; j < k; j += 1) {
    const alpha = 2 * (levels[j] ?? 0);
    const l = row[j] ?? 0;
    const u = row[levels.length - 1 - j] ?? 0;
    const is = u - l + (2 / alpha) * (l - y) * (y < l ? 1 : 0) + (2 / alpha) * (y - u) * (y > u ? 1 : 0);
    total += (alpha / 2) * is;
  }
  return total / (k + 0.5);
}

/** Standard normal draws by Box–Muller from a seeded uniform generator. */
export function seededNormal(seed: number): () => number {
  const uniform = seededUniform(seed);
  return () => {
    const u1 = Math.max(uniform(), 1e-300);
    const u2 = uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  };
}

/** Φ⁻¹ at the levels the tests use (to 1e-4; the conformal guarantee does not depend on it). */
export const NORMAL_QUANTILES: Readonly<Record<number, number>> = {
  0.05: -1.6449, 0.1: -1.2816, 0.25: -0.6745, 0.5: 0, 0.75: 0.6745, 0.9: 1.2816, 0.95: 1.6449,
};

/**
 * Heteroscedastic data `y = 2·sin(2πx) + (0.2 + x)·ε`, `x ~ U(0, 1)`, `ε ~ N(0, 1)`, with a deliberately miscalibrated
 * base quantile model: the true conditional quantiles shrunk by `widthFactor` and shifted by `shift`.
 */
export function heteroscedasticQuantileData(
  seed: number,
  n: number,
  levels: readonly number[],
  widthFactor: number,
  shift: number,
): { targets: Float64Array; quantiles: Float64Array[] } {
  const uniform = seededUniform(seed * 7919 + 1);
  const normal = seededNormal(seed * 104729 + 3);
  const targets = new Float64Array(n);
  const quantiles: Float64Array[] = [];
  for (let i = 0; i < n; i += 1) {
    const x = uniform();
    const mean = 2 * Math.sin(2 * Math.PI * x);
    const sd = 0.2 + x;
    targets[i] = mean + sd * normal();
    quantiles.push(Float64Array.from(levels, (tau) => mean + shift + widthFactor * sd * (NORMAL_QUANTILES[tau] ?? Number.NaN)));
  }
  return { targets, quantiles };
}
