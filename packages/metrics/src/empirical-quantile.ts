import { MetricArgumentError } from './errors.js';
import { checkNumberOption, requireNonEmpty, toFiniteScores } from './validation.js';

/**
 * Quantile of a sorted sample by linear interpolation between order statistics (internal; `sorted` ascending, length
 * ≥ 1, `level` in [0, 1]).
 */
export function sortedQuantile(sorted: Float64Array, level: number): number {
  const h = (sorted.length - 1) * level;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[hi] ?? Number.NaN;
  const g = h - lo;
  // NumPy's _lerp: from the nearer end, so the value is exact at both order statistics.
  return g >= 0.5 ? b - (b - a) * (1 - g) : a + (b - a) * g;
}

/**
 * Empirical quantile of a sample by linear interpolation between the order statistics — NumPy's default
 * (`numpy.quantile(x, p)`, `method='linear'`), type 7 of Hyndman & Fan (1996, "Sample quantiles in statistical
 * packages", Am. Stat. 50(4): 361–365), also R's default:
 *
 *     h = (n − 1)·p,   Q(p) = x₍⌊h⌋₎ + (h − ⌊h⌋)·(x₍⌊h⌋+1₎ − x₍⌊h⌋₎)
 *
 * with `x₍₀₎ ≤ … ≤ x₍ₙ₋₁₎` the sorted sample (0-based). `Q(0)` is the minimum, `Q(1)` the maximum, `Q(½)` the median.
 *
 * @param values sample `[n]`, n ≥ 1, finite numbers (unsorted; not modified).
 * @param level `p` in [0, 1], e.g. 0.9 for the lower edge of the top decile.
 */
export function empiricalQuantile(values: ArrayLike<number>, level: number): number {
  const metric = 'empiricalQuantile';
  const p = checkNumberOption(metric, 'level', level, 0, 1);
  const x = toFiniteScores(metric, 'values', values);
  requireNonEmpty(metric, 'values', x.length);
  return sortedQuantile(x.sort(), p);
}

/** Throws unless `threshold` is a finite number (internal). */
export function checkThreshold(metric: string, threshold: unknown): number {
  if (typeof threshold !== 'number' || !Number.isFinite(threshold)) {
    throw new MetricArgumentError(metric, 'threshold', `is ${String(threshold)}, expected a finite number (e.g. 75 µg/m³)`);
  }
  return threshold;
}
