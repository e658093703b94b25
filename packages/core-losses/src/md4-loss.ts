import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import { prepareWeights, reduceWeightedLosses, resolveReduction, type WeightingOptions } from './reduction.js';
import { logSoftmax } from './stable-math.js';
import { assertClassIds, assertFinite, toFloatTensor, toLabelTensor, type TensorInput } from './validation.js';

const LOSS = 'maskedDiffusionLoss';

/** How {@link maskedDiffusionLoss} scales the per-sequence losses: nats per sequence, or bits per token (the reference). */
export type MaskedDiffusionNormalization = 'bitsPerToken' | 'none';

/** Options of {@link maskedDiffusionLoss}. */
export interface MaskedDiffusionLossOptions extends WeightingOptions {
  /** `[B, L]` 1 where the token was masked (the positions scored), 0 elsewhere; required (`md4MaskTokens`). */
  readonly maskedTokens: TensorInput;
  /** `[B]` non-negative ELBO weights `w(t_b)` of the sequences' times; required (`md4MaskTokens`, `md4ElboWeights`). */
  readonly elboWeights: TensorInput;
  /** `[B, L]` real tokens (1) and padding (0); padding is never scored. Default: every token is real. */
  readonly mask?: TensorInput;
  /**
   * `bitsPerToken` (default): divide by `L·ln 2` with L the sequence length, as the reference's `loss2bpt` does before
   * taking gradients; `none`: nats per sequence (the reference's `loss_diff`).
   */
  readonly normalization?: MaskedDiffusionNormalization;
}

function checkZeroOne(t: tf.Tensor, argument: string): void {
  const values = t.dataSync();
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i];
    if (v !== 0 && v !== 1) throw new LossArgumentError(LOSS, argument, `must hold 0 or 1, got ${v} at flat index ${i}`);
  }
}

function maskedDiffusionLoss_(targets: TensorInput, logits: TensorInput, options: MaskedDiffusionLossOptions): tf.Tensor {
  if (options === undefined || options === null) throw new LossArgumentError(LOSS, 'options', 'is required ({ maskedTokens, elboWeights })');
  const reduction = resolveReduction(options, 'mean', LOSS);
  const validate = options.validate ?? true;
  const normalization = options.normalization ?? 'bitsPerToken';
  if (normalization !== 'bitsPerToken' && normalization !== 'none') {
    throw new LossArgumentError(LOSS, 'options.normalization', `must be 'bitsPerToken' or 'none', got '${String(normalization)}'`);
  }
  const input = toFloatTensor(logits, 'logits', LOSS);
  if (input.rank !== 3 && input.rank !== 2) {
    throw new LossArgumentError(LOSS, 'logits', `must have shape [B, L, V] (or [B, V]: sequences of one token), got [${input.shape.join(',')}]`);
  }
  // [B, V] is B sequences of one token: read as [B, 1, V]; the token-level side inputs are then [B].
  const x = input.rank === 3 ? input : tf.expandDims(input, 1);
  const [batch = 0, length = 0, vocab = 0] = x.shape;
  const tokenShape = input.shape.slice(0, -1);
  const shapeText = `[${tokenShape.join(',')}]`;
  const tokenLevel = (value: TensorInput, argument: string): tf.Tensor => {
    const t = toFloatTensor(value, argument, LOSS);
    if (!tf.util.arraysEqual(t.shape, tokenShape)) throw new LossArgumentError(LOSS, argument, `must have shape ${shapeText}, got [${t.shape.join(',')}]`);
    return tf.reshape(t, [batch, length]);
  };
  const ids = toLabelTensor(targets, 'targets', LOSS, validate);
  if (!tf.util.arraysEqual(ids.shape, tokenShape)) {
    throw new LossArgumentError(LOSS, 'targets', `must be token ids of shape ${shapeText} (the logits without the vocabulary axis), got [${ids.shape.join(',')}]`);
  }
  const labels = tf.reshape(ids, [batch, length]);
  if (options.maskedTokens === undefined) throw new LossArgumentError(LOSS, 'options.maskedTokens', 'is required (from md4MaskTokens)');
  if (options.elboWeights === undefined) throw new LossArgumentError(LOSS, 'options.elboWeights', 'is required (from md4MaskTokens)');
  let scored = tokenLevel(options.maskedTokens, 'options.maskedTokens');
  const w = toFloatTensor(options.elboWeights, 'options.elboWeights', LOSS);
  if (!tf.util.arraysEqual(w.shape, [batch])) {
    throw new LossArgumentError(LOSS, 'options.elboWeights', `must have shape [${batch}] (one weight per sequence), got [${w.shape.join(',')}]`);
  }
  const real = options.mask === undefined ? undefined : tokenLevel(options.mask, 'options.mask');
  if (validate) {
    assertFinite(x, 'logits', LOSS);
    assertClassIds(labels, vocab, 'targets', LOSS);
    checkZeroOne(scored, 'options.maskedTokens');
    if (real !== undefined) checkZeroOne(real, 'options.mask');
    const wv = w.dataSync();
    for (let i = 0; i < wv.length; i += 1) {
      const v = wv[i] ?? Number.NaN;
      if (!(v >= 0) || !Number.isFinite(v)) {
        throw new LossArgumentError(LOSS, 'options.elboWeights', `must be finite and >= 0, got ${v} at index ${i}`);
      }
    }
  }
  if (real !== undefined) scored = tf.mul(scored, real);
  // CE_bn = −log softmax(z_bn)[x_bn]; stable log-softmax, exact at logits of ±50.
  const ce = tf.neg(tf.sum(tf.mul(tf.cast(tf.oneHot(labels, vocab), 'float32'), logSoftmax(x)), -1));
  let perSequence = tf.mul(w, tf.sum(tf.mul(scored, ce), 1));
  if (normalization === 'bitsPerToken') perSequence = tf.div(perSequence, Math.max(length, 1) * Math.LN2);
  const sampleWeights = prepareWeights(options.weights, perSequence.shape, LOSS, validate);
  const weighted = sampleWeights === undefined ? perSequence : tf.mul(perSequence, sampleWeights);
  return reduceWeightedLosses(weighted, sampleWeights, reduction, options.avgFactor);
}

