import * as tf from '@tensorflow/tfjs-core';

import { prepareWeights, reduceWeightedLosses, resolveReduction, type WeightingOptions } from './reduction.js';
import { logSoftmax } from './stable-math.js';
import { DEFAULT_IGNORE_INDEX, toTokenInputs } from './token-inputs.js';
import { checkNumberOption, type TensorInput } from './validation.js';

const LOSS = 'logPartitionPenalty';

/** Options of {@link logPartitionPenalty}. */
export interface LogPartitionPenaltyOptions extends WeightingOptions {
  /** The penalty's coefficient `c ≥ 0` (PaLM: 1e-4). Default 1e-4. */
  readonly coef?: number;
  /** Target id of padding tokens, which count nothing. Default −100 (PyTorch / Hugging Face); `null` for none. */
  readonly ignoreIndex?: number | null;
}

function logPartitionPenalty_(targets: TensorInput, logits: TensorInput, options: LogPartitionPenaltyOptions = {}): tf.Tensor {
  const reduction = resolveReduction(options, 'sumOverWeights', LOSS);
  const validate = options.validate ?? true;
  const ignoreIndex = options.ignoreIndex === null ? undefined : (options.ignoreIndex ?? DEFAULT_IGNORE_INDEX);
  const { logits: x, labels, valid, vocab } = toTokenInputs(targets, logits, LOSS, validate, ignoreIndex);
  const weights = prepareWeights(options.weights, labels.shape, LOSS, validate);
  const coef = checkNumberOption(options.coef ?? 1e-4, (v) => v >= 0 && Number.isFinite(v), 'a finite number >= 0', 'options.coef', LOSS);
  // One log-softmax serves both terms: log p_y, and log Z = o_y − log p_y (its gradient is softmax(o), as it should).
  const oneHot = tf.cast(tf.oneHot(labels, vocab), 'float32');
  const logPy = tf.sum(tf.mul(oneHot, logSoftmax(x)), -1);
  const logZ = tf.sub(tf.sum(tf.mul(oneHot, x), -1), logPy);
  let losses = tf.add(tf.neg(logPy), tf.mul(coef, tf.square(logZ)));
  let totals = valid;
  if (weights !== undefined) totals = totals === undefined ? tf.broadcastTo(weights, losses.shape) : tf.mul(totals, weights);
  if (totals !== undefined) losses = tf.mul(losses, totals);
  return reduceWeightedLosses(losses, totals, reduction, options.avgFactor);
}

/**
 * Cross-entropy plus the log-partition penalty of PaLM (its "z-loss"; not the spherical {@link sphericalZLoss}), per
 * token:
 *
 *     l_t = −log softmax(o_t)_{y_t} + c · (log Σ_v exp o_{t,v})²
 *
 * The penalty pushes the softmax normaliser `log Z` towards 0, which keeps the logits of a large model from drifting
 * (Chowdhery et al., 2022, use c = 1e-4). Its gradient is `2c·log Z·softmax(o)`.
 *
 * Shapes: `logits` `[..., V]` (`[B, T, V]` or `[N, V]`), `targets` token ids `[...]`. Side inputs by name:
 * `weights` (the `tokenWeights` extra, per token). Reduction default `sumOverWeights`: the mean over counted tokens
 * (ignored ones excluded, token weights normalised), as T5X's `compute_weighted_cross_entropy` followed by division
 * by the number of target tokens; `none` gives `[...]` with 0 at ignored tokens. Stable at logits of ±1e4: one
 * max-shifted log-softmax gives both `log p_y` and `log Z = o_y − log p_y`.
 *
 * Reference: Chowdhery et al. (2022), PaLM §5 ("z_loss = 10^-4 · log² Z"); `cross_entropy_with_logits(z_loss=)` of
 * google-research/t5x `t5x/losses.py` (loss + z_loss·log_z², summed with the token weights).
 * @throws LossArgumentError naming the argument for shape mismatches, ids out of range, NaN/Inf logits, a negative
 *   `coef`, negative weights or an unknown reduction.
 */
export const logPartitionPenalty = tf.op({ logPartitionPenalty_ });
