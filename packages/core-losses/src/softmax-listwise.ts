import * as tf from '@tensorflow/tfjs-core';

import { softmaxListParts, toRankingLists, type RankingLossOptions } from './ranking-lists.js';
import { reduceRankingLosses, resolveRankingReduction, type RankingLossFunction, type RankingLossTerms } from './ranking-reduction.js';
import type { TensorInput } from './validation.js';

const LOSS = 'softmaxListwiseLoss';

function softmaxListwiseLoss_(
  labels: TensorInput,
  logits: TensorInput,
  options: RankingLossOptions = {},
): tf.Tensor | RankingLossTerms {
  const reduction = resolveRankingReduction(options, 'sumByNonzeroWeights', LOSS);
  const { targets, logProbs, listWeights } = softmaxListParts(toRankingLists(labels, logits, options, LOSS));
  const ce = tf.sum(tf.mul(targets, tf.neg(logProbs)), 1); // −log p ≥ 0: an all-padding list gives +0
  return reduceRankingLosses({ losses: ce, weights: listWeights }, reduction, options.avgFactor);
}

/**
 * Listwise softmax cross-entropy (ListNet's top-one form; Cao et al., 2007), TF-Ranking's `SoftmaxLoss`:
 *
 *     t_i = y_i / Σ_j y_j  (over the valid items),   CE = −Σ_i t_i · log softmax(s)_i,   s = logits / temperature,
 *     list weight W = Σ_j y_j  (the ORIGINAL label sum)
 *
 * Padded items get label 0 and logit `log(1e-10)`, so they keep ~1e-10 softmax mass and zero gradient. A list whose
 * labels are all 0 gets TF-Ranking's 1e-10 labels on its valid items (a uniform target) and weight 0; an all-padding
 * list gets loss 0 and weight 0. Lists with larger label sums count more. `log softmax` keeps its relative precision
 * for confident lists, so values and gradients stay finite and precise at logits of ±50.
 *
 * Shapes: `labels` (graded relevance ≥ 0 on valid items) and `logits` `[B, L]`, one list per row; `options.mask`
 * `[B, L]` (default `labels >= 0`); `options.weights` scalar, `[B]`/`[B, 1]` per list or `[B, L]` per item: they
 * multiply the labels, so the list weight becomes `Σ w_j·y_j` (item weights also reshape the target).
 *
 * Reduction default `sumByNonzeroWeights` (TF-Ranking's estimator default: `Σ W·CE / #{lists with W ≠ 0}`, so lists
 * without relevant items are dropped); `mean` is Keras `tfr.keras.losses.SoftmaxLoss` (`SUM_OVER_BATCH_SIZE`:
 * `Σ W·CE / B`, such lists count in the denominator); `sumOverWeights` is `Σ W·CE / Σ W`; `none` gives `W·CE`
 * `[B]`; `perList` and `unreduced` both give TF-Ranking's `compute_per_list` pair (`CE`, `W`), `[B]` each. See
 * `RankingReduction`.
 *
 * Reference: `SoftmaxLoss` (`precompute`, `_compute_unreduced_loss_impl`) of tensorflow/ranking
 * `tensorflow_ranking/python/losses_impl.py` (Pasumarthi et al., 2019), transcribed at commit 5b1d1338; parity vectors
 * `softmax_listwise.json`.
 *
 * @throws LossArgumentError naming the argument for shapes other than `[B, L]`, NaN/Inf inputs, a mask that is not
 *   0/1, negative labels of masked-valid items, negative weights, a bad `temperature` or `reduction`.
 */
export const softmaxListwiseLoss = tf.op({ softmaxListwiseLoss_ }) as RankingLossFunction<RankingLossOptions>;
