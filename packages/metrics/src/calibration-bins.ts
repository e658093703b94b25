import { checkEnumOption, checkIntegerOption } from './validation.js';

/**
 * How the `[0, 1]` confidence axis is cut into bins:
 * - `'uniform'`: `M` equal-width bins with edges `k/M` (Guo et al., 2017; the default);
 * - `'quantile'`: `M` equal-mass bins whose edges are the `k/M` quantiles of the confidences (linear interpolation,
 *   `numpy.percentile`'s default), as `strategy='quantile'` of scikit-learn's `calibration_curve` and the "adaptive"
 *   ECE of Nixon et al., 2019. Tied confidences always share a bin, so some bins may be empty.
 */
export type CalibrationBinning = 'uniform' | 'quantile';

/** The binnings accepted by `options.binning`. */
export const CALIBRATION_BINNINGS: readonly CalibrationBinning[] = ['uniform', 'quantile'];

/** Options of the calibration metrics. */
export interface CalibrationOptions {
  /** Number of bins `M`, integer ≥ 1. Default 15 (Guo et al., 2017). */
  readonly bins?: number;
  /** Bin edges: `'uniform'` (default) or `'quantile'`. */
  readonly binning?: CalibrationBinning;
}

/**
 * One bin of a reliability diagram. Bins are half-open on the left, `(lower, upper]`, except the first, which also
 * holds `lower` itself (so a confidence of exactly 0 is counted) — Guo et al.'s `I_m = ((m−1)/M, m/M]` and the
 * `searchsorted` rule of scikit-learn's `calibration_curve`.
 */
export interface ReliabilityBin {
  /** Lower edge of the bin. */
  readonly lower: number;
  /** Upper edge of the bin. */
  readonly upper: number;
  /** Number of samples in the bin. */
  readonly count: number;
  /**
   * Mean predicted probability of the samples in the bin: the top-label confidence for multi-class, the probability
   * of class 1 for binary. `NaN` for an empty bin.
   */
  readonly confidence: number;
  /**
   * Observed frequency in the bin: the fraction of correct top-label predictions for multi-class, the fraction of
   * positives for binary. `NaN` for an empty bin.
   */
  readonly accuracy: number;
}

/** Validated bin count and binning of `options` (internal). */
export function calibrationSettings(metric: string, options: CalibrationOptions): { bins: number; binning: CalibrationBinning } {
  return {
    bins: checkIntegerOption(metric, 'options.bins', options.bins ?? 15, 1),
    binning: checkEnumOption(metric, 'options.binning', options.binning ?? 'uniform', CALIBRATION_BINNINGS),
  };
}

/** `M + 1` bin edges (internal). */
function binEdges(confidences: Float64Array, bins: number, binning: CalibrationBinning): Float64Array {
  const edges = new Float64Array(bins + 1);
  if (binning === 'uniform') {
    for (let k = 0; k <= bins; k += 1) edges[k] = k / bins;
    return edges;
  }
  const sorted = Float64Array.from(confidences).sort();
  const last = sorted.length - 1;
  for (let k = 0; k <= bins; k += 1) {
    const position = (last * k) / bins;
    const lo = Math.floor(position);
    const hi = Math.min(lo + 1, last);
    const t = position - lo;
    const a = sorted[lo] ?? 0;
    const b = sorted[hi] ?? 0;
    edges[k] = a + t * (b - a);
  }
  return edges;
}

/** Bin of `value`: the number of interior edges strictly below it (internal). */
function binOf(value: number, edges: Float64Array, bins: number): number {
  let lo = 0;
  let hi = bins - 1; // answer in [0, bins − 1]
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((edges[mid + 1] ?? 0) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Reliability bins of (confidence, outcome) pairs, outcomes 0/1 (internal; inputs validated by the caller, at least
 * one pair).
 */
export function binCalibration(
  confidences: Float64Array,
  outcomes: Uint8Array,
  bins: number,
  binning: CalibrationBinning,
): ReliabilityBin[] {
  const edges = binEdges(confidences, bins, binning);
  const count = new Float64Array(bins);
  const confidenceSum = new Float64Array(bins);
  const outcomeSum = new Float64Array(bins);
  for (let i = 0; i < confidences.length; i += 1) {
    const v = confidences[i] ?? 0;
    const b = binOf(v, edges, bins);
    count[b] = (count[b] ?? 0) + 1;
    confidenceSum[b] = (confidenceSum[b] ?? 0) + v;
    outcomeSum[b] = (outcomeSum[b] ?? 0) + (outcomes[i] ?? 0);
  }
  return Array.from({ length: bins }, (_, b) => {
    const n = count[b] ?? 0;
    return {
      lower: edges[b] ?? 0,
      upper: edges[b + 1] ?? 0,
      count: n,
      confidence: n > 0 ? (confidenceSum[b] ?? 0) / n : Number.NaN,
      accuracy: n > 0 ? (outcomeSum[b] ?? 0) / n : Number.NaN,
    };
  });
}

/** `Σ_b (n_b / N) |accuracy_b − confidence_b|` over non-empty bins (internal). */
export function eceOfBins(bins: readonly ReliabilityBin[]): number {
  let total = 0;
  let weighted = 0;
  for (const bin of bins) {
    if (bin.count === 0) continue;
    total += bin.count;
    weighted += bin.count * Math.abs(bin.accuracy - bin.confidence);
  }
  return weighted / total;
}
