import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import type { RankingLossTerms, RankingReductionOptions } from './ranking-reduction.js';
import { prepareWeights } from './reduction.js';
import { logSoftmax, stopGradient } from './stable-math.js';
import { assertFinite, assertSameShape, checkNumberOption, toFloatTensor, type TensorInput } from './validation.js';

/** Options every ranking loss accepts (lists are the rows of `[B, L]` labels and logits). */
export interface RankingLossOptions extends RankingReductionOptions {
  /**
   * Which items are real, `[B, L]`, bool or 0/1 (1 = valid, 0 = padding). Padded items never contribute: they form
   * no pair, get target 0 and a softmax logit of `log(1e-10)`, and get zero gradient. Default: `labels >= 0`
   * (TF-Ranking's convention that a negative label marks padding). With a mask, every valid item needs a label ≥ 0.
   */
  readonly mask?: TensorInput;
  /**
   * Non-negative weights as TF-Ranking takes them: a scalar, one per list (`[B]` or `[B, 1]`), or one per item
   * (`[B, L]`). Pairwise losses weight each pair (i, j) by the weight of its more relevant item i; the softmax
   * losses multiply the labels by them (so item weights also reshape the target distribution). TF-Ranking has no
   * per-pair weights (beyond its lambda weights, which are not implemented here).
   */
  readonly weights?: TensorInput;
  /** The logits are divided by it before anything else (TF-Ranking's `temperature`); finite and > 0. Default 1. */
  readonly temperature?: number;
  /**
   * Check inputs for NaN/Inf, mask values and negative weights (reads tensor values; default true). Shape and
   * option checks always run.
   */
  readonly validate?: boolean;
}

/** Lists ready for a ranking loss. */
export interface RankingLists {
  /** Labels as given, `[B, L]`. */
  readonly labels: tf.Tensor2D;
  /** Logits divided by the temperature, `[B, L]`. */
  readonly logits: tf.Tensor2D;
  /** 1 for valid items, 0 for padding, `[B, L]`. */
  readonly valid: tf.Tensor2D;
  /** `options.weights` broadcast to `[B, L]`, or undefined. */
  readonly itemWeights: tf.Tensor2D | undefined;
}

/**
 * Converts and checks the arguments of a ranking loss: `labels` and `logits` `[B, L]`, the mask (or the validity
 * implied by negative labels), the weights and the temperature. Errors name `loss` and the argument.
 */
export function toRankingLists(labels: TensorInput, logits: TensorInput, options: RankingLossOptions, loss: string): RankingLists {
  const validate = options.validate ?? true;
  const x = toFloatTensor(logits, 'logits', loss);
  if (x.rank !== 2) {
    throw new LossArgumentError(loss, 'logits', `must have shape [B, L] (one list per row), got [${x.shape.join(',')}]`);
  }
  const y = toFloatTensor(labels, 'labels', loss);
  assertSameShape(y, x, 'labels', 'logits', loss);
  const temperature = checkNumberOption(
    options.temperature ?? 1,
    (v) => v > 0 && Number.isFinite(v),
    'a finite number > 0',
    'options.temperature',
    loss,
  );
  if (validate) {
    assertFinite(x, 'logits', loss);
    assertFinite(y, 'labels', loss);
  }
  let valid: tf.Tensor;
  if (options.mask === undefined) {
    valid = tf.cast(tf.greaterEqual(y, 0), 'float32');
  } else {
    valid = toFloatTensor(options.mask, 'options.mask', loss);
    assertSameShape(valid, x, 'options.mask', 'logits', loss);
    if (validate) {
      const m = valid.dataSync();
      const l = y.dataSync();
      for (let i = 0; i < m.length; i += 1) {
        const v = m[i] ?? Number.NaN;
        if (v !== 0 && v !== 1) throw new LossArgumentError(loss, 'options.mask', `must hold 0/1 (or booleans), got ${v} at flat index ${i}`);
        const label = l[i] ?? Number.NaN;
        if (v === 1 && label < 0) {
          throw new LossArgumentError(
            loss,
            'labels',
            `must be >= 0 where 'options.mask' marks an item valid, got ${label} at flat index ${i} ` +
              '(a negative label marks padding only when no mask is given)',
          );
        }
      }
    }
  }
  const w = prepareWeights(options.weights, x.shape, loss, validate);
  return {
    labels: y as tf.Tensor2D,
    logits: (temperature === 1 ? x : tf.div(x, temperature)) as tf.Tensor2D,
    valid: valid as tf.Tensor2D,
    itemWeights: w === undefined ? undefined : tf.broadcastTo(w, x.shape as [number, number]),
  };
}

