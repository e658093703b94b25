import { LossArgumentError } from './errors.js';

/**
 * How a set of class weights is scaled:
 *
 * | normalization     | meaning                                                                    | strategies                  |
 * |-------------------|----------------------------------------------------------------------------|-----------------------------|
 * | `sumToNumClasses` | `Σ_c w_c = C`: the average class weight is 1                               | effective number            |
 * | `sampleMeanOne`   | `Σ_c n_c·w_c = N`: the average weight over the training samples is 1       | inverse and sqrt-inverse    |
 * | `sumToOne`        | `Σ_c w_c = 1`                                                              | ICF                         |
 * | `none`            | raw values (RBF: percentages, O(1–100), which also rescale the step size) | RBF                         |
 */
export type ClassWeightNormalization = 'sumToNumClasses' | 'sampleMeanOne' | 'sumToOne' | 'none';

/** Per-class weights together with what they mean and where they go. */
export interface ClassWeights {
  /** One weight per class, in class-id order (float64). */
  readonly weights: readonly number[];
  /** How the weights are scaled, see {@link ClassWeightNormalization}. */
  readonly normalization: ClassWeightNormalization;
  /**
   * The loss option these weights are meant for: `classWeights` of `softmaxCrossEntropy`, `softmaxFocalLoss`
   * and (per label, multi-label) `sigmoidCrossEntropy`.
   */
  readonly feeds: 'classWeights';
}

/** Result of {@link classBalancedWeights}: the weights and the effective numbers they come from. */
export interface ClassBalancedWeights extends ClassWeights {
  readonly normalization: 'sumToNumClasses';
  /** Effective number of samples per class, `E_n = (1 − β^n) / (1 − β)`. */
  readonly effectiveNumbers: readonly number[];
  /** The β used. */
  readonly beta: number;
}

/**
 * Where the class frequencies of a weight strategy come from:
 *
 * - per-class counts, either as a bare list or as `{ counts, numSamples }` (`numSamples` = number of training
 *   samples; default `Σ counts`, right for single-label data; give it for multi-label counts);
 * - `{ labels, numClasses }`: single-label class ids (counted with {@link countClasses});
 * - `{ multiHot }`: multi-label rows of 0/1 (counted with {@link countMultiHot}; multi-label strategies only).
 */
export type ClassCountSource =
  | ArrayLike<number>
  | { readonly counts: ArrayLike<number>; readonly numSamples?: number }
  | { readonly labels: ArrayLike<number>; readonly numClasses: number }
  | { readonly multiHot: ArrayLike<ArrayLike<number>> };

/** Every strategy of {@link computeClassWeights}. */
export type ClassWeightStrategy = 'inverseFrequency' | 'sqrtInverseFrequency' | 'effectiveNumber' | 'icf' | 'rbf';

/** Every strategy name, for validation and CLIs. */
export const CLASS_WEIGHT_STRATEGIES: readonly ClassWeightStrategy[] = [
  'inverseFrequency',
  'sqrtInverseFrequency',
  'effectiveNumber',
  'icf',
  'rbf',
];

/**
 * Counts how many samples each class has, from integer labels in [0, numClasses).
 * @throws LossArgumentError naming the position of a label that is not an integer in range.
 */
export function countClasses(labels: ArrayLike<number>, numClasses: number): number[] {
  return countIds(labels, numClasses, 'countClasses', 'labels', 'numClasses');
}

function countIds(labels: ArrayLike<number>, numClasses: number, fn: string, labelsArg: string, classesArg: string): number[] {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new LossArgumentError(fn, classesArg, `must be a positive integer, got ${numClasses}`);
  }
  if (labels === null || typeof labels !== 'object' || typeof labels.length !== 'number') {
    throw new LossArgumentError(fn, labelsArg, 'must be a list of class ids');
  }
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i += 1) {
    const label = labels[i] ?? Number.NaN;
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
      throw new LossArgumentError(fn, labelsArg, `holds ${label} at index ${i}, not a class id in [0, ${numClasses - 1}]`);
    }
    counts[label] = (counts[label] ?? 0) + 1;
  }
  return counts;
}

