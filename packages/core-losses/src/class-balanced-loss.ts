import * as tf from '@tensorflow/tfjs-core';

import { effectiveNumberWeights } from './class-weights.js';
import { LossArgumentError } from './errors.js';
import { prepareWeights, resolveReduction, type WeightingOptions } from './reduction.js';
import { sigmoidCrossEntropy } from './sigmoid-cross-entropy.js';
import { sigmoidFocalLoss } from './sigmoid-focal.js';
import { softmaxCrossEntropy } from './softmax-cross-entropy.js';
import { checkNumberOption, toClassIdInputs, type TensorInput } from './validation.js';

const LOSS = 'classBalancedLoss';

/** The three losses of the official class-balanced code (`--loss_type`). */
export type ClassBalancedLossType = 'softmax' | 'sigmoid' | 'focal';

const LOSS_TYPES: readonly ClassBalancedLossType[] = ['softmax', 'sigmoid', 'focal'];

/** Options of {@link classBalancedLoss}. */
export interface ClassBalancedLossOptions extends WeightingOptions {
  /** Training count of every class (positive integers), in class-id order; its length must equal C. Required. */
  readonly samplesPerClass: ArrayLike<number>;
  /** β ∈ [0, 1) of the effective number. Default 0.9999 (the official scripts; β = 0 gives unweighted losses). */
  readonly beta?: number;
  /** `softmax` (default, the official flag default), `sigmoid` (one-vs-all BCE) or `focal` (sigmoid focal). */
  readonly lossType?: ClassBalancedLossType;
  /** Focusing γ ≥ 0 of `focal` (only valid there). Default 1 (the official flag default and CIFAR script). */
  readonly gamma?: number;
}

function classBalancedLoss_(
  targets: TensorInput,
  logits: TensorInput,
  options: ClassBalancedLossOptions,
): tf.Tensor {
  if (options === undefined || options === null || options.samplesPerClass === undefined) {
    throw new LossArgumentError(LOSS, 'options.samplesPerClass', 'is required (the training count of every class)');
  }
  const lossType = options.lossType ?? 'softmax';
  if (!LOSS_TYPES.includes(lossType)) {
    throw new LossArgumentError(LOSS, 'options.lossType', `must be one of ${LOSS_TYPES.map((t) => `'${t}'`).join(', ')}, got '${String(lossType)}'`);
  }
  const reduction = resolveReduction(options, 'mean', LOSS);
  const validate = options.validate ?? true;
  const { weights: classWeightValues } = effectiveNumberWeights(
    options.samplesPerClass,
    options.beta ?? 0.9999,
    LOSS,
    'options.samplesPerClass',
    'options.beta',
  );
  let gamma = 0;
  if (lossType === 'focal') {
    gamma = checkNumberOption(options.gamma ?? 1, (v) => v >= 0 && Number.isFinite(v), 'a finite number >= 0', 'options.gamma', LOSS);
  } else if (options.gamma !== undefined) {
    throw new LossArgumentError(LOSS, 'options.gamma', `only applies to lossType 'focal', not '${lossType}'`);
  }

  const { logits: x, labels, batch, numClasses } = toClassIdInputs(targets, logits, LOSS, validate);
  if (classWeightValues.length !== numClasses) {
    throw new LossArgumentError(
      LOSS,
      'options.samplesPerClass',
      `lists ${classWeightValues.length} classes but 'logits' has ${numClasses} (shape [${x.shape.join(',')}])`,
    );
  }
  const classWeights = tf.tensor1d([...classWeightValues], 'float32');
  // Everything is checked here (errors name this loss), so the composed losses run with validate: false.
  const inner = { reduction, validate: false, ...(options.avgFactor === undefined ? {} : { avgFactor: options.avgFactor }) };

  if (lossType === 'softmax') {
    // Σ_i s_i·w_{y_i}·CE_i / B with `mean`: TF's SUM_BY_NONZERO_WEIGHTS with all-positive weights.
    const sampleWeights = prepareWeights(options.weights, [batch], LOSS, validate);
    return softmaxCrossEntropy(labels, x, { ...inner, classWeights, ...(sampleWeights === undefined ? {} : { weights: sampleWeights }) });
  }
  // sigmoid / focal: the example weight w_{y_i} multiplies all C terms of its row; `mean` divides by the number of
  // positive labels, Σ onehot = B for class-id targets.
  const userWeights = prepareWeights(options.weights, [batch, numClasses], LOSS, validate);
  const rowWeights = tf.reshape(tf.gather(classWeights, labels), [batch, 1]);
  const weights = userWeights === undefined ? rowWeights : tf.mul(rowWeights, userWeights);
  const oneHot = tf.cast(tf.oneHot(labels, numClasses), 'float32');
  const perPositive = reduction === 'mean' && options.avgFactor === undefined && batch > 0 ? { avgFactor: batch } : {};
  if (lossType === 'sigmoid') return sigmoidCrossEntropy(oneHot, x, { ...inner, ...perPositive, weights });
  // The official modulator exp(−γ·y·x − γ·log1p(e^{−x})) equals (1 − p_t)^γ for 0/1 labels, so this is the sigmoid
  // focal loss without α (the class-balanced weight replaces α).
  return sigmoidFocalLoss(oneHot, x, { ...inner, ...perPositive, weights, alpha: null, gamma });
}