/**
 * The pairwise terms of TF-Ranking's `_PairwiseLoss`: `losses[b, i, j] = pairLoss(s_i − s_j)` for all `L × L`
 * pairs, and `weights[b, i, j] = 1[y_i > y_j] · valid_i · valid_j · w_i` (ties, reversed and padded pairs get 0),
 * with a zero gradient (TF-Ranking's `stop_gradient`; they do not depend on the logits anyway). Memory: three
 * `[B, L, L]` tensors plus the pair loss's intermediates — fine for ranking lists (L of tens to hundreds).
 */
export function pairwiseTerms(lists: RankingLists, pairLoss: (d: tf.Tensor) => tf.Tensor): RankingLossTerms {
  const { labels, logits, valid, itemWeights } = lists;
  const d = tf.sub(tf.expandDims(logits, 2), tf.expandDims(logits, 1));
  let weights = tf.mul(
    tf.cast(tf.greater(tf.expandDims(labels, 2), tf.expandDims(labels, 1)), 'float32'),
    tf.mul(tf.expandDims(valid, 2), tf.expandDims(valid, 1)),
  );
  if (itemWeights !== undefined) weights = tf.mul(weights, tf.expandDims(itemWeights, 2));
  return { losses: pairLoss(d), weights: stopGradient(weights) };
}

/** TF-Ranking's `_EPSILON`: invalid items get the softmax logit `log(1e-10)`. */
const LOG_EPSILON = Math.log(1e-10);

const FLOAT32_MIN_NORMAL = 1.1754943508222875e-38;

/** What the listwise softmax losses share, per list. */
export interface SoftmaxListParts {
  /** The target distribution `[B, L]` (zero on padding; uniform over the valid items of a list with label sum 0). */
  readonly targets: tf.Tensor2D;
  /** `log softmax` of the logits with padded items set to `log(1e-10)`, `[B, L]`. */
  readonly logProbs: tf.Tensor2D;
  /** List weights `[B]`: the label sum (after `options.weights`), 0 for lists without relevant items. */
  readonly listWeights: tf.Tensor1D;
  /** 1 for lists with at least one valid item, 0 for all-padding lists, `[B]`. */
  readonly hasItems: tf.Tensor1D;
}

/**
 * TF-Ranking's `SoftmaxLoss.precompute` and label normalisation: padded items get label 0 and logit `log(1e-10)`;
 * labels are multiplied by `options.weights`; a list whose label sum is 0 gets the uniform distribution over its
 * valid items (TF-Ranking's 1e-10 labels, normalised); an all-padding list gets all-zero targets (its loss is 0,
 * TF-Ranking's `divide_no_nan`). The list weight is the label sum before that padding.
 */
export function softmaxListParts(lists: RankingLists): SoftmaxListParts {
  const { labels, logits, valid, itemWeights } = lists;
  const isValid = tf.greater(valid, 0);
  let y = tf.where(isValid, labels, tf.zerosLike(labels));
  if (itemWeights !== undefined) y = tf.mul(y, itemWeights);
  const labelSum = tf.sum(y, 1, true);
  const count = tf.sum(valid, 1, true);
  const targets = tf.where(
    tf.broadcastTo(tf.greater(labelSum, 0), labels.shape),
    tf.div(y, tf.maximum(labelSum, FLOAT32_MIN_NORMAL)),
    tf.div(valid, tf.maximum(count, 1)),
  );
  const logProbs = logSoftmax(tf.where(isValid, logits, tf.fill(logits.shape, LOG_EPSILON)));
  return {
    targets: targets as tf.Tensor2D,
    logProbs: logProbs as tf.Tensor2D,
    listWeights: tf.reshape<tf.Rank.R1>(labelSum, [-1]),
    hasItems: tf.cast(tf.greater(tf.reshape(count, [-1]), 0), 'float32') as tf.Tensor1D,
  };
}
