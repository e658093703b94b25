import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import { prepareWeights, reduceWeightedLosses, resolveReduction, type Reduction, type WeightingOptions } from './reduction.js';
import { softmaxCrossEntropy } from './softmax-cross-entropy.js';
import { DEFAULT_IGNORE_INDEX, toTokenInputs } from './token-inputs.js';
import { checkNumberOption, toFloatTensor, type TensorInput } from './validation.js';

const LOSS = 'numberTokenLoss';
const COMBINED = 'crossEntropyWithNumberTokenLoss';
const DIGIT_VALUE = 'expectedDigitValue';
const DIGIT_IDS = 'digitTokenIdsOf';

/** `was`: NTL-WAS, `Σ_k p_k |k − y|` (Wasserstein-1 to the one-hot target); `mse`: NTL-MSE, `(Σ_k p_k k − y)²`. */
export type NumberTokenLossVariant = 'was' | 'mse';

/**
 * What happens at positions whose target is the ignore index: `mask` (default) drops them; `reference` does what the
 * reference classes do — NTL-WAS replaces the label by token id 0 (a non-digit in T5's vocabulary, so the position
 * drops out, but counted as a digit if token 0 is one), NTL-MSE indexes its value table with the negative label,
 * i.e. Python's wrap-around to token `V + ignoreIndex` (counted when that token is a digit; an error when `V` is
 * smaller than `−ignoreIndex`, where the reference raises IndexError).
 */
export type IgnoredLabelHandling = 'mask' | 'reference';

/** Options of {@link numberTokenLoss}. */
export interface NumberTokenLossOptions extends WeightingOptions {
  /**
   * The tokenizer's ids of the digit tokens (required): `digitTokenIds[d]` is the id of the single-digit token `d`,
   * in any order in the vocabulary (contiguous or permuted). Normally 10 ids; a vocabulary with only the digits
   * `0..K−1` gives K ≥ 2 ids. Distinct integers in [0, V).
   */
  readonly digitTokenIds: readonly number[];
  /** Default `was` (the paper's default, `ntloss.NTLoss`). */
  readonly variant?: NumberTokenLossVariant;
  /** Target id of padding tokens. Default −100; `null` for none. */
  readonly ignoreIndex?: number | null;
  /** Default `mask`; see {@link IgnoredLabelHandling}. */
  readonly ignoredLabels?: IgnoredLabelHandling;
}

/** Options of {@link crossEntropyWithNumberTokenLoss}: those of {@link numberTokenLoss} plus λ. */
export interface CrossEntropyWithNumberTokenLossOptions extends NumberTokenLossOptions {
  /** Weight λ ≥ 0 of the number token loss in `CE + λ·NTL`. Default 0.3 (`CEWithNTL`, `vanilla_t5_ntl.yaml`). */
  readonly lambda?: number;
}

function checkDigitIds(value: unknown, vocab: number, loss: string): number[] {
  if (value === undefined || value === null) throw new LossArgumentError(loss, 'options.digitTokenIds', 'is required (the tokenizer\'s ids of the digits 0–9)');
  if (!Array.isArray(value) || value.length < 2 || value.length > 10) {
    throw new LossArgumentError(loss, 'options.digitTokenIds', `must be an array of 2 to 10 token ids (digit d at index d), got ${Array.isArray(value) ? `${value.length} ids` : typeof value}`);
  }
  const ids = value as unknown[];
  ids.forEach((id, d) => {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= vocab) {
      throw new LossArgumentError(loss, 'options.digitTokenIds', `must hold integer ids in [0, ${vocab - 1}] for a vocabulary of ${vocab}, got ${String(id)} for digit ${d}`);
    }
  });
  if (new Set(ids).size !== ids.length) throw new LossArgumentError(loss, 'options.digitTokenIds', `must not repeat an id, got [${ids.join(', ')}]`);
  return ids as number[];
}

/**
 * The digit token ids of a tokenizer's vocabulary (`vocabulary[id]` = the token's text): `result[d]` is the id of the
 * token that is exactly the digit `d` ("0"…"9"), for `numberTokenLoss`'s `digitTokenIds`. A token with surrounding
 * whitespace (GPT-2's " 5") counts when the vocabulary has no bare one; SentencePiece's "▁5" does not (the T5 setup of
 * the paper splits numbers into bare digit tokens). The reference treats every token whose stripped text is a single
 * digit as a number token, so a vocabulary with both "5" and " 5" gets two tokens of value 5 there and one here.
 * @throws LossArgumentError (argument `vocabulary`) naming the digits the vocabulary lacks, or two candidates of one digit.
 */
