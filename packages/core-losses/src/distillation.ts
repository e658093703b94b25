import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import { computeWeightedLoss, prepareWeights, resolveReduction, type WeightingOptions } from './reduction.js';
import { softplus } from './stable-math.js';
import { assertFinite, assertSameShape, checkNumberOption, toFloatTensor, type TensorInput } from './validation.js';

/** Options of {@link distillationKL}. */
export interface DistillationKLOptions extends WeightingOptions {
  /** Temperature T > 0 applied to both logits. Default 4 (`--kd_T` of the DHKD / CRD training scripts). */
  readonly temperature?: number;
}

/** Options of {@link dualHeadBinaryKL}. */
export interface DualHeadBinaryKLOptions extends WeightingOptions {
  /** Temperature T > 0 of the logit difference. Default 2 (`--BinaryKL_T` of DHKD). */
  readonly temperature?: number;
}

function checkPair(
  teacherLogits: TensorInput,
  studentLogits: TensorInput,
  options: WeightingOptions & { readonly temperature?: number },
  defaultTemperature: number,
  loss: string,
) {
  const reduction = resolveReduction(options, 'mean', loss);
  const validate = options.validate ?? true;
  const teacher = toFloatTensor(teacherLogits, 'teacherLogits', loss);
  const student = toFloatTensor(studentLogits, 'studentLogits', loss);
  if (student.rank < 2) {
    throw new LossArgumentError(loss, 'studentLogits', `must have rank >= 2 ([B, C] or [..., C]), got shape [${student.shape.join(',')}]`);
  }
  assertSameShape(teacher, student, 'teacherLogits', 'studentLogits', loss);
  if (validate) {
    assertFinite(teacher, 'teacherLogits', loss);
    assertFinite(student, 'studentLogits', loss);
  }
  const temperature = checkNumberOption(
    options.temperature ?? defaultTemperature,
    (v) => v > 0 && Number.isFinite(v),
    'a finite number > 0',
    'options.temperature',
    loss,
  );
  const weights = prepareWeights(options.weights, student.shape.slice(0, -1), loss, validate);
  return { reduction, teacher, student, temperature, weights };
}

function distillationKL_(
  teacherLogits: TensorInput,
  studentLogits: TensorInput,
  options: DistillationKLOptions = {},
): tf.Tensor {
  const { reduction, teacher, student, temperature, weights } = checkPair(teacherLogits, studentLogits, options, 4, 'distillationKL');
  const logPt = tf.logSoftmax(tf.div(teacher, temperature));
  const logPs = tf.logSoftmax(tf.div(student, temperature));
  // p_t·(log p_t − log p_s); an underflowed p_t = 0 gives 0 (torch's kl_div uses xlogy, likewise 0).
  const perRow = tf.mul(tf.sum(tf.mul(tf.exp(logPt), tf.sub(logPt, logPs)), -1), temperature * temperature);
  return computeWeightedLoss(perRow, weights, reduction, options.avgFactor);
}

/**
 * Temperature-scaled knowledge-distillation loss (Hinton, Vinyals, Dean, 2015), the KL divergence from the teacher's
 * to the student's softened distribution:
 *
 *     l_i = T² · Σ_j p^t_ij · (log p^t_ij − log p^s_ij),     p^t = softmax(z_t / T),  p^s = softmax(z_s / T)
 *
 * The `T²` factor keeps the gradient scale `T·(p^s − p^t)` comparable across temperatures. Both log-probabilities
 * come from `logSoftmax` (no `log(softmax)`), so logits of ±50 and tiny teacher probabilities are safe.
 *
 * Shapes: `teacherLogits` and `studentLogits` `[B, C]` (or `[..., C]`, one row per leading index), same shape.
 * Default T = 4. Reduction default: `mean` over rows = `Σ_i l_i / B`, the reference's `kl_div(size_average=False)
 * · T² / batch size` (a batch mean, NOT the element mean of `kl_div(reduction='mean')`); `sum`, `none` (per-row
 * `l_i`) and row `weights` (`[B]`) as everywhere. The teacher is a target: differentiate with respect to the student.
 *
 * Reference: `DistillKL` in penghui-yang/DHKD `distiller_zoo/KD.py` (commit
 * c088f51eaecbf79bc5c8775b07e840ce14332829), itself from the CRD repository.
 *
 * @throws LossArgumentError naming the argument when the logits differ in shape, have rank < 2 or hold NaN/Inf, or
 *   for a temperature that is not a positive finite number, or bad weights.
 */
export const distillationKL = tf.op({ distillationKL_ });

