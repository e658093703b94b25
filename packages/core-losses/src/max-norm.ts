import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import { checkNumberOption, toFloatTensor, type TensorInput } from './validation.js';

/** Which axis of a kernel indexes the classes (output units) whose weight vectors are normed. */
export interface ClassAxisOptions {
  /**
   * Default -1 (the last axis): a tfjs dense kernel is `[features, classes]`, so a class's weight vector (a *row* of
   * PyTorch's `nn.Linear.weight`, `[classes, features]`) is a *column* here; conv kernels `[h, w, in, out]` norm each
   * output channel over `h, w, in`. Use 0 for a matrix stored `[classes, features]`.
   */
  readonly classAxis?: number;
}

/** Options of {@link maxNormThreshold}. */
export interface MaxNormThresholdOptions extends ClassAxisOptions {
  /** The fraction `thresh` in `min + thresh·(max − min)`. Default 0.1 (Alshammari et al.'s code). */
  readonly thresh?: number;
}

function resolveClassAxis(kernel: tf.Tensor, options: ClassAxisOptions, name: string): number {
  if (kernel.rank < 2) {
    throw new LossArgumentError(name, 'kernel', `must have rank >= 2 (a weight matrix or conv kernel), got rank ${kernel.rank}; biases are never projected`);
  }
  const axis = options.classAxis ?? -1;
  if (!Number.isInteger(axis) || axis < -kernel.rank || axis >= kernel.rank) {
    throw new LossArgumentError(name, 'options.classAxis', `must be an integer in [${-kernel.rank}, ${kernel.rank - 1}], got ${String(axis)}`);
  }
  return axis < 0 ? axis + kernel.rank : axis;
}

function otherAxes(rank: number, axis: number): number[] {
  return Array.from({ length: rank }, (_, i) => i).filter((i) => i !== axis);
}

/** Per-class L2 norms `‖w_c‖₂` of a kernel, shape `[numClasses]` (float32). See {@link ClassAxisOptions}. */
function classNorms_(kernel: TensorInput, options: ClassAxisOptions = {}): tf.Tensor1D {
  const k = toFloatTensor(kernel, 'kernel', 'classNorms');
  const axis = resolveClassAxis(k, options, 'classNorms');
  return tf.sqrt(tf.sum(tf.square(k), otherAxes(k.rank, axis))) as tf.Tensor1D;
}

/**
 * Per-class L2 norms of a classifier kernel: `‖w_c‖₂` over every axis but the class axis, shape `[numClasses]`
 * (float32). With the default `classAxis: -1`, the norms of the columns of a tfjs `[features, classes]` dense kernel.
 * @throws LossArgumentError for a kernel of rank < 2 or a class axis out of range.
 */
export const classNorms = tf.op({ classNorms_ });

/**
 * The MaxNorm threshold of weight balancing (Alshammari, Wang, Ramanan, Kong, CVPR 2022,
 * `ShadeAlsha/LTR-weight-balancing` @11f438a, `utils/regularizers.py` `MaxNorm_via_PGD.setPerLayerThresh`; kept by
 * Hasegawa & Sato, ICLR 2024, `HN410/Exploring-Weight-Balancing-on-Long-Tailed-Recognition-Problem` @021c0bd):
 *
 *     t = min_c ‖w_c‖₂ + thresh · (max_c ‖w_c‖₂ − min_c ‖w_c‖₂)      default thresh = 0.1
 *
 * over the per-class weight norms ({@link classNorms}). The reference computes it ONCE, from the stage-1 classifier
 * before the second (classifier-only) stage starts (`pgdFunc.setPerLayerThresh(model)` in `demo2`), and keeps it for
 * every later projection; compute it there and pass the number to {@link applyMaxNorm} each epoch. Recomputing it
 * every epoch from the current norms is a different rule: after a projection the largest norm equals the old
 * threshold, so the cap would fall every epoch towards the smallest class norm. Computed in float64 from the float32
 * norms.
 * @throws LossArgumentError for a kernel of rank < 2, a bad class axis, or `thresh` not finite or negative.
 */
export function maxNormThreshold(kernel: TensorInput, options: MaxNormThresholdOptions = {}): number {
  const name = 'maxNormThreshold';
  const thresh = checkNumberOption(options.thresh ?? 0.1, (v) => Number.isFinite(v) && v >= 0, 'a finite number >= 0', 'options.thresh', name);
  const k = toFloatTensor(kernel, 'kernel', name);
  try {
    resolveClassAxis(k, options, name);
    const norms = tf.tidy(() => classNorms(k, options).dataSync());
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const n of norms) {
      if (!Number.isFinite(n)) throw new LossArgumentError(name, 'kernel', `has a non-finite class norm ${n}`);
      min = Math.min(min, n);
      max = Math.max(max, n);
    }
    return min + thresh * (max - min);
  } finally {
    if (k !== kernel) k.dispose();
  }
}

function checkThreshold(threshold: number, name: string): number {
  return checkNumberOption(threshold, (v) => Number.isFinite(v) && v >= 0, 'a finite number >= 0', 'threshold', name);
}

function maxNormProjection_(kernel: TensorInput, threshold: number, options: ClassAxisOptions = {}): tf.Tensor {
  const name = 'maxNormProjection';
  const t = checkThreshold(threshold, name);
  const k = toFloatTensor(kernel, 'kernel', name);
  const axis = resolveClassAxis(k, options, name);
  const broadcast = k.shape.map((size, i) => (i === axis ? size : 1));
  const norms = tf.reshape(classNorms(k, { classAxis: axis }), broadcast);
  // Rows at or below the threshold are multiplied by exactly 1 (bitwise unchanged), as the reference's index mask.
  const scale = tf.where(tf.greater(norms, t), tf.div(tf.scalar(t), norms), tf.onesLike(norms));
  return tf.mul(k, scale);
}

/**
 * MaxNorm projection of weight balancing (Alshammari et al., CVPR 2022, `ShadeAlsha/LTR-weight-balancing` @11f438a,
 * `MaxNorm_via_PGD.PGD`, called once per epoch by `utils/trainval.py` after the training phase): every class weight
 * vector whose L2 norm exceeds `threshold` is rescaled onto the ball of that radius, the others are returned unchanged
 * (bitwise):
 *
 *     w_c ← w_c · t / ‖w_c‖₂   if ‖w_c‖₂ > t,   else w_c
 *
 * Returns a new tensor of the kernel's shape; {@link applyMaxNorm} writes it into a variable. The reference projects
 * the classifier weight only (its bias has an infinite threshold), once per epoch after the training phase and
 * before evaluation, during its second stage. Get `threshold` from {@link maxNormThreshold}.
 * @throws LossArgumentError for a kernel of rank < 2, a bad class axis, or a threshold not finite or negative.
 */
export const maxNormProjection = tf.op({ maxNormProjection_ });

/**
 * Projects a classifier variable in place: `variable.assign(maxNormProjection(variable, threshold, options))`,
 * disposing the intermediate. Call it once per epoch after the training steps (the reference's placement; with
 * `@counterweight/runtime`'s `train()`, in `callbacks.onTrainPhaseEnd`).
 */
export function applyMaxNorm(variable: tf.Variable, threshold: number, options: ClassAxisOptions = {}): void {
  if (!(variable instanceof tf.Variable)) throw new LossArgumentError('applyMaxNorm', 'variable', 'must be a tf.Variable');
  const projected = maxNormProjection(variable, threshold, options);
  try {
    variable.assign(projected);
  } finally {
    projected.dispose();
  }
}