/**
 * Counts the positives of every label in multi-label (multi-hot) rows, e.g. `[[1, 0, 1], [0, 0, 1]]` →
 * `{ counts: [1, 0, 2], numSamples: 2 }`. Rows with no positive label count as samples.
 * @throws LossArgumentError for ragged rows or an entry other than 0 or 1 (naming its row and column).
 */
export function countMultiHot(rows: ArrayLike<ArrayLike<number>>): { counts: number[]; numSamples: number } {
  return countRows(rows, 'countMultiHot', 'rows');
}

function countRows(rows: ArrayLike<ArrayLike<number>>, fn: string, arg: string): { counts: number[]; numSamples: number } {
  if (rows === null || typeof rows !== 'object' || typeof rows.length !== 'number') {
    throw new LossArgumentError(fn, arg, 'must be a list of multi-hot rows');
  }
  if (rows.length === 0) throw new LossArgumentError(fn, arg, 'must hold at least one row');
  const width = rows[0]?.length ?? 0;
  if (width === 0) throw new LossArgumentError(fn, arg, 'must have at least one label per row');
  const counts = new Array<number>(width).fill(0);
  for (let r = 0; r < rows.length; r += 1) {
    const row = rows[r];
    if (row === undefined || row === null || row.length !== width) {
      throw new LossArgumentError(fn, arg, `row ${r} has ${row?.length ?? 0} entries, row 0 has ${width}`);
    }
    for (let c = 0; c < width; c += 1) {
      const v = row[c];
      if (v !== 0 && v !== 1) {
        throw new LossArgumentError(fn, arg, `holds ${String(v)} at row ${r}, label ${c}; multi-hot entries must be 0 or 1`);
      }
      counts[c] = (counts[c] ?? 0) + v;
    }
  }
  return { counts, numSamples: rows.length };
}

interface Frequencies {
  readonly counts: number[];
  readonly numSamples: number;
  /** The argument the counts came from, for error messages. */
  readonly countsArg: string;
}

/**
 * Resolves a {@link ClassCountSource} to counts and a sample count. `positiveCounts`: every count must be > 0 (the
 * strategy's weight would be infinite otherwise), and the error names the class.
 */
function resolveSource(source: ClassCountSource, fn: string, multiLabel: boolean, positiveCounts: boolean): Frequencies {
  if (source === null || typeof source !== 'object') {
    throw new LossArgumentError(fn, 'source', 'must be per-class counts, { counts, numSamples }, { labels, numClasses } or { multiHot }');
  }
  let counts: number[];
  let numSamples: number | undefined;
  let countsArg: string;
  if ('multiHot' in source) {
    if (!multiLabel) {
      throw new LossArgumentError(
        fn,
        'source.multiHot',
        'is multi-label data; this strategy is defined for single-label class frequencies (use icf or rbf, or pass counts)',
      );
    }
    ({ counts, numSamples } = countRows(source.multiHot, fn, 'source.multiHot'));
    countsArg = 'source.multiHot';
  } else if ('labels' in source) {
    counts = countIds(source.labels, source.numClasses, fn, 'source.labels', 'source.numClasses');
    numSamples = source.labels.length;
    countsArg = 'source.labels';
  } else if ('counts' in source) {
    counts = checkCounts(source.counts, fn, 'source.counts');
    numSamples = source.numSamples;
    countsArg = 'source.counts';
    if (numSamples !== undefined) {
      if (typeof numSamples !== 'number' || !Number.isFinite(numSamples) || !(numSamples > 0)) {
        throw new LossArgumentError(fn, 'source.numSamples', `must be a positive number, got ${String(numSamples)}`);
      }
      const largest = counts.reduce((m, n) => Math.max(m, n), 0);
      if (largest > numSamples) {
        throw new LossArgumentError(
          fn,
          'source.numSamples',
          `is ${numSamples}, fewer than the ${largest} samples counted for class ${counts.indexOf(largest)}`,
        );
      }
    }
  } else {
    counts = checkCounts(source, fn, 'counts');
    countsArg = 'counts';
  }
  if (counts.length === 0) throw new LossArgumentError(fn, countsArg, 'must list at least one class');
  const total = counts.reduce((sum, n) => sum + n, 0);
  if (positiveCounts) {
    counts.forEach((n, c) => {
      if (!(n > 0)) {
        throw new LossArgumentError(
          fn,
          countsArg,
          `gives class ${c} a count of ${n}: its weight would be infinite (drop the class or count it deliberately)`,
        );
      }
    });
  } else if (!(total > 0)) {
    throw new LossArgumentError(fn, countsArg, 'has no samples in any class');
  }
  return { counts, numSamples: numSamples ?? total, countsArg };
}

