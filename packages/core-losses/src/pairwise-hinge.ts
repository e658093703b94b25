import * as tf from '@tensorflow/tfjs-core';

import { pairwiseTerms, toRankingLists, type RankingLossOptions } from './ranking-lists.js';
import { reduceRankingLosses, resolveRankingReduction, type RankingLossFunction, type RankingLossTerms } from './ranking-reduction.js';
import type { TensorInput } from './validation.js';

const LOSS = 'pairwiseHingeLoss';

function pairwiseHingeLoss_(
  labels: TensorInput,
  logits: TensorInput,
  options: RankingLossOptions = {},
): tf.Tensor | RankingLossTerms {
  const reduction = resolveRankingReduction(options, 'sumByNonzeroWeights', LOSS);
  const lists = toRankingLists(labels, logits, options, LOSS);
  const terms = pairwiseTerms(lists, (d) => tf.relu(tf.sub(1, d)));
  return reduceRankingLosses(terms, reduction, options.avgFactor);
}

/**
 * Pairwise hinge loss (the RankSVM objective; Joachims, 2002) over the lists of a batch, TF-Ranking semantics:
 *
 *     ℓ_ij = max(0, 1 − (s_i − s_j)),   s = logits / temperature,
 *     w_ij = 1[y_i > y_j] · valid_i · valid_j · w_i   (ties, reversed and padded pairs: 0; no gradient)
 *
 * The margin is 1, as in TF-Ranking (scale it with `temperature`). The gradient of a pair is −1 inside the margin
 * and 0 at or beyond it (`d ≥ 1`), as TensorFlow's relu gives.
 *
 * Shapes: `labels` (graded relevance) and `logits` `[B, L]`, one list per row; `options.mask` `[B, L]` (default
 * `labels >= 0`); `options.weights` scalar, `[B]`/`[B, 1]` per list or `[B, L]` per item (the more relevant item of
 * a pair weights it). Memory: `[B, L, L]` pair tensors, fine for ranking lists.
 *
 * Reduction default `sumByNonzeroWeights` (TF-Ranking's estimator default: sum of pair losses / number of pairs in
 * the batch); `mean` is Keras `SUM_OVER_BATCH_SIZE` over the `B·L·L` pair terms (newer TF-Ranking Keras losses:
 * `avgFactor: B·L`); `perList`, `unreduced` and `none` as for `pairwiseLogisticLoss`. A list without a valid pair
 * contributes nothing and never divides by zero. See `RankingReduction`.
 *
 * Reference: `PairwiseHingeLoss` of tensorflow/ranking `tensorflow_ranking/python/losses_impl.py` (Pasumarthi et al.,
 * 2019), the same pair construction as `PairwiseLogisticLoss` (commit 5b1d1338). No parity vectors; tested against a
 * float64 definition and TF-Ranking's documented values.
 *
 * @throws LossArgumentError naming the argument for shapes other than `[B, L]`, NaN/Inf inputs, a mask that is not
 *   0/1, negative labels of masked-valid items, negative weights, a bad `temperature` or `reduction`.
 */
export const pairwiseHingeLoss = tf.op({ pairwiseHingeLoss_ }) as RankingLossFunction<RankingLossOptions>;