// log cosh(x) = Σ_n c_n x^{2n} for |x| < ½ (coefficients 2^{2n}(2^{2n}−1)B_{2n} / (2n·(2n)!), 8 terms: relative error
// < 1e-9 at ½), and |x| + log(1 + e^{−2|x|}) − log 2 above, where that difference no longer cancels.
const LOGCOSH_SERIES = [1 / 2, -1 / 12, 1 / 45, -17 / 2520, 31 / 14175, -691 / 935550, 10922 / 42567525, -929569 / 10216206000];
const SERIES_LIMIT = 0.5;

const logCoshWithGrad = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  save([x]);
  const ax = tf.abs(x);
  const u = tf.minimum(tf.square(x), SERIES_LIMIT * SERIES_LIMIT);
  let poly: tf.Tensor = tf.scalar(LOGCOSH_SERIES[LOGCOSH_SERIES.length - 1] ?? 0);
  for (let n = LOGCOSH_SERIES.length - 2; n >= 0; n -= 1) poly = tf.add(tf.mul(poly, u), LOGCOSH_SERIES[n] ?? 0);
  const series = tf.mul(poly, u);
  const large = tf.sub(tf.add(ax, softplus(tf.mul(ax, -2))), Math.LN2);
  return {
    value: tf.where(tf.less(ax, SERIES_LIMIT), series, large),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(dy, tf.tanh(saved[0] as tf.Tensor))],
  };
});

function dualHeadBinaryKL_(
  teacherLogits: TensorInput,
  studentLogits: TensorInput,
  options: DualHeadBinaryKLOptions = {},
): tf.Tensor {
  const { reduction, teacher, student, temperature, weights } = checkPair(teacherLogits, studentLogits, options, 2, 'dualHeadBinaryKL');
  // KL(Bern(½) ‖ Bern(σ(d))) = −log 2 − ½·(log σ(d) + log σ(−d)) = log cosh(d/2),  d = (z_s − z_t)/T.
  const halfDiff = tf.div(tf.sub(student, teacher), 2 * temperature);
  const perRow = tf.mul(tf.sum(logCoshWithGrad(halfDiff), -1), temperature * temperature);
  return computeWeightedLoss(perRow, weights, reduction, options.avgFactor);
}

/**
 * The binary KL on logit differences that trains the auxiliary head of Dual-Head Knowledge Distillation (Yang, Zong,
 * Huang, Feng, An, 2024; `BinaryKLNorm`): per class, the KL divergence from Bernoulli(½) to Bernoulli(σ(d)), with
 * `d = (z_s − z_t)/T`, which is zero exactly when the student's logit equals the teacher's:
 *
 *     l_i = T² · Σ_j [ −log 2 − ½·log σ(d_ij) − ½·log σ(−d_ij) ] = T² · Σ_j log cosh(d_ij / 2)
 *
 * computed as `log cosh` (series near 0, so a tiny loss keeps its relative precision) with the exact gradient
 * `∂l_i/∂z_s,ij = (T/2)·tanh(d_ij/2)`. In DHKD only the auxiliary head `h2` gets this loss (weight α: 1 on CIFAR,
 * 0.1 on ImageNet); the main head gets plain cross-entropy and is the one used at test time.
 *
 * Shapes: `teacherLogits`, `studentLogits` `[B, C]` (or `[..., C]`), same shape. Default T = 2. Reduction default:
 * `mean` over rows = `Σ_i l_i / B`, the reference's `T² · loss.sum() / N` (sum over classes, divided by the batch
 * size, not by B·C); `sum`, `none` (per-row `l_i`) and row `weights` as everywhere.
 *
 * Differs from the reference only where |d| > 18.4 (|z_s − z_t| > 36.8 at T = 2): there the reference clamps σ(d)
 * to [1e-8, 1 − 1e-8], which caps the value and zeroes part of the gradient (and in float32, where 1 − 1e-8 rounds
 * to 1 and σ(d) reaches 1 from d ≈ 16.6 on, gives +∞); here the exact KL is used, so values and gradients stay
 * finite at logits of ±50.
 *
 * Reference: `BinaryKLNorm` in penghui-yang/DHKD `distiller_zoo/BinaryKLNorm.py`, used for the auxiliary head in
 * `helper/loops.py` (`--distill dhkd`) (commit c088f51eaecbf79bc5c8775b07e840ce14332829).
 *
 * @throws LossArgumentError as {@link distillationKL}.
 */
export const dualHeadBinaryKL = tf.op({ dualHeadBinaryKL_ });
