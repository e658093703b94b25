import { checkEnumOption, orderDescending, resolveBinary, resolveMultilabel } from './validation.js';

/**
 * Average precision of one ranked column (internal, validated inputs): `Σ_{positives i} precision@rank(i) / P`, tied
 * scores forming one threshold. Returns `NaN` when there is no positive.
 */
function averagePrecisionOfColumn(labels: Uint8Array, scores: Float64Array): number {
  const order = orderDescending(scores);
  let truePositives = 0;
  let sum = 0;
  for (let start = 0; start < order.length; ) {
    const value = scores[order[start] ?? 0];
    let end = start;
    let groupPositives = labels[order[start] ?? 0] ?? 0;
    while (end + 1 < order.length && scores[order[end + 1] ?? 0] === value) {
      end += 1;
      groupPositives += labels[order[end] ?? 0] ?? 0;
    }
    truePositives += groupPositives;
    sum += groupPositives * (truePositives / (end + 1));
    start = end + 1;
  }
  return truePositives === 0 ? Number.NaN : sum / truePositives;
}

/**
 * Average precision of a binary scorer: rank the samples by score, descending, and average the precision at the
 * rank of every positive, `AP = (1/P) Σ_{i : y_i = 1} precision@i`, `precision@i = #{positives ranked ≤ i} / i`.
 * This is the uninterpolated step-function area `Σ_n (R_n − R_{n−1}) P_n` of scikit-learn's
 * `average_precision_score`, and the per-class AP of ASL's `average_precision`.
 *
 * Ties: tied scores form one threshold — every positive in a tie group gets the precision at the END of the group
 * (scikit-learn's rule; order-independent). ASL's code instead ranks ties in `numpy.argsort` order, which is
 * unspecified, so with ties its AP can be higher or lower than this.
 *
 * Zero division: `NaN` when `targets` has no positive (recent scikit-learn returns 0 with a warning).
 *
 * @param targets labels, each 0 or 1, length `N ≥ 1`.
 * @param scores finite scores, higher meaning more likely positive, length `N`.
 * @returns a number in `(0, 1]`, or `NaN`.
 */
export function binaryAveragePrecision(targets: ArrayLike<number>, scores: ArrayLike<number>): number {
  const r = resolveBinary('binaryAveragePrecision', targets, scores, 'scores', 'scores');
  return averagePrecisionOfColumn(r.targets, r.values);
}

/** What a class without any positive in the test set contributes to (mean) average precision. */
export type ClassesWithoutPositives = 'zero' | 'exclude';

/** Options of {@link multilabelAveragePrecision} and {@link meanAveragePrecision}. */
export interface AveragePrecisionOptions {
  /**
   * Classes with no positive label:
   * - `'zero'` (default): AP 0, counted in the mean — ASL's `mAP` (its `AP = Σ precision / (P + 1e-8)` is 0 when
   *   `P = 0`), and what recent scikit-learn `average_precision_score(average='macro')` also returns (with a warning:
   *   "No positive class found in y_true, recall is set to one for all thresholds");
   * - `'exclude'`: AP `NaN`, left out of the mean — torchmetrics' `multilabel_average_precision` ("Ignoring these
   *   classes in macro-average"), and older scikit-learn, whose `NaN` made the macro mean `NaN`.
   */
  readonly classesWithoutPositives?: ClassesWithoutPositives;
}

const CLASSES_WITHOUT_POSITIVES: readonly ClassesWithoutPositives[] = ['zero', 'exclude'];

function perClassAp(metric: string, targets: ArrayLike<number>, scores: ArrayLike<number>, numClasses: number, options: AveragePrecisionOptions): number[] {
  const mode = checkEnumOption(metric, 'options.classesWithoutPositives', options.classesWithoutPositives ?? 'zero', CLASSES_WITHOUT_POSITIVES);
  const r = resolveMultilabel(metric, targets, scores, numClasses);
  const labels = new Uint8Array(r.numRows);
  const column = new Float64Array(r.numRows);
  const out: number[] = [];
  for (let c = 0; c < r.numClasses; c += 1) {
    for (let i = 0; i < r.numRows; i += 1) {
      labels[i] = r.targets[i * r.numClasses + c] ?? 0;
      column[i] = r.scores[i * r.numClasses + c] ?? 0;
    }
    const ap = averagePrecisionOfColumn(labels, column);
    out.push(Number.isNaN(ap) && mode === 'zero' ? 0 : ap);
  }
  return out;
}

/**
 * Per-class average precision of a multi-label scorer, as in ASL's `mAP` helper (Ridnik et al., 2021): for each
 * class `c`, rank the whole test set by the class's score and take `binaryAveragePrecision` of column `c`.
 *
 * Differences from ASL's code, all below 1e-8 or about ties: ASL divides by `P + 1e-8` (here: `P`, with the `P = 0`
 * case handled by `classesWithoutPositives`); ties are one threshold here (see `binaryAveragePrecision`).
 *
 * @param targets multi-hot labels `[N][C]` flattened row-major, each 0 or 1, `N ≥ 1`.
 * @param scores `[N][C]` finite scores (logits or probabilities) flattened row-major.
 * @param numClasses `C ≥ 1`.
 * @returns `C` values in `[0, 1]` (`NaN` for classes without positives with `classesWithoutPositives: 'exclude'`).
 * @see Alibaba-MIIL/ASL `src/helper_functions/helper_functions.py` (`average_precision`, `mAP`).
 */
export function multilabelAveragePrecision(
  targets: ArrayLike<number>,
  scores: ArrayLike<number>,
  numClasses: number,
  options: AveragePrecisionOptions = {},
): number[] {
  return perClassAp('multilabelAveragePrecision', targets, scores, numClasses, options);
}

/**
 * Mean average precision over classes (multi-label mAP, ASL convention): `mAP = (1/C) Σ_c AP_c` with the per-class
 * AP of {@link multilabelAveragePrecision}. Classes without positives count as AP 0 by default (ASL); with
 * `classesWithoutPositives: 'exclude'` the mean runs over the classes with at least one positive (`NaN` if none).
 *
 * Returned as a fraction in `[0, 1]`; ASL's `mAP()` reports `100 ×` this value.
 *
 * @param targets multi-hot labels `[N][C]` flattened row-major, each 0 or 1, `N ≥ 1`.
 * @param scores `[N][C]` finite scores flattened row-major.
 * @param numClasses `C ≥ 1`.
 */
export function meanAveragePrecision(
  targets: ArrayLike<number>,
  scores: ArrayLike<number>,
  numClasses: number,
  options: AveragePrecisionOptions = {},
): number {
  const ap = perClassAp('meanAveragePrecision', targets, scores, numClasses, options).filter((v) => !Number.isNaN(v));
  return ap.reduce((a, b) => a + b, 0) / ap.length;
}
