import { accuracy, binaryExpectedCalibrationError, binaryReliabilityBins, macroF1 } from '@counterweight/metrics';
import { ConfigError } from '@counterweight/runtime';
import { brierScores } from './brier-score.js';
import { finiteOrNull } from './finite-or-null.js';

/** Number of reliability bins of the rare-category calibration (equal-mass bins). */
export const RARE_CALIBRATION_BINS = 10;

/** One bin of a rare category's reliability diagram (`null` for an empty bin). */
export interface RareCalibrationBin {
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
  readonly meanPredicted: number | null;
  readonly observedFrequency: number | null;
}

/** Calibration of the probability of one category ("this category vs the rest"). */
export interface RareCategoryCalibration {
  readonly category: number;
  /** Test samples in the category. */
  readonly observed: number;
  /** Mean predicted probability of the category over all test samples. */
  readonly meanPredicted: number;
  /** Observed frequency of the category over all test samples. */
  readonly observedFrequency: number;
  /** Binary Brier score of the category (`(1/N) Σ (p_ik − o_ik)²`). */
  readonly brier: number;
  /** Binary ECE over {@link RARE_CALIBRATION_BINS} equal-mass bins of the predicted probability; null if undefined. */
  readonly ece: number | null;
  readonly bins: readonly RareCalibrationBin[];
}

/** Scores of ordinal (category) probability forecasts; `null` = undefined. */
export interface OrdinalScores {
  readonly count: number;
  /** Multi-class Brier score `(1/N) Σ_i Σ_k (p_ik − o_ik)²`. */
  readonly brier: number;
  readonly brierPerCategory: readonly number[];
  /** Accuracy of the arg-max category. */
  readonly accuracy: number;
  /** Macro-F1 of the arg-max category over the categories present in targets or predictions. */
  readonly macroF1: number | null;
  /** Calibration of the requested (rare) categories. */
  readonly rare: readonly RareCategoryCalibration[];
  /** Samples per observed category. */
  readonly categoryCounts: readonly number[];
  /** Samples per arg-max predicted category. */
  readonly predictedCounts: readonly number[];
}

/**
 * Scores of category probability forecasts: the multi-class Brier score and its per-category terms
 * ({@link brierScores}), accuracy and macro-F1 of the arg-max (metrics' `accuracy`, `macroF1` with classes absent
 * from both targets and predictions left out of the mean), category counts, and for each of `rareCategories` the
 * calibration of its probability: mean predicted probability vs observed frequency, and binary ECE / reliability
 * bins (metrics' `binaryExpectedCalibrationError`, `binaryReliabilityBins`, 10 equal-mass bins — equal-width bins
 * would leave nearly every sample of a rare category's small probabilities in the first bin).
 *
 * @param targets category ids `[N]` in [0, K).
 * @param probabilities `[N]` rows of K probabilities in [0, 1].
 * @param rareCategories category ids to calibrate (e.g. the two rarest in training).
 * @throws ConfigError for bad shapes, ids or probabilities.
 */
export function ordinalScores(
  targets: ArrayLike<number>,
  probabilities: ReadonlyArray<ArrayLike<number>>,
  rareCategories: readonly number[],
): OrdinalScores {
  const { score, perCategory } = brierScores(targets, probabilities);
  const n = targets.length;
  const k = perCategory.length;
  const flat = new Float64Array(n * k);
  probabilities.forEach((row, i) => {
    for (let c = 0; c < k; c += 1) {
      const p = row[c] ?? Number.NaN;
      if (!(p >= 0 && p <= 1)) throw new ConfigError('probabilities', `is ${p} at row ${i}, column ${c}; expected a probability in [0, 1]`);
      flat[i * k + c] = p;
    }
  });
  const categoryCounts = new Array<number>(k).fill(0);
  const predictedCounts = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i += 1) {
    const y = targets[i] ?? 0;
    categoryCounts[y] = (categoryCounts[y] ?? 0) + 1;
    let best = 0;
    for (let c = 1; c < k; c += 1) if ((flat[i * k + c] ?? 0) > (flat[i * k + best] ?? 0)) best = c;
    predictedCounts[best] = (predictedCounts[best] ?? 0) + 1;
  }
  const rare = rareCategories.map((category): RareCategoryCalibration => {
    if (!Number.isInteger(category) || category < 0 || category >= k) {
      throw new ConfigError('rareCategories', `holds ${category}, expected a category id in [0, ${k - 1}]`);
    }
    const outcome = Uint8Array.from({ length: n }, (_, i) => (targets[i] === category ? 1 : 0));
    const p = Float64Array.from({ length: n }, (_, i) => flat[i * k + category] ?? 0);
    const options = { bins: RARE_CALIBRATION_BINS, binning: 'quantile' as const };
    const observed = outcome.reduce((s, o) => s + o, 0);
    return {
      category,
      observed,
      meanPredicted: p.reduce((s, x) => s + x, 0) / n,
      observedFrequency: observed / n,
      brier: perCategory[category] ?? Number.NaN,
      ece: finiteOrNull(binaryExpectedCalibrationError(outcome, p, options)),
      bins: binaryReliabilityBins(outcome, p, options).map((b) => ({
        lower: b.lower,
        upper: b.upper,
        count: b.count,
        meanPredicted: finiteOrNull(b.confidence),
        observedFrequency: finiteOrNull(b.accuracy),
      })),
    };
  });
  return {
    count: n,
    brier: score,
    brierPerCategory: perCategory,
    accuracy: accuracy(targets, flat, k),
    macroF1: finiteOrNull(macroF1(targets, flat, k)),
    rare,
    categoryCounts,
    predictedCounts,
  };
}
