import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import { prepareWeights, reduceWeightedLosses, resolveReduction, type Reduction } from './reduction.js';
import { sigmoid, softplus, stopGradient } from './stable-math.js';
import { assertFinite, assertSameShape, checkNumberOption, toFloatTensor, type TensorInput } from './validation.js';

const LOSS = 'welfareRankLoss';

/**
 * Which pair weight `w_ij` the welfare rank loss uses, with `v_i = b_i·t_i` the candidate's true value (bid × outcome):
 *
 * - `gap` — `w_ij = (v_i − v_j)_+`, the welfare lost when the slot goes to j instead of i (default);
 * - `linear` — `w_ij = v_i`. `Σ_{i≠j} v_i·1[ê_j > ê_i]` equals the gap-weighted disagreement up to a constant that
 *   does not depend on the model, and it is linear in the outcome, so click labels keep it an unbiased estimate of
 *   the loss under the true CTRs.
 */
export type WelfarePairWeighting = 'gap' | 'linear';

/** The surrogate `φ` of the 0-1 pair disagreement: `logistic` `log(1 + e^{−d})` (default) or `hinge` `max(0, 1 − d)`. */
export type WelfarePairSurrogate = 'logistic' | 'hinge';

/**
 * What the scores compare: `ecpm` — `d_ij = (ê_i − ê_j)/τ` with `ê = b·σ(s)` (default); `logEcpm` — `d_ij =
 * (log ê_i − log ê_j)/τ` with `log ê = log b + log σ(s)`. The log form is invariant to the bid scale but works
 * worse: `log σ(s)` flattens for high scores, so well-ranked expensive candidates stop pulling (see the module docs).
 */
export type WelfareScoreSpace = 'ecpm' | 'logEcpm';

/**
 * How each auction's pair sum is normalised before the reduction over auctions:
 *
 * - `none` — `L_q = Σ_{i≠j} w_ij·φ(d_ij)` (default; auctions with more at stake weigh more, as welfare does);
 * - `pairCount` — divided by the number of ordered pairs of valid candidates, `n_q(n_q − 1)`;
 * - `totalWeight` — divided by the auction's total pair weight `Σ_{i≠j} w_ij` (the density normalisation of
 *   Knyazev et al., 2020, applied per auction: every auction counts the same, whatever its stakes);
 * - `batchWeight` — divided by the mean over the batch's auctions of `Σ_{i≠j} w_ij`, so that `mean` over auctions
 *   is the pair-weighted mean `Σ w·φ / Σ w` of the whole batch, a number on the scale of `φ` (≈ log 2 at an
 *   uninformative model), which is what {@link combinedWelfareLoss} needs to put the rank term beside logloss.
 *
 * Zero denominators give 0, never NaN.
 */
export type WelfareNormalization = 'none' | 'pairCount' | 'totalWeight' | 'batchWeight';

/**
 * In which unit `temperature` and the pair weights are expressed:
 *
 * - `meanBid` — relative to the mean bid `b̄` of the batch's valid candidates (default): `d_ij = (ê_i − ê_j)/(τ·b̄)`
 *   and `w_ij / b̄`. The loss is then invariant to the bid currency and the same `τ` works across data sets.
 * - `absolute` — `τ` in eCPM units (bid × probability) and the weights in value units, as given.
 *
 * With `scoreSpace: 'logEcpm'` the differences are dimensionless and `τ` is never rescaled; the weights still are.
 */
export type WelfareTemperatureUnit = 'meanBid' | 'absolute';

