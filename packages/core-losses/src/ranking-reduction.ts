import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import { reduceWeightedLosses, REDUCTIONS, resolveReduction, type Reduction } from './reduction.js';
import type { TensorInput } from './validation.js';

/**
 * How the ranking losses (`pairwiseLogisticLoss`, `pairwiseHingeLoss`, `softmaxListwiseLoss`,
 * `poly1SoftmaxListwiseLoss`) reduce their terms. A ranking loss produces losses `l` and intrinsic weights `w` of
 * the same shape — one term per pair `[B, L, L]` for the pairwise losses, one per list `[B]` for the listwise ones —
 * where `w` already holds the mask, the pair indicator or list weight, and `options.weights`. The shared
 * vocabulary of `reduction.ts` applies to `w·l` unchanged, plus the one reduction it lacks:
 *
 * | reduction             | result                      | TF-Ranking / TF name                                           |
 * |-----------------------|-----------------------------|----------------------------------------------------------------|
 * | `sumByNonzeroWeights` | `Σ w·l / #{w ≠ 0}`          | `SUM_BY_NONZERO_WEIGHTS`, the `tfr.losses` (estimator) default |
 * | `mean`                | `Σ w·l / N`, N = B·L·L or B | Keras `SUM_OVER_BATCH_SIZE` (`avgFactor` replaces N)           |
 * | `sum`                 | `Σ w·l`                     | `SUM`                                                          |
 * | `sumOverWeights`      | `Σ w·l / Σ w`               | the weighted mean (`tf.compat.v1.metrics.mean`)                |
 * | `none`                | `w·l`, `[B, L, L]` or `[B]` | `losses · weights` of `compute_unreduced_loss`                 |
 *
 * With the pairwise losses and no `options.weights`, `#{w ≠ 0}` is the number of valid pairs in the batch, so
 * `sumByNonzeroWeights` equals `sumOverWeights`; the softmax losses weight each list by its label sum, so there the
 * two differ. Every denominator that is 0 gives 0, never NaN (all its terms are 0 then).
 */
export type RankingReduction = Reduction | 'sumByNonzeroWeights';

/**
 * The two outputs of a ranking loss that are not one tensor; both are `{ losses, weights }` like TF-Ranking:
 *
 * - `perList` — `compute_per_list`: one loss and one weight per list, `[B]` each. Pairwise losses give the
 *   weighted mean over the list's pairs `Σ_ij w·l / Σ_ij w` (0 for a list without pairs) and its weight `Σ_ij w`
 *   (the number of pairs without `options.weights`); the listwise losses give the list's loss and its weight.
 * - `unreduced` — `compute_unreduced_loss`: the unweighted losses of every term (pairwise: all `L × L` pairs,
 *   the diagonal and the pairs that do not count included) and their weights, same shape.
 */
export type RankingDecomposition = 'perList' | 'unreduced';

/** Every reduction a ranking loss accepts, for validation and CLIs. */
export const RANKING_REDUCTIONS: readonly (RankingReduction | RankingDecomposition)[] = [
  ...REDUCTIONS,
  'sumByNonzeroWeights',
  'perList',
  'unreduced',
];

/** Losses and their intrinsic weights, same shape (`[B, L, L]` pairs, or `[B]` lists). See {@link RankingDecomposition}. */
export interface RankingLossTerms {
  readonly losses: tf.Tensor;
  readonly weights: tf.Tensor;
}

/** The reduction options of a ranking loss. */
export interface RankingReductionOptions {
  /** See {@link RankingReduction} and {@link RankingDecomposition}; each loss documents its default. */
  readonly reduction?: RankingReduction | RankingDecomposition;
  /** Replaces the term count `N` of `mean` (e.g. `B·L` for the newer Keras pairwise losses); only with `mean`. */
  readonly avgFactor?: number;
}

/**
 * A ranking loss: one tensor for every {@link RankingReduction}, `{ losses, weights }` for a
 * {@link RankingDecomposition}.
 */
export interface RankingLossFunction<O extends RankingReductionOptions> {
  (labels: TensorInput, logits: TensorInput, options: O & { readonly reduction: RankingDecomposition }): RankingLossTerms;
  (labels: TensorInput, logits: TensorInput, options?: O & { readonly reduction?: RankingReduction }): tf.Tensor;
  (labels: TensorInput, logits: TensorInput, options?: O): tf.Tensor | RankingLossTerms;
}

/**
 * Checks `reduction` and `avgFactor` of a ranking loss and returns the reduction to use (`fallback` when absent).
 * @throws LossArgumentError for an unknown reduction, or an `avgFactor` that is not positive or not used with `mean`.
 */
export function resolveRankingReduction(
  options: RankingReductionOptions,
  fallback: RankingReduction,
  loss: string,
): RankingReduction | RankingDecomposition {
  const reduction = options.reduction ?? fallback;
  if (!RANKING_REDUCTIONS.includes(reduction)) {
    throw new LossArgumentError(
      loss,
      'options.reduction',
      `must be one of ${RANKING_REDUCTIONS.map((r) => `'${r}'`).join(', ')}, got '${String(reduction)}'`,
    );
  }
  if (reduction === 'sumByNonzeroWeights' || reduction === 'perList' || reduction === 'unreduced') {
    if (options.avgFactor !== undefined) {
      throw new LossArgumentError(loss, 'options.avgFactor', `only applies to reduction 'mean', not '${reduction}'`);
    }
    return reduction;
  }
  return resolveReduction({ reduction, avgFactor: options.avgFactor }, reduction, loss);
}

const FLOAT32_MIN_NORMAL = 1.1754943508222875e-38;

/**
 * Reduces the terms of a ranking loss (see {@link RankingReduction}): the shared reductions go through
 * `reduceWeightedLosses` with `w·l` and `w`; `sumByNonzeroWeights`, `perList` and `unreduced` are implemented here.
 * `terms.weights` must not depend on the differentiated inputs (they are counted and compared).
 */
export function reduceRankingLosses(
  terms: RankingLossTerms,
  reduction: RankingReduction | RankingDecomposition,
  avgFactor?: number,
): tf.Tensor | RankingLossTerms {
  const { losses, weights } = terms;
  if (reduction === 'unreduced') return terms;
  const weighted = tf.mul(losses, weights);
  switch (reduction) {
    case 'perList': {
      if (losses.rank === 1) return terms;
      const axes = Array.from({ length: losses.rank - 1 }, (_, i) => i + 1);
      const listWeights = tf.sum(weights, axes);
      // Non-negative weights: a list whose weight total is 0 has only zero terms, so 0 / FLT_MIN = 0.
      return { losses: tf.div(tf.sum(weighted, axes), tf.maximum(listWeights, FLOAT32_MIN_NORMAL)), weights: listWeights };
    }
    case 'sumByNonzeroWeights': {
      const count = tf.sum(tf.cast(tf.notEqual(weights, 0), 'float32'));
      return tf.div(tf.sum(weighted), tf.maximum(count, 1));
    }
    default:
      return reduceWeightedLosses(weighted, weights, reduction, avgFactor);
  }
}