export function digitTokenIdsOf(vocabulary: readonly string[]): number[] {
  if (!Array.isArray(vocabulary)) throw new LossArgumentError(DIGIT_IDS, 'vocabulary', `must be an array of token strings, got ${typeof vocabulary}`);
  const bare = new Map<number, number>();
  const padded = new Map<number, number[]>();
  vocabulary.forEach((token, id) => {
    if (typeof token !== 'string') return;
    const stripped = token.trim();
    if (stripped.length !== 1 || stripped < '0' || stripped > '9') return;
    const digit = stripped.charCodeAt(0) - 48;
    if (token === stripped) bare.set(digit, id);
    else padded.set(digit, [...(padded.get(digit) ?? []), id]);
  });
  const missing: number[] = [];
  const ids = Array.from({ length: 10 }, (_, d) => {
    const exact = bare.get(d);
    if (exact !== undefined) return exact;
    const candidates = padded.get(d) ?? [];
    if (candidates.length > 1) {
      throw new LossArgumentError(DIGIT_IDS, 'vocabulary', `has ${candidates.length} tokens for the digit ${d} (ids ${candidates.join(', ')}) and no bare "${d}"; pass digitTokenIds yourself`);
    }
    if (candidates.length === 0) missing.push(d);
    return candidates[0] ?? -1;
  });
  if (missing.length > 0) {
    throw new LossArgumentError(DIGIT_IDS, 'vocabulary', `has no token for the digit(s) ${missing.join(', ')} (add them to the tokenizer, as the reference does)`);
  }
  return ids;
}

function numberTokenLoss_(targets: TensorInput, logits: TensorInput, options: NumberTokenLossOptions): tf.Tensor {
  const reduction = resolveReduction(options ?? {}, 'mean', LOSS);
  const validate = options?.validate ?? true;
  const ignoreIndex = options?.ignoreIndex === null ? undefined : (options?.ignoreIndex ?? DEFAULT_IGNORE_INDEX);
  const { logits: x, labels, valid, vocab } = toTokenInputs(targets, logits, LOSS, validate, ignoreIndex);
  const weights = prepareWeights(options?.weights, labels.shape, LOSS, validate);
  const digitIds = checkDigitIds(options?.digitTokenIds, vocab, LOSS);
  const variant = options.variant ?? 'was';
  if (variant !== 'was' && variant !== 'mse') throw new LossArgumentError(LOSS, 'options.variant', `must be 'was' or 'mse', got '${String(variant)}'`);
  const handling = options.ignoredLabels ?? 'mask';
  if (handling !== 'mask' && handling !== 'reference') {
    throw new LossArgumentError(LOSS, 'options.ignoredLabels', `must be 'mask' or 'reference', got '${String(handling)}'`);
  }
  const K = digitIds.length;

  // Which vocabulary entries are digits, and their values; then the target's value and whether it is a digit.
  const valueOf = new Float32Array(vocab);
  const isDigit = new Float32Array(vocab);
  const selection = new Float32Array(vocab * K);
  digitIds.forEach((id, d) => {
    valueOf[id] = d;
    isDigit[id] = 1;
    selection[id * K + d] = 1;
  });
  let ids = labels;
  let counted = valid;
  if (handling === 'reference' && ignoreIndex !== undefined) {
    const replacement = variant === 'was' ? 0 : vocab + ignoreIndex;
    const anyIgnored = valid !== undefined && (tf.min(valid).dataSync()[0] ?? 1) === 0;
    if (anyIgnored && (replacement < 0 || replacement >= vocab)) {
      throw new LossArgumentError(LOSS, 'options.ignoredLabels', `'reference' with NTL-MSE wraps label ${ignoreIndex} to token ${replacement}, outside a vocabulary of ${vocab} (the reference raises IndexError)`);
    }
    if (anyIgnored) ids = tf.where(tf.cast(valid, 'bool'), labels, tf.fill(labels.shape, replacement, 'int32'));
    counted = undefined;
  }
  const y = tf.gather(tf.tensor1d(valueOf), ids);
  let digitTarget = tf.gather(tf.tensor1d(isDigit), ids);
  if (counted !== undefined) digitTarget = tf.mul(digitTarget, counted);

  // Softmax over the digit logits only (selected by a matmul, whose gradient every backend has), renormalised.
  const flat = tf.reshape(x, [-1, vocab]);
  const digitLogits = tf.reshape(tf.matMul(flat, tf.tensor2d(selection, [vocab, K])), [...labels.shape, K]);
  const p = tf.softmax(digitLogits);
  const values = tf.range(0, K, 1, 'float32');
  const yk = tf.expandDims(y, -1);
  const perPosition =
    variant === 'was' ? tf.sum(tf.mul(p, tf.abs(tf.sub(values, yk))), -1) : tf.square(tf.sub(tf.sum(tf.mul(p, values), -1), y));
  const totals = weights === undefined ? digitTarget : tf.mul(digitTarget, weights);
  const weighted = tf.mul(perPosition, totals);
  if (reduction === 'mean' && options.avgFactor === undefined) {
    // The reference's torch.mean over digit positions (0, not NaN, without any).
    return tf.div(reduceWeightedLosses(weighted, totals, 'sum'), tf.maximum(tf.sum(digitTarget), 1));
  }
  return reduceWeightedLosses(weighted, totals, reduction, options.avgFactor);
}