/** Options of {@link welfareRankLoss}. */
export interface WelfareRankLossOptions {
  /** Cost-per-click bids `[A, S]` (`b_i`), > 0 for every valid candidate (padded slots are ignored). Required. */
  readonly bids: TensorInput;
  /** Which slots are real candidates, `[A, S]`, 0/1 or bool. Default: all valid. Padded slots form no pair. */
  readonly mask?: TensorInput;
  /**
   * A teacher's CTR `[A, S]` in [0, 1] (`teacher_i`). With it the outcome becomes `t_i = (1 − α)·y_i + α·teacher_i`,
   * `α = teacherMix`: the teacher-calibrated form, which replaces noisy clicks by a model's estimate of the CTR.
   */
  readonly teacher?: TensorInput;
  /** `α` of the teacher mix, in [0, 1]; only with `teacher`. Default 1 (the teacher's CTR alone). */
  readonly teacherMix?: number;
  /** See {@link WelfarePairWeighting}. Default `gap`. */
  readonly pairWeighting?: WelfarePairWeighting;
  /** See {@link WelfarePairSurrogate}. Default `logistic`. */
  readonly surrogate?: WelfarePairSurrogate;
  /** See {@link WelfareScoreSpace}. Default `ecpm`. */
  readonly scoreSpace?: WelfareScoreSpace;
  /**
   * `τ`, finite and > 0. Default 0.05 in `meanBid` units (the pilot's setting) and 1 for `logEcpm`. Sensitivity on
   * the pilot's generator A (one seed, welfare ratio): τ = 0.01 → 0.781, 0.05 → 0.812, 0.25 → 0.822, 1 → 0.791, and
   * larger τ keeps predictions closer to calibrated (mean predicted / true CTR 0.22 at 0.05, 0.75 at 0.25).
   */
  readonly temperature?: number;
  /** See {@link WelfareTemperatureUnit}. Default `meanBid`. */
  readonly temperatureUnit?: WelfareTemperatureUnit;
  /** See {@link WelfareNormalization}. Default `none`. */
  readonly normalization?: WelfareNormalization;
  /** Non-negative weights per auction, `[A]` (or a scalar). */
  readonly weights?: TensorInput;
  /**
   * Reduction of the per-auction losses `L_q` (shared vocabulary of `reduction.ts`): `mean` over auctions
   * (default), `sum`, `sumOverWeights` (weighted mean with `weights`), or `none` (`[A]`).
   */
  readonly reduction?: Reduction;
  /** Check inputs for NaN/Inf, bids ≤ 0, outcomes outside [0, 1], mask values (reads tensor values; default true). */
  readonly validate?: boolean;
}

/** One batch of auctions, converted and checked. */
interface Auctions {
  readonly outcomes: tf.Tensor2D;
  readonly logits: tf.Tensor2D;
  readonly bids: tf.Tensor2D;
  readonly valid: tf.Tensor2D;
}

