import { checkNumberOption, resolveMultilabel } from './validation.js';

/** Options of {@link multilabelPrecisionRecall}. */
export interface MultilabelThresholdOptions {
  /**
   * A label is predicted when `score >= threshold`. Default 0.5, for probabilities; ML-GCN thresholds logits at 0,
   * which is the same decision as probabilities at 0.5.
   */
  readonly threshold?: number;
}

/** Per-class-averaged and overall precision, recall and F1 of a thresholded multi-label classifier. */
export interface MultilabelPrecisionRecall {
  /** CP: mean over classes of per-class precision. */
  readonly classPrecision: number;
  /** CR: mean over classes of per-class recall. */
  readonly classRecall: number;
  /** CF1: harmonic mean of CP and CR (not the mean of per-class F1). */
  readonly classF1: number;
  /** OP: precision over all (sample, class) pairs. */
  readonly overallPrecision: number;
  /** OR: recall over all (sample, class) pairs. */
  readonly overallRecall: number;
  /** OF1: harmonic mean of OP and OR. */
  readonly overallF1: number;
}

function harmonic(a: number, b: number): number {
  return a + b === 0 ? 0 : (2 * a * b) / (a + b);
}

/**
 * CP / CR / CF1 and OP / OR / OF1 of a multi-label classifier at a threshold, in the convention of Wang et al.
 * (CNN-RNN, CVPR 2016) and ML-GCN's `AveragePrecisionMeter.evaluation` (Chen et al., CVPR 2019). With `N_c^p` the
 * number of samples predicted as `c` (`score >= threshold`), `N_c^g` the number with label `c`, and `N_c^t` the
 * correctly predicted ones:
 *
 * - `CP = (1/C) Σ_c N_c^t / N_c^p`, `CR = (1/C) Σ_c N_c^t / N_c^g`, `CF1 = 2·CP·CR / (CP + CR)`;
 * - `OP = Σ_c N_c^t / Σ_c N_c^p`, `OR = Σ_c N_c^t / Σ_c N_c^g`, `OF1 = 2·OP·OR / (OP + OR)`.
 *
 * Zero division:
 * - a class never predicted has precision 0 in CP (ML-GCN sets `N_c^p = 1` when it is 0); OP is 0 when nothing at
 *   all is predicted;
 * - a class without positive labels makes its recall 0/0 = `NaN`, hence CR and CF1 `NaN` (as ML-GCN's numpy code);
 *   OR is `NaN` only when no label is positive at all;
 * - an F1 whose precision and recall are both 0 is 0 (ML-GCN would print `nan`).
 *
 * One deliberate difference from ML-GCN: its `N_c^p = 1` fix is applied before computing OP, so every never-predicted
 * class adds 1 to OP's denominator; here OP uses the true count `Σ_c N_c^p`. The two agree whenever every class is
 * predicted at least once.
 *
 * @param targets multi-hot labels `[N][C]` flattened row-major, each 0 or 1, `N ≥ 1`.
 * @param scores `[N][C]` finite scores flattened row-major, on the scale of `threshold`.
 * @param numClasses `C ≥ 1`.
 */
export function multilabelPrecisionRecall(
  targets: ArrayLike<number>,
  scores: ArrayLike<number>,
  numClasses: number,
  options: MultilabelThresholdOptions = {},
): MultilabelPrecisionRecall {
  const metric = 'multilabelPrecisionRecall';
  const threshold = checkNumberOption(metric, 'options.threshold', options.threshold ?? 0.5, -Number.MAX_VALUE, Number.MAX_VALUE);
  const r = resolveMultilabel(metric, targets, scores, numClasses);
  const c = r.numClasses;
  const predicted = new Float64Array(c);
  const labelled = new Float64Array(c);
  const correct = new Float64Array(c);
  for (let i = 0; i < r.numRows; i += 1) {
    for (let k = 0; k < c; k += 1) {
      const at = i * c + k;
      const p = (r.scores[at] ?? 0) >= threshold ? 1 : 0;
      const y = r.targets[at] ?? 0;
      predicted[k] = (predicted[k] ?? 0) + p;
      labelled[k] = (labelled[k] ?? 0) + y;
      correct[k] = (correct[k] ?? 0) + p * y;
    }
  }
  let precisionSum = 0;
  let recallSum = 0;
  let totalPredicted = 0;
  let totalLabelled = 0;
  let totalCorrect = 0;
  for (let k = 0; k < c; k += 1) {
    const np = predicted[k] ?? 0;
    const ng = labelled[k] ?? 0;
    const nc = correct[k] ?? 0;
    precisionSum += np === 0 ? 0 : nc / np;
    recallSum += nc / ng;
    totalPredicted += np;
    totalLabelled += ng;
    totalCorrect += nc;
  }
  const classPrecision = precisionSum / c;
  const classRecall = recallSum / c;
  const overallPrecision = totalPredicted === 0 ? 0 : totalCorrect / totalPredicted;
  const overallRecall = totalCorrect / totalLabelled;
  return {
    classPrecision,
    classRecall,
    classF1: harmonic(classPrecision, classRecall),
    overallPrecision,
    overallRecall,
    overallF1: harmonic(overallPrecision, overallRecall),
  };
}