function checkCounts(value: ArrayLike<number>, fn: string, arg: string): number[] {
  if (value === null || typeof value !== 'object' || typeof value.length !== 'number') {
    throw new LossArgumentError(fn, arg, 'must be a list of per-class counts');
  }
  const out: number[] = [];
  for (let c = 0; c < value.length; c += 1) {
    const n = value[c];
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
      throw new LossArgumentError(fn, arg, `holds ${String(n)} for class ${c}; counts must be finite and non-negative`);
    }
    out.push(n);
  }
  return out;
}

/**
 * Inverse class frequency, scikit-learn's `class_weight='balanced'`:
 *
 *     w_c = N / (K · n_c)        (N samples, K classes, n_c samples of class c)
 *
 * Normalisation `sampleMeanOne`: `Σ_c n_c·w_c = N`, so the average weight over the training samples is 1 and a
 * balanced dataset gets all ones. Single-label data: counts or `{ labels, numClasses }`.
 *
 * Reference: scikit-learn `sklearn.utils.class_weight.compute_class_weight` ("balanced":
 * `n_samples / (n_classes * np.bincount(y))`), used e.g. by DeepLearningBrasil at LT-EDI-2023 (arXiv 2311.05047).
 *
 * @throws LossArgumentError naming the class whose count is zero (its weight would be infinite), for negative or
 *   non-finite counts, labels out of range, or multi-hot input.
 */
export function inverseFrequencyWeights(source: ClassCountSource): ClassWeights {
  const fn = 'inverseFrequencyWeights';
  const { counts } = resolveSource(source, fn, false, true);
  const total = counts.reduce((sum, n) => sum + n, 0);
  const k = counts.length;
  return { weights: counts.map((n) => total / (k * n)), normalization: 'sampleMeanOne', feeds: 'classWeights' };
}

/**
 * Square-root inverse class frequency, rescaled like the balanced weights:
 *
 *     w_c = N · n_c^{−1/2} / Σ_k n_k^{1/2}        (∝ 1/√n_c, normalisation `sampleMeanOne`: Σ_c n_c·w_c = N)
 *
 * A milder reweighting than {@link inverseFrequencyWeights}: the ratio of two class weights is the square root of
 * theirs. A balanced dataset gets all ones. (`√(N / (K·n_c))`, the square root of the scikit-learn weights, is the
 * same vector up to a constant factor.) Single-label data: counts or `{ labels, numClasses }`.
 *
 * Reference: none to match — the square-root reweighting is a common long-tail baseline without one official
 * implementation; its normalisation is this library's choice (the one of {@link inverseFrequencyWeights}).
 *
 * @throws LossArgumentError naming the class whose count is zero, for negative or non-finite counts, labels out of
 *   range, or multi-hot input.
 */
export function sqrtInverseFrequencyWeights(source: ClassCountSource): ClassWeights {
  const fn = 'sqrtInverseFrequencyWeights';
  const { counts } = resolveSource(source, fn, false, true);
  const total = counts.reduce((sum, n) => sum + n, 0);
  const rootSum = counts.reduce((sum, n) => sum + Math.sqrt(n), 0);
  return { weights: counts.map((n) => total / (Math.sqrt(n) * rootSum)), normalization: 'sampleMeanOne', feeds: 'classWeights' };
}

/**
 * Effective-number weights with the error messages of the caller (the class-balanced loss reuses this).
 * @internal
 */