function readAuctions(targets: TensorInput, logits: TensorInput, options: WelfareRankLossOptions, loss: string): Auctions {
  const validate = options.validate ?? true;
  const s = toFloatTensor(logits, 'logits', loss);
  if (s.rank !== 2) {
    throw new LossArgumentError(loss, 'logits', `must have shape [A, S] (one auction per row), got [${s.shape.join(',')}]`);
  }
  const y = toFloatTensor(targets, 'targets', loss);
  assertSameShape(y, s, 'targets', 'logits', loss);
  if ((options as Partial<WelfareRankLossOptions>).bids === undefined) {
    throw new LossArgumentError(loss, 'options.bids', 'is required: the cost-per-click bid of every candidate, [A, S]');
  }
  const b = toFloatTensor(options.bids, 'options.bids', loss);
  assertSameShape(b, s, 'options.bids', 'logits', loss);
  const valid = options.mask === undefined ? tf.ones(s.shape) : toFloatTensor(options.mask, 'options.mask', loss);
  assertSameShape(valid, s, 'options.mask', 'logits', loss);
  let outcome = y;
  if (options.teacher !== undefined) {
    const teacher = toFloatTensor(options.teacher, 'options.teacher', loss);
    assertSameShape(teacher, s, 'options.teacher', 'logits', loss);
    const mix = checkNumberOption(options.teacherMix ?? 1, (v) => v >= 0 && v <= 1, 'a number in [0, 1]', 'options.teacherMix', loss);
    if (validate) checkUnitInterval(teacher, valid, 'options.teacher', loss);
    outcome = mix === 1 ? teacher : tf.add(tf.mul(y, 1 - mix), tf.mul(teacher, mix));
  } else if (options.teacherMix !== undefined) {
    throw new LossArgumentError(loss, 'options.teacherMix', 'is only meaningful with options.teacher');
  }
  if (validate) {
    assertFinite(s, 'logits', loss);
    checkUnitInterval(y, valid, 'targets', loss);
    const m = valid.dataSync();
    const bidValues = b.dataSync();
    for (let i = 0; i < m.length; i += 1) {
      const v = m[i] ?? Number.NaN;
      if (v !== 0 && v !== 1) throw new LossArgumentError(loss, 'options.mask', `must hold 0/1 (or booleans), got ${v} at flat index ${i}`);
      const bid = bidValues[i] ?? Number.NaN;
      if (v === 1 && !(bid > 0 && Number.isFinite(bid))) {
        throw new LossArgumentError(loss, 'options.bids', `must be finite and > 0 for valid candidates, got ${bid} at flat index ${i}`);
      }
    }
  }
  // Padded slots: bid 1 and outcome 0 keep every intermediate finite; their pairs get weight 0 below.
  const isValid = tf.greater(valid, 0);
  return {
    outcomes: tf.where(isValid, outcome, tf.zerosLike(outcome)) as tf.Tensor2D,
    logits: tf.where(isValid, s, tf.zerosLike(s)) as tf.Tensor2D,
    bids: tf.where(isValid, b, tf.onesLike(b)) as tf.Tensor2D,
    valid: valid as tf.Tensor2D,
  };
}

function checkUnitInterval(t: tf.Tensor, valid: tf.Tensor, argument: string, loss: string): void {
  const values = t.dataSync();
  const m = valid.dataSync();
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i] ?? Number.NaN;
    if ((m[i] ?? 0) !== 0 && !(v >= 0 && v <= 1)) {
      throw new LossArgumentError(loss, argument, `must lie in [0, 1] (a click or a CTR) for valid candidates, got ${v} at flat index ${i}`);
    }
  }
}

/**
 * The pair weights of the welfare rank loss, `[A, S, S]`: `w_ij = (v_i − v_j)_+` (`gap`) or `v_i` (`linear`) for
 * ordered pairs `i ≠ j` of valid candidates, 0 elsewhere, `v = values` (bid × outcome, already in the loss's unit).
 * Exported so that other pair weights (e.g. the paper's exact variant) can be assembled with the same pieces.
 * No gradient flows through the weights.
 */
export function welfarePairWeights(values: tf.Tensor2D, valid: tf.Tensor2D, weighting: WelfarePairWeighting = 'gap'): tf.Tensor3D {
  return tf.tidy(() => {
    const size = values.shape[1];
    const offDiagonal = tf.sub(1, tf.eye(size));
    const pairValid = tf.mul(tf.mul(tf.expandDims(valid, 2), tf.expandDims(valid, 1)), offDiagonal);
    const raw =
      weighting === 'gap'
        ? tf.relu(tf.sub(tf.expandDims(values, 2), tf.expandDims(values, 1)))
        : tf.broadcastTo(tf.expandDims(values, 2), [values.shape[0], size, size]);
    return stopGradient(tf.mul(raw, pairValid)) as tf.Tensor3D;
  });
}

/**
 * The scaled score differences `d_ij = (u_i − u_j)/τ`, `[A, S, S]`, with `u = b·σ(s)` (`ecpm`) or
 * `u = log b + log σ(s) = log b − softplus(−s)` (`logEcpm`); `σ` and `softplus` are the stable forms of
 * `stable-math.ts`, so scores of ±50 give finite values and gradients.
 */
