import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import { computeWeightedLoss, prepareWeights, resolveReduction, type WeightingOptions } from './reduction.js';
import { log1p, softplus } from './stable-math.js';
import {
  assertClassIds,
  assertFinite,
  checkNumberOption,
  toFloatTensor,
  toLabelTensor,
  type TensorInput,
} from './validation.js';

const LOSS = 'cumulativeLogitLoss';

/**
 * Default floor of a middle-class probability, 1e-8: ordinalNet's `pMin` (Wurm, Rathouz & Hanlon 2021), the value
 * below which that solver clamps fitted probabilities.
 */
export const CUMULATIVE_LOGIT_PROBABILITY_FLOOR = 1e-8;

/** Smallest allowed `probabilityFloor`: below it the clamped gap term (see {@link negLogOneMinusExpNeg}) could win. */
const MIN_FLOOR = 1e-30;
/** Gaps d = η_{k+1} − η_k are evaluated at max(d, D_MIN): −log(1 − e^{−D_MIN}) ≈ 85 > −log(MIN_FLOOR) ≈ 69. */
const D_MIN = 1e-37;

/** `1 − e^{−d}` for d ≥ 0 without cancellation (Kahan's expm1 trick: `(u − 1)·x / log u` with u = e^x, x = −d). */
function oneMinusExpNeg(d: tf.Tensor): tf.Tensor {
  const x = tf.neg(d);
  const u = tf.exp(x);
  const um1 = tf.sub(u, 1);
  const kahan = tf.div(tf.mul(um1, x), tf.log(u));
  // u = 1 (d below float32 resolution): 1 − e^{−d} = d. u = 0 (d ≳ 104): exactly 1.
  return tf.neg(tf.where(tf.equal(u, 1), x, tf.where(tf.equal(u, 0), tf.fill(u.shape, -1), kahan)));
}

const negLogOneMinusExpNegOp = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [d, save] = args as [tf.Tensor, tf.GradSaveFunc];
  save([d]);
  // d ≤ ln 2: −log(1 − e^{−d}) from the accurate 1 − e^{−d}; d > ln 2: −log1p(−e^{−d}) (1 − e^{−d} near 1).
  const small = tf.neg(tf.log(oneMinusExpNeg(d)));
  const large = tf.neg(log1p(tf.neg(tf.exp(tf.neg(d)))));
  return {
    value: tf.where(tf.lessEqual(d, Math.LN2), small, large),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const s = saved[0] as tf.Tensor;
      // d/dd −log(1 − e^{−d}) = −e^{−d} / (1 − e^{−d}); finite for every d ≥ D_MIN, 0 for large d.
      return [tf.mul(dy, tf.neg(tf.div(tf.exp(tf.neg(s)), oneMinusExpNeg(s))))];
    },
  };
});

/** `−log(1 − e^{−d})` for d > 0, elementwise, float32-accurate, with gradient `−1/(e^d − 1)`. */
function negLogOneMinusExpNeg(d: tf.Tensor): tf.Tensor {
  return negLogOneMinusExpNegOp(d);
}

/** Options of {@link cumulativeLogitLoss}. */
export interface CumulativeLogitLossOptions extends WeightingOptions {
  /**
   * Floor of a middle-class probability `P(y = k) = σ(η_{k+1}) − σ(η_k)`, in [1e-30, 1): its per-example loss is
   * capped at `−log(probabilityFloor)` (zero gradient there). Default {@link CUMULATIVE_LOGIT_PROBABILITY_FLOOR}
   * (1e-8, ordinalNet's `pMin`). The first and last classes are never floored: their probabilities are single
   * sigmoids, always positive and exact in log space.
   */
  readonly probabilityFloor?: number;
}