export function effectiveNumberWeights(
  samplesPerClass: ArrayLike<number>,
  beta: number,
  fn: string,
  countsArg: string,
  betaArg: string,
): ClassBalancedWeights {
  if (typeof beta !== 'number' || !(beta >= 0 && beta < 1)) {
    throw new LossArgumentError(fn, betaArg, `must lie in [0, 1), got ${String(beta)}`);
  }
  if (samplesPerClass === null || typeof samplesPerClass !== 'object' || typeof samplesPerClass.length !== 'number') {
    throw new LossArgumentError(fn, countsArg, 'must be a list of per-class counts');
  }
  const numClasses = samplesPerClass.length;
  if (numClasses === 0) throw new LossArgumentError(fn, countsArg, 'must list at least one class');
  const effectiveNumbers: number[] = [];
  const raw: number[] = [];
  for (let c = 0; c < numClasses; c += 1) {
    const n = samplesPerClass[c] ?? Number.NaN;
    if (!Number.isInteger(n) || n < 1) {
      throw new LossArgumentError(fn, countsArg, `holds ${n} for class ${c}; every count must be a positive integer`);
    }
    const oneMinusBetaN = 1 - beta ** n;
    effectiveNumbers.push(oneMinusBetaN / (1 - beta));
    raw.push((1 - beta) / oneMinusBetaN);
  }
  const total = raw.reduce((sum, w) => sum + w, 0);
  return {
    weights: raw.map((w) => (w / total) * numClasses),
    effectiveNumbers,
    beta,
    normalization: 'sumToNumClasses',
    feeds: 'classWeights',
  };
}

/**
 * Class-balanced weights by effective number of samples (Cui, Jia, Lin, Song, Belongie, CVPR 2019):
 *
 *     E_c = (1 − β^{n_c}) / (1 − β),     w_c ∝ 1 / E_c = (1 − β) / (1 − β^{n_c}),     Σ_c w_c = C
 *
 * β = 0 gives all-ones (no reweighting); β → 1 approaches inverse class frequency. The official code (and
 * LDAM-DRW's DRW rule) uses β = 0.9999, the default here. Computed in float64, exactly as the reference numpy
 * expression (`richardaecn/class-balanced-loss`, `cifar_main.py`, commit 1d78572; parity vectors `cb_weights.json`).
 * Normalisation `sumToNumClasses`.
 *
 * The weights feed `classWeights` of the softmax/sigmoid/focal losses; {@link classBalancedLoss} applies them the
 * way the official code does.
 *
 * @param samplesPerClass training count of every class (positive integers); see {@link countClasses}.
 * @param options.beta β in [0, 1). Default 0.9999.
 * @throws LossArgumentError for an empty list, a count that is not a positive integer (a class with no samples
 *   would get an infinite weight: drop the class or give it a count of 1 deliberately), or β outside [0, 1).
 */
export function classBalancedWeights(
  samplesPerClass: ArrayLike<number>,
  options: { readonly beta?: number } = {},
): ClassBalancedWeights {
  return effectiveNumberWeights(samplesPerClass, options.beta ?? 0.9999, 'classBalancedWeights', 'samplesPerClass', 'options.beta');
}

/**
 * NumPy's rounding of a float64, `np.round(x, decimals)` (which is also what Python's `round(x, decimals)` does when
 * `x` is a `numpy.float64`, as the ICF reference's `round(1/freq, 2)` is): multiply by `10^decimals`, round to the
 * nearest integer with ties to even (`np.rint`), divide by `10^decimals`, each step in float64. This is NOT
 * Python's correctly rounded `round` on a built-in float: the product can land on a tie (or across one) that the
 * exact value does not, e.g. `1/40 = 0.025` (stored as 0.025000000000000001) gives 0.02 here (`0.025·100 = 2.5`
 * exactly, ties to even) and 0.03 in Python. Negative `decimals` (divide, round, multiply) are not needed and not
 * accepted by the callers. Values whose product reaches 2^52 are already integers and come back unchanged.
 *
 * Reference: NumPy `PyArray_Round` (`numpy/_core/src/multiarray/calculation.c`: `multiply`, `rint`, `true_divide`).
 */