/**
 * Class-balanced loss (Cui, Jia, Lin, Song, Belongie, CVPR 2019), exactly as the official TensorFlow code: every
 * example is weighted by the effective-number weight of its class, `w_c ∝ (1 − β)/(1 − β^{n_c})`, `Σ_c w_c = C`
 * (see {@link classBalancedWeights}), and
 *
 *     softmax:  Σ_i w_{y_i} · CE(x_i, y_i) / B
 *     sigmoid:  Σ_{i,c} w_{y_i} · BCE(x_ic, onehot_ic) / Σ onehot            (= / B; negatives weighted too)
 *     focal:    Σ_{i,c} w_{y_i} · (1 − p_t)^γ · BCE(x_ic, onehot_ic) / Σ onehot   (no α: w replaces it)
 *
 * Composed from {@link softmaxCrossEntropy}, {@link sigmoidCrossEntropy} and {@link sigmoidFocalLoss} (no maths
 * duplicated). Reduction default: `mean` = the official normalisation above — by the batch for softmax (TF's
 * `SUM_BY_NONZERO_WEIGHTS`, NOT PyTorch's weighted mean Σ w·CE / Σ w: use `reduction: 'sumOverWeights'` for that),
 * by the number of positive labels for sigmoid/focal. `sum` gives the numerator, `none` the weighted terms (`[B]` for
 * softmax, `[B, C]` for sigmoid/focal), `avgFactor` replaces the denominator (e.g. positives over all devices).
 * `options.weights` (sample or element weights) multiply the class-balanced weights.
 *
 * Shapes: `logits` `[B, C]`, `targets` class ids `[B]`, `samplesPerClass` of length C. Defaults: `lossType`
 * `softmax`, `beta` 0.9999, `gamma` 1 (focal). For sigmoid/focal the official model also initialises the last bias to
 * `−log(C − 1)` and exempts it from weight decay — model choices, not part of the loss.
 *
 * Reference: `_tower_fn` and `focal_loss` in richardaecn/class-balanced-loss `src/cifar_main.py` (commit 1d78572);
 * parity vectors `cb_softmax.json`, `cb_sigmoid.json`, `cb_focal.json`. (The widely copied vandit15 PyTorch port
 * defines "softmax" differently — BCE on softmax probabilities — and is not what this implements.)
 *
 * @throws LossArgumentError naming the argument for a missing or bad `samplesPerClass` (a class with no samples
 *   would get an infinite weight), `beta` outside [0, 1), an unknown `lossType`, a negative `gamma` (or any `gamma`
 *   outside focal), shape mismatches, class ids out of range, NaN/Inf logits or negative weights.
 */
export const classBalancedLoss = tf.op({ classBalancedLoss_ });
