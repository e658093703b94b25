import * as tf from '@tensorflow/tfjs-core';

import { softmaxListParts, toRankingLists, type RankingLossOptions } from './ranking-lists.js';
import { reduceRankingLosses, resolveRankingReduction, type RankingLossFunction, type RankingLossTerms } from './ranking-reduction.js';
import { checkNumberOption, type TensorInput } from './validation.js';

const LOSS = 'poly1SoftmaxListwiseLoss';

/** Options of {@link poly1SoftmaxListwiseLoss}. */
export interface Poly1SoftmaxListwiseLossOptions extends RankingLossOptions {
  /** ε, the weight of the first polynomial term `1 − p_t`; finite and ≥ −1 (the loss then decreases in p_t). Default 1. */
  readonly epsilon?: number;
}

function poly1SoftmaxListwiseLoss_(
  labels: TensorInput,
  logits: TensorInput,
  options: Poly1SoftmaxListwiseLossOptions = {},
): tf.Tensor | RankingLossTerms {
  const reduction = resolveRankingReduction(options, 'sumByNonzeroWeights', LOSS);
  const epsilon = checkNumberOption(options.epsilon ?? 1, (v) => v >= -1 && Number.isFinite(v), 'a finite number >= -1', 'options.epsilon', LOSS);
  const { targets, logProbs, listWeights, hasItems } = softmaxListParts(toRankingLists(labels, logits, options, LOSS));
  const ce = tf.sum(tf.mul(targets, tf.neg(logProbs)), 1); // −log p ≥ 0: an all-padding list gives +0
  // 1 − p_t = Σ_i t_i·(1 − p_i) (the targets sum to 1) with 1 − p_i = −expm1(log p_i): no cancellation when the
  // list is already ranked confidently (p_t → 1). An all-padding list has t = 0, so p_t = 0 and 1 − p_t = 1.
  const oneMinusPt = tf.add(tf.sub(1, hasItems), tf.sum(tf.mul(targets, tf.neg(tf.expm1(logProbs))), 1));
  const losses = epsilon === 0 ? ce : tf.add(ce, tf.mul(epsilon, oneMinusPt));
  return reduceRankingLosses({ losses, weights: listWeights }, reduction, options.avgFactor);
}

/**
 * Poly-1 listwise softmax loss (PolyLoss, Leng et al., 2022, on TF-Ranking's listwise softmax; the "Poly1" loss of
 * RankT5), following TF-Ranking's `PolyOneSoftmaxLoss`:
 *
 *     L = CE + ε·(1 − p_t),   p_t = Σ_i t_i · softmax(s)_i
 *
 * with `t` and `CE` exactly as in `softmaxListwiseLoss` (normalised labels over the valid items, padded logits at
 * `log(1e-10)`, uniform target for lists whose labels are all 0) and the same list weight, the original label sum.
 * p_t is TF-Ranking's definition: the expected softmax probability under the normalised label distribution (with
 * one relevant item, its probability, giving `−log p₊ + ε(1 − p₊)`). `1 − p_t` is computed as `Σ t_i·(1 − p_i)`
 * without cancellation. An all-padding list gets `ε` (TF-Ranking: `1 − 0`) with weight 0, so it contributes nothing.
 *
 * Shapes: `labels` (graded relevance ≥ 0 on valid items) and `logits` `[B, L]`; `options.mask` `[B, L]` (default
 * `labels >= 0`); `options.weights` scalar, `[B]`/`[B, 1]` or `[B, L]`, multiplying the labels. Defaults: ε = 1
 * (TF-Ranking and the PolyLoss paper), temperature 1.
 *
 * Reduction default `sumByNonzeroWeights` (TF-Ranking's estimator default, `Σ W·L / #{W ≠ 0}`); `mean` is Keras
 * `SUM_OVER_BATCH_SIZE` (`Σ W·L / B`); the others as for `softmaxListwiseLoss`. See `RankingReduction`.
 *
 * Reference: `PolyOneSoftmaxLoss` of tensorflow/ranking `tensorflow_ranking/python/losses_impl.py` (the estimator
 * key `poly_one_softmax_loss`); Leng et al., "PolyLoss: A Polynomial Expansion Perspective of Classification Loss
 * Functions", ICLR 2022. No parity vectors; tested against a float64 definition and TF-Ranking's unit test.
 *
 * @throws LossArgumentError naming the argument for shapes other than `[B, L]`, NaN/Inf inputs, a mask that is not
 *   0/1, negative labels of masked-valid items, negative weights, `epsilon < −1`, a bad `temperature` or `reduction`.
 */
export const poly1SoftmaxListwiseLoss = tf.op({ poly1SoftmaxListwiseLoss_ }) as RankingLossFunction<Poly1SoftmaxListwiseLossOptions>;