/**
 * Number token loss (Zausinger et al., ICML 2025, "Regress, don't guess"): a regression loss on the digit tokens of a
 * language model. At every position whose target is a digit token `y` ∈ {0..9}, with `p = softmax` of the logits of
 * the digit tokens only (renormalised over the digits):
 *
 *     NTL-WAS:  l = Σ_k p_k · |k − y|          (Wasserstein-1 between p and the one-hot target; the paper's default)
 *     NTL-MSE:  l = (Σ_k p_k · k − y)²
 *
 * Positions whose target is not a digit count nothing and get no gradient; non-digit vocabulary entries get zero
 * gradient. Shapes: `logits` `[..., V]` (`[B, T, V]` or `[N, V]`), `targets` ids `[...]`; `options.digitTokenIds`
 * (required) `digitTokenIds[d]` = id of digit d, any layout. Side inputs: `weights` (the `tokenWeights` extra).
 * Reduction default `mean` over digit positions (the reference's `torch.mean` of the valid positions; 0 when there are
 * none, where the reference gives NaN); `none` gives `[...]` with 0 at non-digit positions (the reference's `none` is
 * the vector of the digit positions in row-major order); `sum`; `sumOverWeights` divides by the token weights of the
 * digit positions. Ignored positions (`ignoreIndex`, default −100) are masked; `ignoredLabels: 'reference'` keeps the
 * reference's handling (see {@link IgnoredLabelHandling}). Stable at logits of ±50 (max-shifted softmax).
 *
 * Reference: tum-ai/number-token-loss (df2aa87) `src/ntl/loss_functions/abs_diff_number_token_loss.py`
 * (`AbsDiffNumberTokenLoss`, the training script's NTL-WAS) and `number_token_loss.py` (`NumberTokenLoss`,
 * `F.mse_loss`); parity vectors `ntl_was.json`, `ntl_mse.json`.
 * @throws LossArgumentError naming the argument for missing or bad digit ids, shape mismatches, ids out of range,
 *   NaN/Inf logits, negative weights, an unknown variant, handling or reduction.
 */
export const numberTokenLoss = tf.op({ numberTokenLoss_ });

function expectedDigitValue_(logits: TensorInput, options: Pick<NumberTokenLossOptions, 'digitTokenIds'>): tf.Tensor {
  const x = toFloatTensor(logits, 'logits', DIGIT_VALUE);
  if (x.rank < 1) throw new LossArgumentError(DIGIT_VALUE, 'logits', 'must have rank >= 1 ([..., V]), got a scalar');
  const vocab = x.shape[x.rank - 1] ?? 0;
  const digitIds = checkDigitIds(options?.digitTokenIds, vocab, DIGIT_VALUE);
  const p = tf.softmax(tf.gather(x, tf.tensor1d(digitIds, 'int32'), x.rank - 1));
  return tf.sum(tf.mul(p, tf.range(0, digitIds.length, 1, 'float32')), -1);
}

/**
 * The model's expected digit `ŷ = Σ_k softmax(digit logits)_k · k` at every position (`[..., V]` → `[...]`): the
 * prediction NTL-MSE regresses (the reference's `yhat`), also a decoding-free reading of a digit prediction.
 * Not differentiated (use {@link numberTokenLoss} to train). @throws LossArgumentError for bad digit ids or logits.
 */
export const expectedDigitValue = tf.op({ expectedDigitValue_ });

function crossEntropyWithNumberTokenLoss_(targets: TensorInput, logits: TensorInput, options: CrossEntropyWithNumberTokenLossOptions): tf.Tensor {
  const reduction: Reduction = resolveReduction(options ?? {}, 'mean', COMBINED);
  const lambda = checkNumberOption(options?.lambda ?? 0.3, (v) => v >= 0 && Number.isFinite(v), 'a finite number >= 0', 'options.lambda', COMBINED);
  const ignoreIndex = options?.ignoreIndex === null ? undefined : (options?.ignoreIndex ?? DEFAULT_IGNORE_INDEX);
  const ntl = numberTokenLoss(targets, logits, options);
  const ce = softmaxCrossEntropy(targets, logits, {
    ...(ignoreIndex === undefined ? {} : { ignoreIndex }),
    ...(options.weights === undefined ? {} : { weights: options.weights }),
    reduction: reduction === 'mean' ? 'sumOverWeights' : reduction,
    ...(options.avgFactor === undefined ? {} : { avgFactor: options.avgFactor }),
    validate: false,
  });
  return tf.add(ce, tf.mul(lambda, ntl));
}

/**
 * The number-token training objective `CE + λ·NTL` (Zausinger et al., ICML 2025): token cross-entropy over every
 * counted token plus λ times {@link numberTokenLoss} over the digit positions, each with its own reduction: `mean`
 * (default) = CE averaged over the non-ignored tokens + λ·NTL averaged over the digit positions, as `CEWithNTL` of
 * `base_number_token_loss.py` (`F.cross_entropy(ignore_index=-100)` + `ntl_weight`·NTL); `sum` sums both; `none`
 * adds them per position (`[...]`). Default λ = 0.3 (`config/model_args/vanilla_t5_ntl.yaml`), variant `was`.
 * Shapes, side inputs and errors as {@link numberTokenLoss}.
 */
export const crossEntropyWithNumberTokenLoss = tf.op({ crossEntropyWithNumberTokenLoss_ });