export function roundLikeNumpy(x: number, decimals: number): number {
  const factor = 10 ** decimals; // exact for decimals ≤ 22, as NumPy's power of ten
  const y = x * factor;
  let r = Math.round(y); // ties towards +∞; below, a tie that went to an odd integer moves to the even one
  if (r - y === 0.5 && r % 2 !== 0) r -= 1;
  return r / factor;
}

/**
 * Inverse class frequency normalised to 1 (ICF, the `frequency` weighting of Mock et al., NLBSE'25, for multi-label
 * BCE), exactly as their code:
 *
 *     f_c = 100 · n_c / N   (positive rate of label c in percent),   r_c = round(1 / f_c, 2),   w_c = r_c · (1 / Σ_k r_k)
 *
 * The rounding to 2 decimals is the reference's: its `1/freq` is a `numpy.float64`, so Python's `round` defers to
 * NumPy's multiply-round-divide rule ({@link roundLikeNumpy}), which differs from a correctly rounded `round` on about
 * 0.07 % of (count, N) pairs with N < 3000 (e.g. 2 positives of 5 samples: 1/f = 0.025 → 0.02); turn it off with
 * `roundTo: null`. Normalisation `sumToOne`, so the weights are small (the loss shrinks by about 1/C
 * compared with unweighted BCE — the paper's setting, kept). Feeds `classWeights` of `sigmoidCrossEntropy`.
 *
 * Source: multi-hot rows `{ multiHot }`, or positive counts per label with `{ counts, numSamples }` (N = number of
 * samples); single-label `{ labels, numClasses }` also works (N = number of labels).
 *
 * Reference: `generate_weights` in moritzmock/NLBSE2025 (`transformer/main.py` lines 210–223, commit e905ea4 and later;
 * `MTL/main.py`, commit 09ba2b0).
 *
 * @param options.roundTo decimals of the rounding (integer 0–15), or null for none. Default 2.
 * @throws LossArgumentError naming the label with no positives (its weight would be infinite), a label whose
 *   weight rounds to 0, bad rows or counts, or a bad `roundTo`.
 */
export function inverseClassFrequencyWeights(
  source: ClassCountSource,
  options: { readonly roundTo?: number | null } = {},
): ClassWeights {
  const fn = 'inverseClassFrequencyWeights';
  const roundTo = options.roundTo === undefined ? 2 : options.roundTo;
  if (roundTo !== null && (!Number.isInteger(roundTo) || roundTo < 0 || roundTo > 15)) {
    throw new LossArgumentError(fn, 'options.roundTo', `must be an integer in [0, 15] or null, got ${String(roundTo)}`);
  }
  const { counts, numSamples } = resolveSource(source, fn, true, true);
  const rounded = counts.map((n, c) => {
    const frequency = (n / numSamples) * 100;
    const r = roundTo === null ? 1 / frequency : roundLikeNumpy(1 / frequency, roundTo);
    if (!(r > 0)) {
      throw new LossArgumentError(fn, 'options.roundTo', `rounds the weight of label ${c} (1/${frequency}%) to 0; use more decimals`);
    }
    return r;
  });
  const scale = 1 / rounded.reduce((sum, r) => sum + r, 0);
  return { weights: rounded.map((r) => r * scale), normalization: 'sumToOne', feeds: 'classWeights' };
}

/**
 * Rank-based mirrored frequency (RBF, the `ranked` weighting of Mock et al., NLBSE'25): each label gets the positive
 * rate `f_c = 100 · n_c / N` (percent) of the label at the mirrored rank, so the rarest label gets the largest rate and
 * the most common the smallest. As the reference code:
 *
 *     order  = labels by descending f, ties in label-id order (a stable sort)
 *     rates  = the rates sorted ascending
 *     w_{order[i]} = rates[i]
 *
 * Among tied labels the lower id therefore gets the smaller weight: rates [10, 40, 5, 40] give [40, 5, 40, 10].
 * NOT normalised (normalisation `none`): weights are percentages, O(1–100), which also scales the effective learning
 * rate — as in the paper. Feeds `classWeights` of `sigmoidCrossEntropy`. Sources as {@link inverseClassFrequencyWeights}.
 *
 * Reference: `generate_weights(weighted_loss="ranked")` in moritzmock/NLBSE2025, `transformer/main.py` lines 225–239
 * (added in commit e905ea4); Mock et al., arXiv 2501.15854.
 *
 * @throws LossArgumentError when a label has no positives (the most common label would get weight 0 and never be
 *   learnt; the reference would train it with weight 0), for bad rows or counts.
 */