export function ecpmDifferences(logits: tf.Tensor2D, bids: tf.Tensor2D, temperature: number, space: WelfareScoreSpace = 'ecpm'): tf.Tensor3D {
  return tf.tidy(() => {
    const u = space === 'ecpm' ? tf.mul(bids, sigmoid(logits)) : tf.sub(tf.log(bids), softplus(tf.neg(logits)));
    const d = tf.sub(tf.expandDims(u, 2), tf.expandDims(u, 1));
    return (temperature === 1 ? d : tf.div(d, temperature)) as tf.Tensor3D;
  });
}

function surrogateOf(name: WelfarePairSurrogate): (d: tf.Tensor) => tf.Tensor {
  return name === 'logistic' ? (d) => softplus(tf.neg(d)) : (d) => tf.relu(tf.sub(1, d));
}

const PAIR_WEIGHTINGS: readonly WelfarePairWeighting[] = ['gap', 'linear'];
const SURROGATES: readonly WelfarePairSurrogate[] = ['logistic', 'hinge'];
const SPACES: readonly WelfareScoreSpace[] = ['ecpm', 'logEcpm'];
const NORMALIZATIONS: readonly WelfareNormalization[] = ['none', 'pairCount', 'totalWeight', 'batchWeight'];
const UNITS: readonly WelfareTemperatureUnit[] = ['meanBid', 'absolute'];