function cumulativeLogitLoss_(
  targets: TensorInput,
  cumulativeLogits: TensorInput,
  options: CumulativeLogitLossOptions = {},
): tf.Tensor {
  const reduction = resolveReduction(options, 'mean', LOSS);
  const validate = options.validate ?? true;
  const eta = toFloatTensor(cumulativeLogits, 'cumulativeLogits', LOSS);
  if (eta.rank !== 2 || (eta.shape[1] ?? 0) < 1) {
    throw new LossArgumentError(
      LOSS,
      'cumulativeLogits',
      `must have shape [N, K − 1] with K ≥ 2 classes, got [${eta.shape.join(',')}]`,
    );
  }
  const [batch, boundaries] = eta.shape as [number, number];
  const numClasses = boundaries + 1;
  const labels = toLabelTensor(targets, 'targets', LOSS, validate);
  if (labels.rank !== 1 || labels.shape[0] !== batch) {
    throw new LossArgumentError(LOSS, 'targets', `must hold ${batch} class ids (shape [${batch}]), got shape [${labels.shape.join(',')}]`);
  }
  if (validate) {
    assertFinite(eta, 'cumulativeLogits', LOSS);
    assertClassIds(labels, numClasses, 'targets', LOSS);
  }
  const floor = checkNumberOption(
    options.probabilityFloor ?? CUMULATIVE_LOGIT_PROBABILITY_FLOOR,
    (v) => v >= MIN_FLOOR && v < 1,
    `in [${MIN_FLOOR}, 1)`,
    'options.probabilityFloor',
    LOSS,
  );

  // Class y sits between boundary y − 1 (below, b = η_{y−1}) and boundary y (above, a = η_y), 0-based columns.
  const isFirst = tf.equal(labels, 0);
  const isLast = tf.equal(labels, numClasses - 1);
  const isMiddle = tf.logicalNot(tf.logicalOr(isFirst, isLast));
  const upperColumn = tf.minimum(labels, tf.scalar(boundaries - 1, 'int32'));
  const lowerColumn = tf.maximum(tf.sub(labels, tf.scalar(1, 'int32')), tf.scalar(0, 'int32'));
  // Row-wise selection by a one-hot mask (tfjs' oneHot needs depth ≥ 2, hence the slice for K = 2).
  const select = (columns: tf.Tensor): tf.Tensor =>
    tf.sum(tf.mul(eta, tf.slice(tf.oneHot(columns, Math.max(boundaries, 2)), [0, 0], [batch, boundaries])), 1);
  const a = select(upperColumn);
  const b = select(lowerColumn);
  const zeros = tf.zerosLike(a);

  // −log P(y) = −log σ(a) − log σ(−b) − log(1 − e^{−(a − b)}), each term present only where it applies:
  //   first class:  −log σ(η_1)                    = softplus(−a)
  //   last class:   −log(1 − σ(η_{K−1}))           = softplus(b)
  //   middle class: −log(σ(a) − σ(b)) = softplus(−a) + softplus(b) − log(1 − e^{−(a − b)})
  // (σ(a) − σ(b) = σ(a)·σ(−b)·(1 − e^{b − a})), which never cancels and is exact for logits of any size.
  const upperTerm = tf.where(isLast, zeros, softplus(tf.neg(a)));
  const lowerTerm = tf.where(isFirst, zeros, softplus(b));
  const gap = tf.where(isMiddle, tf.maximum(tf.sub(a, b), D_MIN), tf.onesLike(a));
  const gapTerm = tf.where(isMiddle, negLogOneMinusExpNeg(gap), zeros);
  const raw = tf.add(tf.add(upperTerm, lowerTerm), gapTerm);
  const losses = tf.where(isMiddle, tf.minimum(raw, -Math.log(floor)), raw);

  const weights = prepareWeights(options.weights, losses.shape, LOSS, validate);
  return computeWeightedLoss(losses, weights, reduction, options.avgFactor);
}

/**
 * Negative log-likelihood of a cumulative-logit (ordinal) model with one linear predictor per class boundary:
 *
 *     P(y ≤ k | x) = σ(η_k),  k = 1..K−1          (η_k = α_k + xᵀβ_k; column k−1 of `cumulativeLogits`)
 *     P(y = 0)     = σ(η_1)
 *     P(y = k)     = σ(η_{k+1}) − σ(η_k),  0 < k < K−1
 *     P(y = K−1)   = 1 − σ(η_{K−1})
 *     l_i          = −log P(y = y_i | x_i)
 *
 * computed in log space as softplus(−η_{y+1}) + softplus(η_y) − log(1 − e^{−(η_{y+1} − η_y)}) (terms for
 * the missing boundaries of the first and last class dropped): finite values and gradients at logits of ±50 and
 * beyond, no cancellation in σ(a) − σ(b).
 *
 * Crossing boundaries: with a separate β_k per boundary (PRESTO, `fitPresto` of @counterweight/solvers) the
 * cumulative logits need not be non-decreasing out of sample, and then a middle-class "probability" is zero or
 * negative. This loss does not throw: it clamps a middle-class probability below at `probabilityFloor` (default
 * 1e-8, ordinalNet's `pMin`), so such an example costs −log(1e-8) ≈ 18.4 with zero gradient. ordinalNet warns about
 * the same situation.
 *
 * Shapes: `targets` `[N]` integer class ids in [0, K); `cumulativeLogits` `[N, K − 1]` float (K ≥ 2; K = 2 is
 * binary cross-entropy on the logit of P(y = 0)). Per-example losses `[N]`; `weights` `[N]` or scalar. Reduction
 * default `mean` — Σ w·l / N, the (1/N)·NLL scaling of ordinalNet's objective; see {@link Reduction}.
 *
 * References: Faletto & Bien, "Predicting Rare Events by Shrinking Towards Proportional Odds", ICML 2023 (the
 * model); McCullagh 1980 (cumulative logits); Wurm, Rathouz & Hanlon, "Regularized Ordinal Regression and the
 * ordinalNet R Package", JSS 2021 (the probability floor and the 1/N scaling).
 *
 * @param targets class ids `[N]` in [0, K), K = number of columns of `cumulativeLogits` + 1.
 * @param cumulativeLogits η `[N, K − 1]`, column k the logit of P(y ≤ k) (0-based).
 * @returns a scalar, or the `[N]` weighted per-example losses with `reduction: 'none'`.
 * @throws LossArgumentError naming the argument for a bad shape, class ids outside [0, K), NaN/Inf logits,
 *   negative weights or an out-of-range `probabilityFloor`.
 */
export const cumulativeLogitLoss = tf.op({ cumulativeLogitLoss_ });