export function rankBasedFrequencyWeights(source: ClassCountSource): ClassWeights {
  const fn = 'rankBasedFrequencyWeights';
  const { counts, numSamples, countsArg } = resolveSource(source, fn, true, false);
  const frequencies = counts.map((n) => (n / numSamples) * 100);
  // Array.prototype.sort is stable (ES2019), as Python's sorted(…, reverse=True): ties keep label-id order.
  const order = frequencies.map((_, c) => c).sort((a, b) => (frequencies[b] ?? 0) - (frequencies[a] ?? 0));
  const ascending = [...frequencies].sort((a, b) => a - b);
  const empty = counts.findIndex((n) => n === 0);
  if (empty >= 0) {
    throw new LossArgumentError(
      fn,
      countsArg,
      `gives label ${empty} no positives, so the most common label (${order[0] ?? 0}) would get weight 0`,
    );
  }
  const weights = new Array<number>(counts.length).fill(0);
  order.forEach((label, i) => {
    weights[label] = ascending[i] ?? 0;
  });
  return { weights, normalization: 'none', feeds: 'classWeights' };
}

/** Options of {@link computeClassWeights}. */
export interface ClassWeightOptions {
  /** β of `effectiveNumber` (default 0.9999). */
  readonly beta?: number;
  /** Rounding decimals of `icf` (default 2, the reference's; null: none). */
  readonly roundTo?: number | null;
}

/**
 * One entry point for every class-weight strategy:
 *
 * | strategy               | weights                                   | normalization     | data                      |
 * |------------------------|-------------------------------------------|-------------------|---------------------------|
 * | `inverseFrequency`     | `N / (K·n_c)` (scikit-learn "balanced")   | `sampleMeanOne`   | single-label              |
 * | `sqrtInverseFrequency` | `∝ 1/√n_c`                                | `sampleMeanOne`   | single-label              |
 * | `effectiveNumber`      | `∝ (1 − β)/(1 − β^{n_c})` (Cui et al.)     | `sumToNumClasses` | single-label (counts ≥ 1) |
 * | `icf`                  | `round(1/f_c, 2)`, f in percent (NLBSE'25)  | `sumToOne`        | multi-label or single     |
 * | `rbf`                  | rate of the mirrored-rank label (NLBSE'25)  | `none`            | multi-label or single     |
 *
 * Every result says how it is normalised and which option it feeds (`classWeights`).
 *
 * @throws LossArgumentError for an unknown strategy or anything the strategy itself rejects.
 */
export function computeClassWeights(
  strategy: ClassWeightStrategy,
  source: ClassCountSource,
  options: ClassWeightOptions = {},
): ClassWeights {
  switch (strategy) {
    case 'inverseFrequency':
      return inverseFrequencyWeights(source);
    case 'sqrtInverseFrequency':
      return sqrtInverseFrequencyWeights(source);
    case 'effectiveNumber': {
      const fn = 'computeClassWeights';
      const { counts } = resolveSource(source, fn, false, false);
      return effectiveNumberWeights(counts, options.beta ?? 0.9999, fn, 'source', 'options.beta');
    }
    case 'icf':
      return inverseClassFrequencyWeights(source, options.roundTo === undefined ? {} : { roundTo: options.roundTo });
    case 'rbf':
      return rankBasedFrequencyWeights(source);
    default:
      throw new LossArgumentError(
        'computeClassWeights',
        'strategy',
        `must be one of ${CLASS_WEIGHT_STRATEGIES.map((s) => `'${s}'`).join(', ')}, got '${String(strategy)}'`,
      );
  }
}
