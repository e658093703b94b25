import { LossArgumentError } from './errors.js';

const NAME = 'classBalancedWeights';

/** Per-class weights together with what they mean and where they go. */
export interface ClassWeights {
  /** One weight per class, in class-id order (float64). */
  readonly weights: readonly number[];
  /** How the weights are scaled. `sumToNumClasses`: Σ_c w_c = C (so the average class weight is 1). */
  readonly normalization: 'sumToNumClasses';
  /** The loss option these weights are meant for. */
  readonly feeds: 'classWeights';
}

/** Result of {@link classBalancedWeights}: the weights and the effective numbers they come from. */
export interface ClassBalancedWeights extends ClassWeights {
  /** Effective number of samples per class, `E_n = (1 − β^n) / (1 − β)`. */
  readonly effectiveNumbers: readonly number[];
  /** The β used. */
  readonly beta: number;
}

/**
 * Counts how many samples each class has, from integer labels in [0, numClasses).
 * @throws LossArgumentError naming the position of a label that is not an integer in range.
 */
export function countClasses(labels: ArrayLike<number>, numClasses: number): number[] {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new LossArgumentError('countClasses', 'numClasses', `must be a positive integer, got ${numClasses}`);
  }
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i += 1) {
    const label = labels[i] ?? Number.NaN;
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
      throw new LossArgumentError('countClasses', 'labels', `holds ${label} at index ${i}, not a class id in [0, ${numClasses - 1}]`);
    }
    counts[label] = (counts[label] ?? 0) + 1;
  }
  return counts;
}

/**
 * Class-balanced weights by effective number of samples (Cui, Jia, Lin, Song, Belongie, CVPR 2019):
 *
 *     E_c = (1 − β^{n_c}) / (1 − β),     w_c ∝ 1 / E_c = (1 − β) / (1 − β^{n_c}),     Σ_c w_c = C
 *
 * β = 0 gives all-ones (no reweighting); β → 1 approaches inverse class frequency. The official code (and
 * LDAM-DRW's DRW rule) uses β = 0.9999, the default here. Computed in float64, exactly as the reference numpy
 * expression (`richardaecn/class-balanced-loss`, `cifar_main.py`; parity vectors `cb_weights.json`).
 *
 * The weights feed `classWeights` of the softmax/sigmoid/focal losses.
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
  const beta = options.beta ?? 0.9999;
  if (typeof beta !== 'number' || !(beta >= 0 && beta < 1)) {
    throw new LossArgumentError(NAME, 'options.beta', `must lie in [0, 1), got ${String(beta)}`);
  }
  const numClasses = samplesPerClass.length;
  if (numClasses === 0) throw new LossArgumentError(NAME, 'samplesPerClass', 'must list at least one class');
  const effectiveNumbers: number[] = [];
  const raw: number[] = [];
  for (let c = 0; c < numClasses; c += 1) {
    const n = samplesPerClass[c] ?? Number.NaN;
    if (!Number.isInteger(n) || n < 1) {
      throw new LossArgumentError(NAME, 'samplesPerClass', `holds ${n} for class ${c}; every count must be a positive integer`);
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
