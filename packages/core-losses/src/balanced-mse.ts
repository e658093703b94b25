import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import { resolveReduction, type WeightingOptions } from './reduction.js';
import { reduceRegressionLosses, toRegressionInputs } from './regression-inputs.js';
import { logSoftmax, stopGradient } from './stable-math.js';
import { checkNumberOption, type TensorInput } from './validation.js';

const LOSS = 'balancedMseLoss';
/** A masked column sits this far below its row's largest logit: e^{−200} is 0 in float32. */
const MASKED_GAP = 200;
const FLOAT32_LOWEST = -3.4028234663852886e38;

/** Options of {@link balancedMseLoss}. */
export interface BalancedMseLossOptions extends WeightingOptions {
  /**
   * The noise scale σ > 0 of the Gaussian likelihood: a number (fixed), or a scalar tensor — a `tf.Variable` makes it
   * learnable (the reference trains it with its own learning rate, 1e-2). Default 1 (the reference's
   * `--init_noise_sigma`).
   */
  readonly noiseSigma?: number | tf.Tensor;
  /** Observed targets `[B]` (1) and missing ones (0, possibly NaN targets): dropped as rows and as batch labels. */
  readonly mask?: TensorInput;
}

/** The last B×B identity built (its values only, no tensor, so nothing outlives a call); rebuilt when B changes. */
let identityValues: { readonly batch: number; readonly values: Float32Array } | undefined;

/**
 * `tf.eye(batch)` with the same values, its JavaScript fill done once per batch size: training calls the loss with
 * one batch size, and `tf.eye` filling a B×B buffer on every call cost ~0.5 ms more at B = 256 on wasm (one-off
 * micro-timing of eye·x summed against this, shared machine). Values identical to `tf.eye`.
 */
function identityMatrix(batch: number): tf.Tensor2D {
  if (identityValues?.batch !== batch) {
    const values = new Float32Array(batch * batch);
    for (let i = 0; i < batch; i += 1) values[i * batch + i] = 1;
    identityValues = { batch, values };
  }
  // a copy: a backend may keep the array it is given as the tensor's storage
  return tf.tensor2d(identityValues.values.slice(), [batch, batch]);
}

/**
 * The largest logit of each row over the observed labels (`keep` = 1), `[K, B, 1]`, as a constant for the gradient.
 * Computed inside a custom-gradient op whose gradient is zero, so the backward pass does not run `max`'s gradient
 * (an `equal` over the whole [B, B] matrix) only to multiply it by zero, as `stopGradient(tf.max(…))` would.
 */
const observedRowMax = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [logits, keep] = args as [tf.Tensor, tf.Tensor];
  return {
    value: tf.max(tf.add(tf.mul(logits, keep), tf.mul(tf.sub(1, keep), FLOAT32_LOWEST)), -1, true),
    gradFunc: () => [tf.zerosLike(logits), tf.zerosLike(keep)],
  };
});

