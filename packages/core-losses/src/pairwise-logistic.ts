import * as tf from '@tensorflow/tfjs-core';

import { pairwiseTerms, toRankingLists, type RankingLossOptions } from './ranking-lists.js';
import { reduceRankingLosses, resolveRankingReduction, type RankingLossFunction, type RankingLossTerms } from './ranking-reduction.js';
import { softplus } from './stable-math.js';
import type { TensorInput } from './validation.js';

const LOSS = 'pairwiseLogisticLoss';

function pairwiseLogisticLoss_(
  labels: TensorInput,
  logits: TensorInput,
  options: RankingLossOptions = {},
): tf.Tensor | RankingLossTerms {
  const reduction = resolveRankingReduction(options, 'sumByNonzeroWeights', LOSS);
  const lists = toRankingLists(labels, logits, options, LOSS);
  // log(1 + e^{−d}) = softplus(−d) = relu(−d) + log1p(e^{−|d|}): never overflows, keeps its relative precision where
  // the pair is well ordered (1e-22 at d = 50), and has the exact gradient −σ(−d).
  const terms = pairwiseTerms(lists, (d) => softplus(tf.neg(d)));
  return reduceRankingLosses(terms, reduction, options.avgFactor);
}

/**
 * Pairwise logistic loss (RankNet; Burges et al., 2005) over the lists of a batch, TF-Ranking semantics:
 *
 *     ℓ_ij = log(1 + e^{−(s_i − s_j)}),   s = logits / temperature,
 *     w_ij = 1[y_i > y_j] · valid_i · valid_j · w_i   (ties, reversed and padded pairs: 0; no gradient)
 *
 * computed as `relu(−d) + log1p(e^{−|d|})` with `d = s_i − s_j`, so values and gradients stay finite and precise at
 * logits of ±50. The gradient of each pair is `−σ(−d)` exactly, also at `d = 0` (TF-Ranking differentiates the
 * relu/abs form, which gives 0 there; only exactly tied scores of a counted pair see the difference).
 *
 * Shapes: `labels` (graded relevance) and `logits` `[B, L]`, one list per row; `options.mask` `[B, L]` (default
 * `labels >= 0`); `options.weights` scalar, `[B]`/`[B, 1]` per list or `[B, L]` per item (the more relevant item of
 * a pair weights it). Memory: `[B, L, L]` pair tensors, fine for ranking lists.
 *
 * Reduction default `sumByNonzeroWeights` (TF-Ranking's estimator `tfr.losses` default: the sum of pair losses over
 * the number of pairs in the batch). Keras `tfr.keras.losses.PairwiseLogisticLoss` (`SUM_OVER_BATCH_SIZE`) is
 * `mean` over the `B·L·L` pair terms, as the parity vectors define it; newer TF-Ranking Keras losses first sum each
 * row of pairs and divide by `B·L` (`reduction: 'mean', avgFactor: B·L`, their docstring values). `perList` is
 * TF-Ranking's `compute_per_list` (each list's mean pair loss and its pair count), `unreduced` its
 * `compute_unreduced_loss` (all `[B, L, L]` pair losses and pair weights), `none` the weighted pair losses
 * `[B, L, L]`. A list without a valid pair contributes nothing and never divides by zero. See `RankingReduction`.
 *
 * Reference: `PairwiseLogisticLoss` / `_PairwiseLoss` / `_pairwise_comparison` of tensorflow/ranking
 * `tensorflow_ranking/python/losses_impl.py` (Pasumarthi et al., 2019), transcribed at commit 5b1d1338; parity vectors
 * `ranknet_pairwise_logistic.json`.
 *
 * @throws LossArgumentError naming the argument for shapes other than `[B, L]`, NaN/Inf inputs, a mask that is not
 *   0/1, negative labels of masked-valid items, negative weights, a bad `temperature` or `reduction`.
 */
export const pairwiseLogisticLoss = tf.op({ pairwiseLogisticLoss_ }) as RankingLossFunction<RankingLossOptions>;
