import * as tf from '@tensorflow/tfjs-core';

import { prepareWeights, reduceWeightedLosses, resolveReduction, type WeightingOptions } from './reduction.js';
import { softplus } from './stable-math.js';
import { DEFAULT_IGNORE_INDEX, toTokenInputs } from './token-inputs.js';
import { checkNumberOption, type TensorInput } from './validation.js';

const LOSS = 'sphericalZLoss';

/** Squared floor under the standard deviation (the authors add 1e-12 to σ; this adds 1e-24 to σ², smooth at σ = 0). */
const VARIANCE_FLOOR = 1e-24;

/** Options of {@link sphericalZLoss}. */
export interface SphericalZLossOptions extends WeightingOptions {
  /** Sharpness `a > 0` of the softplus. Default 1 (the authors' `timing_example.py`). */
  readonly a?: number;
  /** Offset `b`: how many standard deviations above the mean the target's logit should sit. Default 0 (ditto). */
  readonly b?: number;
  /** Target id of padding tokens, which count nothing. Default −100; `null` for none. */
  readonly ignoreIndex?: number | null;
}

function sphericalZLoss_(targets: TensorInput, logits: TensorInput, options: SphericalZLossOptions = {}): tf.Tensor {
  const reduction = resolveReduction(options, 'sum', LOSS);
  const validate = options.validate ?? true;
  const ignoreIndex = options.ignoreIndex === null ? undefined : (options.ignoreIndex ?? DEFAULT_IGNORE_INDEX);
  const { logits: x, labels, valid, vocab } = toTokenInputs(targets, logits, LOSS, validate, ignoreIndex);
  const weights = prepareWeights(options.weights, labels.shape, LOSS, validate);
  const a = checkNumberOption(options.a ?? 1, (v) => v > 0 && Number.isFinite(v), 'a finite number > 0', 'options.a', LOSS);
  const b = checkNumberOption(options.b ?? 0, Number.isFinite, 'a finite number', 'options.b', LOSS);
  // Population statistics over the classes; the variance from centred values (no E[o²] − μ² cancellation).
  const mu = tf.mean(x, -1, true);
  const centred = tf.sub(x, mu);
  const sigma = tf.sqrt(tf.add(tf.mean(tf.square(centred), -1), VARIANCE_FLOOR));
  const zc = tf.div(tf.sum(tf.mul(tf.cast(tf.oneHot(labels, vocab), 'float32'), centred), -1), sigma);
  let losses = tf.div(softplus(tf.mul(a, tf.sub(b, zc))), a);
  let totals = valid;
  if (weights !== undefined) totals = totals === undefined ? tf.broadcastTo(weights, losses.shape) : tf.mul(totals, weights);
  if (totals !== undefined) losses = tf.mul(losses, totals);
  return reduceWeightedLosses(losses, totals, reduction, options.avgFactor);
}

/**
 * The spherical Z-loss of de Brébisson & Vincent (2016) (not PaLM's log-partition "z-loss", see
 * {@link logPartitionPenalty}): the target's logit standardised across the classes, through a softplus:
 *
 *     μ = (1/V) Σ_v o_v,   σ = √((1/V) Σ_v (o_v − μ)²),   z_c = (o_c − μ)/σ,   l = (1/a)·softplus(a·(b − z_c))
 *
 * Adding a constant to all logits, or multiplying them by a positive number, leaves `z_c` and the loss unchanged (the
 * log-softmax is only shift-invariant). It is not a likelihood: train with it for top-k accuracy, not perplexity.
 *
 * Shapes: `logits` `[..., V]` (`[B, T, V]`, `[N, V]` or a classifier's `[B, C]`), `targets` ids `[...]`. Side inputs:
 * `weights` (the `tokenWeights` extra). Defaults: a = 1, b = 0 and reduction `sum` over tokens, as the authors'
 * `timing_example.py` (`softplus((μ − o_c)/(σ + 1e-12))`, summed over the batch); `sumOverWeights` gives the mean
 * over counted tokens. σ is `√(σ² + 1e-24)` instead of `σ + 1e-12` (identical unless all logits are equal, where
 * this one keeps a finite gradient). Stable at logits of ±50: `softplus` never overflows.
 *
 * Reference: de Brébisson & Vincent, "The Z-loss: a shift and scale invariant classification loss belonging to the
 * spherical family" (arXiv 1604.08859, 2016); `z_loss` (plain output) of pascal20100/factored_output_layer
 * `example/timing_example.py` (b986e7a).
 * @throws LossArgumentError naming the argument for shape mismatches, ids out of range, NaN/Inf logits, `a ≤ 0`, a
 *   non-finite `b`, negative weights or an unknown reduction.
 */
export const sphericalZLoss = tf.op({ sphericalZLoss_ });