/**
 * MD4's weighted masked cross-entropy (Shi, Han, Wang, Doucet & Titsias, NeurIPS 2024), the Monte-Carlo estimate of
 * the continuous-time negative ELBO of masked diffusion for one training step:
 *
 *     l_b = w(t_b) · Σ_n m_bn · (−log softmax(z_bn)[x_bn])        (÷ L·ln 2 with `normalization: 'bitsPerToken'`)
 *
 * with `m` the masked-token indicator and `w(t_b) = −α'(t_b)/(1 − α(t_b))` the ELBO weight of sequence b, both passed
 * by name (`options.maskedTokens`, `options.elboWeights`; `md4MaskTokens` draws them), `x` the clean tokens and `z`
 * the model's logits on the noisy input. Averaged over time draws, `E_t[l_b]` is the negative ELBO's diffusion term.
 *
 * Shapes: `targets` `[B, L]` clean token ids in [0, V); `logits` `[B, L, V]` over the V real tokens (not the mask
 * token) — or `[B]` and `[B, V]`, B sequences of one token, the token-level side inputs then `[B]`;
 * `options.maskedTokens` `[B, L]` 0/1; `options.elboWeights` `[B]`; `options.mask` `[B, L]` padding (0) never
 * scored; `options.weights` `[B]` extra per-sequence weights (e.g. sample reweighting).
 * Defaults: `normalization: 'bitsPerToken'`, reduction `mean` over sequences — the reference's training loss
 * `mean_b l_b / (L·ln 2)` without its constant reconstruction term `(1 − α(0))·ln V` per token (no gradient);
 * `normalization: 'none'` gives its `loss_diff` in nats. `reduction: 'none'` returns `[B]`.
 *
 * Reference: google-deepmind/md4 `md4/models/diffusion/md4.py` (b9fbf29) `diffusion_loss`, continuous time (lines
 * 203–240: masked sum over positions, times `dgamma_times_alpha`), `__call__` (batch mean, line 263) and
 * `md4/utils.py` `loss2bpt` (lines 34–44).
 * @throws LossArgumentError naming the argument: shapes, token ids outside [0, V), non-finite logits, masks that are
 *   not 0/1, negative or non-finite ELBO weights, a missing `maskedTokens`/`elboWeights`, bad reduction/normalization.
 */
export const maskedDiffusionLoss = tf.op({ maskedDiffusionLoss_ });