function balancedMseLoss_(targets: TensorInput, predictions: TensorInput, options: BalancedMseLossOptions = {}): tf.Tensor {
  const reduction = resolveReduction(options, 'mean', LOSS);
  const validate = options.validate ?? true;
  const { targets: y, predictions: p, mask } = toRegressionInputs(targets, predictions, options.mask, LOSS, validate);
  const batch = p.shape[0] ?? 0;
  if (!(p.rank === 1 || p.rank === 2)) {
    throw new LossArgumentError(LOSS, 'predictions', `must be [B] or [B, K] (K independent targets per sample), got [${p.shape.join(',')}]`);
  }
  const columns = p.rank === 2 ? (p.shape[1] ?? 1) : 1;
  let sigma: tf.Tensor;
  if (options.noiseSigma instanceof tf.Tensor) {
    if (options.noiseSigma.size !== 1) throw new LossArgumentError(LOSS, 'options.noiseSigma', `must be a scalar tensor, got shape [${options.noiseSigma.shape.join(',')}]`);
    sigma = tf.reshape(options.noiseSigma, []);
    if (validate) {
      const v = sigma.dataSync()[0] ?? Number.NaN;
      if (!(v > 0) || !Number.isFinite(v)) throw new LossArgumentError(LOSS, 'options.noiseSigma', `must be finite and > 0, got ${v}`);
    }
  } else {
    sigma = tf.scalar(checkNumberOption(options.noiseSigma ?? 1, (v) => v > 0 && Number.isFinite(v), 'a finite number > 0', 'options.noiseSigma', LOSS));
  }
  const noiseVar = tf.square(sigma);
  // One [B, B] problem per target column k, stacked as [K, B, B] (missing targets are already 0, see toRegressionInputs).
  const byColumn = (t: tf.Tensor): tf.Tensor => tf.transpose(tf.reshape(t, [batch, columns]));
  const column = tf.reshape(byColumn(p), [columns, batch, 1]);
  const row = tf.reshape(byColumn(y), [columns, 1, batch]);
  // ℓ_kij = −(ŷ_ik − y_jk)² / (2σ²): the Gaussian log-likelihood of batch label j under prediction i, per column k
  let logits = tf.div(tf.mul(-0.5, tf.square(tf.sub(column, row))), noiseVar);
  if (mask !== undefined) {
    // Masked labels j are set to (row max over observed labels) − MASKED_GAP by arithmetic on [K, 1, B] row vectors
    // (`ℓ·m + (1 − m)·c` is exactly ℓ where m = 1 and c where m = 0, ℓ being finite), which broadcasts natively; a
    // `where` over broadcast [B, B] copies cost ~4× the whole unmasked loss on wasm.
    const keep = tf.reshape(byColumn(tf.cast(tf.greater(mask, 0), 'float32')), [columns, 1, batch]);
    const drop = tf.sub(1, keep);
    const rowMax = observedRowMax(logits, keep);
    logits = tf.add(tf.mul(logits, keep), tf.mul(drop, tf.sub(rowMax, MASKED_GAP)));
  }
  // CE of row i with label i, then × 2σ² (detached) to bring it back to the MSE scale
  const ce = tf.neg(tf.sum(tf.mul(identityMatrix(batch), logSoftmax(logits)), -1));
  const scaled = tf.mul(tf.transpose(ce), stopGradient(tf.mul(2, noiseVar)));
  const losses = p.rank === 1 ? tf.reshape(scaled, [batch]) : scaled;
  return reduceRegressionLosses(losses, mask === undefined ? undefined : tf.reshape(mask, losses.shape), options, reduction, LOSS, validate);
}

/**
 * Balanced MSE (Ren, Zhang, Yeo, Liu, CVPR 2022), batch-based Monte-Carlo form (BMC): the training label
 * distribution is estimated by the batch's own labels, so the loss is a cross-entropy over the batch
 *
 *     ℓ_ij = −(ŷ_i − y_j)² / (2σ²),   l_i = 2σ²·(log Σ_j e^{ℓ_ij} − ℓ_ii)      (2σ² detached)
 *
 * which is `(ŷ_i − y_i)² + 2σ²·log Σ_j e^{−(ŷ_i − y_j)²/(2σ²)}`: MSE minus a smoothed log-density of the labels at
 * ŷ_i, so crowded label regions stop pulling predictions. Limits: for σ small against the label spread but large
 * against the batch's label spacing it ranks predictors like MSE; for σ below the spacing it tends to
 * `(ŷ_i − y_i)² − min_j (ŷ_i − y_j)²` (0 for a prediction nearest its own label), so keep σ near the noise level.
 *
 * Shapes: `predictions` and `targets` `[B]` (or `[B, 1]`), or `[B, K]` for K independent targets: each column is its
 * own BMC over the batch's labels of that column (computed together as `[K, B, B]`; an extension of this package — the
 * reference has one target per sample; `mean` then averages over all B·K elements). Side inputs by name: `noiseSigma`
 * (number, or a scalar `tf.Variable` to learn it: its gradient flows through the cross-entropy, not through the
 * detached 2σ²), `mask` (shaped like `predictions`: missing targets leave the row and their column's label set),
 * `weights` (`[B]` for `[B]` predictions, `[B, K]` for `[B, K]`). Reduction default `mean` over the batch (the
 * reference's `F.cross_entropy` mean); stable for any error size (log-softmax, no exponent overflows).
 *
 * Reference: `bmc_loss` / `BMCLoss` of jiawei-ren/BalancedMSE `imdb-wiki-dir/balanaced_mse.py` (8685916).
 * @throws LossArgumentError naming the argument for shapes other than `[B]` / `[B, K]`, σ ≤ 0 or not a scalar, and
 *   the checks of the point losses.
 */
export const balancedMseLoss = tf.op({ balancedMseLoss_ });