function checkChoice<T extends string>(value: T | undefined, fallback: T, allowed: readonly T[], argument: string, loss: string): T {
  const v = value ?? fallback;
  if (!allowed.includes(v)) {
    throw new LossArgumentError(loss, argument, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got '${String(v)}'`);
  }
  return v;
}

const FLOAT32_MIN_NORMAL = 1.1754943508222875e-38;

function welfareRankLoss_(targets: TensorInput, logits: TensorInput, options: WelfareRankLossOptions): tf.Tensor {
  if ((options as WelfareRankLossOptions | undefined) === undefined) {
    throw new LossArgumentError(LOSS, 'options.bids', 'is required: the cost-per-click bid of every candidate, [A, S]');
  }
  const weighting = checkChoice(options.pairWeighting, 'gap', PAIR_WEIGHTINGS, 'options.pairWeighting', LOSS);
  const surrogate = checkChoice(options.surrogate, 'logistic', SURROGATES, 'options.surrogate', LOSS);
  const space = checkChoice(options.scoreSpace, 'ecpm', SPACES, 'options.scoreSpace', LOSS);
  const normalization = checkChoice(options.normalization, 'none', NORMALIZATIONS, 'options.normalization', LOSS);
  const unit = checkChoice(options.temperatureUnit, 'meanBid', UNITS, 'options.temperatureUnit', LOSS);
  const temperature = checkNumberOption(
    options.temperature ?? (space === 'ecpm' ? 0.05 : 1),
    (v) => v > 0 && Number.isFinite(v),
    'a finite number > 0',
    'options.temperature',
    LOSS,
  );
  const reduction = resolveReduction(options, 'mean', LOSS);
  const auctions = readAuctions(targets, logits, options, LOSS);
  const { valid, bids } = auctions;
  const validate = options.validate ?? true;
  const auctionWeights = prepareWeights(options.weights, [valid.shape[0]], LOSS, validate);

  // The bid unit b̄ (a constant of the batch, no gradient).
  let scaledBids = bids;
  if (unit === 'meanBid') {
    const meanBid = tf.div(tf.sum(tf.mul(bids, valid)), tf.maximum(tf.sum(valid), 1));
    scaledBids = tf.div<tf.Tensor2D>(bids, stopGradient(meanBid));
  }
  const values = tf.mul<tf.Tensor2D>(scaledBids, auctions.outcomes);
  const w = welfarePairWeights(values, valid, weighting);
  const d = ecpmDifferences(auctions.logits, space === 'ecpm' ? scaledBids : bids, temperature, space);
  const pairLosses = surrogateOf(surrogate)(d);
  let perAuction: tf.Tensor = tf.sum(tf.mul(w, pairLosses), [1, 2]);
  if (normalization === 'pairCount') {
    const n = tf.sum(valid, 1);
    perAuction = tf.div(perAuction, tf.maximum(tf.mul(n, tf.sub(n, 1)), 1));
  } else if (normalization === 'totalWeight') {
    perAuction = tf.div(perAuction, tf.maximum(tf.sum(w, [1, 2]), FLOAT32_MIN_NORMAL));
  } else if (normalization === 'batchWeight') {
    perAuction = tf.div(perAuction, tf.maximum(tf.mean(tf.sum(w, [1, 2])), FLOAT32_MIN_NORMAL));
  }
  const weighted = auctionWeights === undefined ? perAuction : tf.mul(perAuction, auctionWeights);
  return reduceWeightedLosses(weighted, auctionWeights, reduction);
}

/**
 * Welfare-weighted pairwise rank loss for CTR models in single-slot ad auctions — **our specification** of the idea
 * of Lyu, Feng, Robertson & Koyejo (ICML 2023, "Pairwise Ranking Losses of Click-Through Rates Prediction for Welfare
 * Maximization in Ad Auctions"), whose text beyond the abstract we could not read. It is not a transcription of the
 * paper's loss; its pieces ({@link welfarePairWeights}, {@link ecpmDifferences}, the surrogate, the normalisation)
 * are separate so the paper's exact variant can be assembled from them.
 *
 * An auction `q` has candidates `i` with CPC bid `b_i > 0`, outcome `t_i` (a click, a teacher CTR, or their mix),
 * model logit `s_i` and predicted eCPM `ê_i = b_i·σ(s_i)`; the slot goes to the highest `ê_i`. The welfare lost by the
 * model's allocation is bounded by the value gaps of the pairs it orders wrongly,
 * `W* − W ≤ Σ_{i≠j} (b_i p_i − b_j p_j)_+ · 1[ê_j ≥ ê_i]`; the loss replaces the indicator with a surrogate:
 *
 *     L_q = Σ_{i≠j ∈ q} w_ij · φ(d_ij),   d_ij = (ê_i − ê_j)/τ,   w_ij = (b_i t_i − b_j t_j)_+  or  b_i t_i,
 *     loss = reduce_q( L_q / norm_q )
 *
 * with `φ(d) = log(1 + e^{−d})` (or `max(0, 1 − d)`). Defaults: gap weights, logistic `φ`, eCPM space, `τ = 0.05`
 * in units of the batch mean bid (weights in the same unit), no per-auction normalisation, mean over auctions.
 * The pair weights carry no gradient. Why eCPM differences and not log-eCPM: in a pilot on synthetic auctions with
 * known CTRs (generator A of the CTR research note; linear model, 4 seeds) the welfare ratio was 0.76–0.77 for
 * logloss, ≈ 0.73 for the log-space form and 0.80–0.81 for the eCPM-space gap form.
 *
 * Rank losses are shift-invariant in effect and do not calibrate: combine with logloss ({@link combinedWelfareLoss})
 * or recalibrate afterwards (`fitMultiplicativeCalibration` of @counterweight/solvers, which keeps the eCPM order of
 * every auction).
 *
 * Shapes: `targets`, `logits`, `options.bids`, `options.mask`, `options.teacher` `[A, S]` (A auctions padded to S
 * candidates); `options.weights` `[A]`. Memory: a few `[A, S, S]` tensors — linear in the number of auctions,
 * quadratic only within one (S = 256 candidates costs 256 KiB per tensor per auction).
 *
 * @throws LossArgumentError naming the argument for shapes other than `[A, S]`, a missing `bids`, bids ≤ 0 or
 *   outcomes outside [0, 1] on valid candidates, a mask that is not 0/1, NaN/Inf, or an unknown option value.
 */
export const welfareRankLoss = tf.op({ welfareRankLoss_ });

/** Options of {@link combinedWelfareLoss}: the rank loss's options plus the mixing weight. */
export interface CombinedWelfareLossOptions extends Omit<WelfareRankLossOptions, 'normalization' | 'reduction' | 'weights'> {
  /** `λ` in [0, 1]: the weight of logloss. Default 0.5. λ = 1 is logloss alone, λ = 0 the rank term alone. */
  readonly lambda?: number;
}

const COMBINED = 'combinedWelfareLoss';

function combinedWelfareLoss_(targets: TensorInput, logits: TensorInput, options: CombinedWelfareLossOptions): tf.Tensor {
  if ((options as CombinedWelfareLossOptions | undefined) === undefined) {
    throw new LossArgumentError(COMBINED, 'options.bids', 'is required: the cost-per-click bid of every candidate, [A, S]');
  }
  const lambda = checkNumberOption(options.lambda ?? 0.5, (v) => v >= 0 && v <= 1, 'a number in [0, 1]', 'options.lambda', COMBINED);
  const { lambda: _unused, ...rankOptions } = options;
  void _unused;
  // Each term only when it has weight: λ = 1 is plain logloss (no pair tensors built), λ = 0 the rank term alone.
  const rank = lambda === 1 ? undefined : welfareRankLoss(targets, logits, { ...rankOptions, normalization: 'batchWeight', reduction: 'mean' });
  if (rank !== undefined && lambda === 0) return rank;
  // Logloss on the clicks (not the teacher mix): it is the calibration anchor.
  const y = toFloatTensor(targets, 'targets', COMBINED);
  const s = toFloatTensor(logits, 'logits', COMBINED);
  const valid = options.mask === undefined ? tf.ones(s.shape) : toFloatTensor(options.mask, 'options.mask', COMBINED);
  if (rank === undefined) {
    // The rank term did not run, so its argument checks did not either.
    if (s.rank !== 2) throw new LossArgumentError(COMBINED, 'logits', `must have shape [A, S] (one auction per row), got [${s.shape.join(',')}]`);
    assertSameShape(y, s, 'targets', 'logits', COMBINED);
    assertSameShape(valid, s, 'options.mask', 'logits', COMBINED);
    if (options.validate ?? true) {
      assertFinite(s, 'logits', COMBINED);
      checkUnitInterval(y, valid, 'targets', COMBINED);
    }
  }
  const isValid = tf.greater(valid, 0);
  const safeS = tf.where(isValid, s, tf.zerosLike(s));
  const safeY = tf.where(isValid, y, tf.zerosLike(y));
  // −[y log σ(s) + (1 − y) log σ(−s)] = softplus(s) − y·s
  const pointwise = tf.mul(tf.sub(softplus(safeS), tf.mul(safeY, safeS)), valid);
  const logloss = tf.div(tf.sum(pointwise), tf.maximum(tf.sum(valid), 1));
  if (rank === undefined) return logloss;
  return tf.add(tf.mul(logloss, lambda), tf.mul(rank, 1 - lambda));
}

/**
 * `λ·logloss + (1 − λ)·welfareRank`: the welfare rank loss with a pointwise anchor that keeps the predicted CTRs
 * calibrated (rank losses alone leave the CTR level free). The two terms are put on the same scale: logloss is the
 * mean over valid candidates of `−[y log σ(s) + (1 − y) log σ(−s)]`, and the rank term is the batch's pair-weighted
 * mean `Σ w·φ / Σ w` (`normalization: 'batchWeight'`, mean over auctions) — both are means of log-losses, ≈ log 2
 * for an uninformative model, so `λ` reads as the share of the objective, whatever the bids or the auction size.
 * Logloss uses the click labels `targets` even when a teacher shapes the rank term.
 *
 * Shapes and the remaining options as {@link welfareRankLoss}; default `λ = 0.5`. Returns a scalar.
 */
export const combinedWelfareLoss = tf.op({ combinedWelfareLoss_ }) as (
  targets: TensorInput,
  logits: TensorInput,
  options: CombinedWelfareLossOptions,
) => tf.Scalar;
