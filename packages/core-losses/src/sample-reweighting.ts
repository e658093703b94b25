import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import { prepareWeights, reduceWeightedLosses, resolveReduction, type WeightingOptions } from './reduction.js';
import { DEFAULT_IGNORE_INDEX, toTokenInputs, tokenCrossEntropy } from './token-inputs.js';
import { checkNumberOption, toFloatTensor, type TensorInput } from './validation.js';

const LOSS = 'sampleReweightedLoss';
const WEIGHTS = 'sampleReweightingWeights';

/**
 * Strategy functions `f(h)` of the normalised loss `h ∈ [−1, 1]` (Sow et al., 2025; names in `trainer.py` in brackets):
 * `linUpper` [linupper] `min(h + 1, 1)` (down-weights the lowest losses), `quadratic` [mid] `1 − h²` (favours the
 * middle), `extremes` [extremes] `|h|` (favours both ends), `uniform` `0` (equal weights: the baseline's plain average).
 */
export const SAMPLE_REWEIGHTING_STRATEGIES = ['linUpper', 'quadratic', 'extremes', 'uniform'] as const;
/** One of {@link SAMPLE_REWEIGHTING_STRATEGIES}. */
export type SampleReweightingStrategy = (typeof SAMPLE_REWEIGHTING_STRATEGIES)[number];

/**
 * How much each sequence counts in the plain average that uniform weights give: `tokens` (default, `trainer.py`:
 * `n_i / Σ n`, the token-level mean) or `equal` (`1/B`, the README snippet and fms-fsdp: the mean of sequence losses).
 */
export type SequenceShare = 'tokens' | 'equal';

/** Options of {@link sampleReweightingWeights}. */
export interface SampleReweightingWeightOptions {
  /** Default `linUpper` (the paper's recommendation). */
  readonly strategy?: SampleReweightingStrategy;
  /** Temperature r > 0 of `softmax(f/r)` (`kl_reg`): large r → uniform. Default 1 (`trainer.py`'s default). */
  readonly temperature?: number;
  /** 1 for a sequence that takes part, 0 for one without tokens (excluded from min/max, weight 0). `[B]`. */
  readonly active?: TensorInput;
}

/** Options of {@link sampleReweightedLoss}. */
export interface SampleReweightedLossOptions extends WeightingOptions, Omit<SampleReweightingWeightOptions, 'active'> {
  /** Target id of padding tokens. Default −100 (the reference's `ignore_index`); `null` for none. */
  readonly ignoreIndex?: number | null;
  /** Token mask `[B, T]` (the `mask` extra): 1 for a real token, 0 for padding; combined with `ignoreIndex`. */
  readonly mask?: TensorInput;
  /**
   * `true`: targets are the inputs (Hugging Face labels) and the loss shifts them as the reference does (logits
   * `[:, :-1]` predict targets `[:, 1:]`). Default `false`: targets are already the next tokens.
   */
  readonly shiftLabels?: boolean;
  /** Default `tokens`; see {@link SequenceShare}. */
  readonly sequenceShare?: SequenceShare;
}

const FLOAT32_MAX = 3.4028234663852886e38;

function strategyOf(value: SampleReweightingStrategy | undefined, loss: string): SampleReweightingStrategy {
  const strategy: string = value ?? 'linUpper';
  if (!SAMPLE_REWEIGHTING_STRATEGIES.includes(strategy as SampleReweightingStrategy)) {
    throw new LossArgumentError(loss, 'options.strategy', `must be one of ${SAMPLE_REWEIGHTING_STRATEGIES.map((s) => `'${s}'`).join(', ')}, got '${String(strategy)}'`);
  }
  return strategy as SampleReweightingStrategy;
}

/** softmax(f(h(l))/r) over the active sequences, with a zero gradient for every input (the weights are constants). */
function weightsOp(strategy: SampleReweightingStrategy, r: number): (losses: tf.Tensor, active: tf.Tensor) => tf.Tensor {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [l, a] = args as [tf.Tensor, tf.Tensor];
    const on = tf.greater(a, 0);
    const lMin = tf.min(tf.where(on, l, tf.fill(l.shape, FLOAT32_MAX)));
    const lMax = tf.max(tf.where(on, l, tf.fill(l.shape, -FLOAT32_MAX)));
    // h_func (trainer.py): 2δ·l/max(l_max − l_min, 1e-6) − δ(l_max + l_min)/max(l_max − l_min, 1e-6), δ = 1
    const den = tf.maximum(tf.sub(lMax, lMin), 1e-6);
    const h = tf.sub(tf.div(tf.mul(2, l), den), tf.div(tf.add(lMax, lMin), den));
    const f =
      strategy === 'linUpper' ? tf.minimum(tf.add(h, 1), 1) : strategy === 'quadratic' ? tf.sub(1, tf.square(h)) : strategy === 'extremes' ? tf.abs(h) : tf.zerosLike(h);
    const fMax = tf.max(tf.where(on, f, tf.fill(f.shape, -FLOAT32_MAX)));
    const g = tf.mul(tf.exp(tf.div(tf.sub(f, fMax), r)), tf.cast(on, 'float32'));
    return { value: tf.div(g, tf.maximum(tf.sum(g), Number.MIN_VALUE)), gradFunc: () => [tf.zerosLike(l), tf.zerosLike(a)] };
  });
  return (losses, active) => op(losses, active);
}

function sampleReweightingWeights_(sequenceLosses: TensorInput, options: SampleReweightingWeightOptions = {}): tf.Tensor {
  const l = toFloatTensor(sequenceLosses, 'sequenceLosses', WEIGHTS);
  if (l.rank !== 1 || l.size === 0) throw new LossArgumentError(WEIGHTS, 'sequenceLosses', `must be a non-empty vector [B], got shape [${l.shape.join(',')}]`);
  const strategy = strategyOf(options.strategy, WEIGHTS);
  const r = checkNumberOption(options.temperature ?? 1, (v) => v > 0, 'a number > 0 (Infinity: uniform)', 'options.temperature', WEIGHTS);
  const active = options.active === undefined ? tf.onesLike(l) : toFloatTensor(options.active, 'options.active', WEIGHTS);
  if (!tf.util.arraysEqual(active.shape, l.shape)) {
    throw new LossArgumentError(WEIGHTS, 'options.active', `must have the shape of 'sequenceLosses' [${l.shape.join(',')}], got [${active.shape.join(',')}]`);
  }
  return weightsOp(strategy, r)(l, active);
}

/**
 * The sample weights of loss-based reweighting (Sow et al., ICLR 2025), exactly as the reference trainer computes them
 * from a batch's per-sequence losses `l` `[B]`:
 *
 *     h_i = (2·l_i − (l_max + l_min)) / max(l_max − l_min, 1e-6)      (min–max normalisation to [−1, 1])
 *     w = softmax(f(h)/r)                                               (Σ w = 1; at most e^{1/r} apart)
 *
 * with `f` the strategy ({@link SAMPLE_REWEIGHTING_STRATEGIES}) and r the temperature. The weights are constants:
 * their gradient with respect to the losses is zero (the reference computes them from detached losses under
 * `torch.no_grad`). Sequences marked inactive (no tokens) get weight 0 and do not enter l_min / l_max.
 *
 * Reference: sowmaster/Sample-Level-Loss-Reweighting-ICLR-2025 (81a9377) `src/trainer.py`: `h_func`, `f_func_*`,
 * `g_func` (lines 121–140) and `training_step` (lines 1215–1222).
 * @throws LossArgumentError naming the argument for a non-vector, an unknown strategy or a temperature ≤ 0.
 */
export const sampleReweightingWeights = tf.op({ sampleReweightingWeights_ });

/** Per-sequence mean token cross-entropy `[B]`, token counts `[B]`, of `[B, T]` targets (reference: `batch_losses_from_logits`). */
export function sequenceCrossEntropy(
  targets: TensorInput,
  logits: TensorInput,
  options: Pick<SampleReweightedLossOptions, 'ignoreIndex' | 'mask' | 'shiftLabels' | 'validate'>,
  loss: string,
): { losses: tf.Tensor1D; tokens: tf.Tensor1D } {
  const validate = options.validate ?? true;
  const ignoreIndex = options.ignoreIndex === null ? undefined : (options.ignoreIndex ?? DEFAULT_IGNORE_INDEX);
  const x0 = toFloatTensor(logits, 'logits', loss);
  // [B] targets with [B, V] logits: B sequences of one token each.
  const oneToken = x0.rank === 2;
  if (x0.rank !== 2 && x0.rank !== 3) throw new LossArgumentError(loss, 'logits', `must have shape [B, T, V] (or [B, V]), got [${x0.shape.join(',')}]`);
  const x3 = oneToken ? tf.expandDims(x0, 1) : x0;
  const expand = (v: TensorInput | undefined, name: string): tf.Tensor | undefined => {
    if (v === undefined) return undefined;
    const t = toFloatTensor(v, name, loss);
    return oneToken && t.rank === 1 ? tf.expandDims(t, 1) : t;
  };
  let mask = expand(options.mask, 'options.mask');
  let y = expand(targets, 'targets');
  let x = x3;
  if (options.shiftLabels === true) {
    const [b, t, v] = x3.shape as [number, number, number];
    if (t < 2) throw new LossArgumentError(loss, 'options.shiftLabels', `needs sequences of length >= 2, got ${t}`);
    x = tf.slice(x3, [0, 0, 0], [b, t - 1, v]);
    if (y !== undefined && y.rank === 2 && y.shape[1] === t) y = tf.slice(y, [0, 1], [b, t - 1]);
    if (mask !== undefined && mask.rank === 2 && mask.shape[1] === t) mask = tf.slice(mask, [0, 1], [b, t - 1]);
  }
  const inputs = toTokenInputs(y ?? targets, x, loss, validate, ignoreIndex, mask);
  const valid = inputs.valid ?? tf.onesLike(tf.cast(inputs.labels, 'float32'));
  const ce = tf.mul(tokenCrossEntropy(inputs.logits, inputs.labels, inputs.vocab), valid);
  const tokens: tf.Tensor1D = tf.sum(valid, 1);
  // trainer.py line 1066: sum over the sequence / number of active tokens (an empty sequence: 0 here, NaN there)
  return { losses: tf.div<tf.Tensor1D>(tf.sum(ce, 1), tf.maximum(tokens, 1)), tokens };
}

/** The loss with its parts (internal; {@link SampleReweighter} reports the losses and weights). */
export function sampleReweightedParts(
  targets: TensorInput,
  logits: TensorInput,
  options: SampleReweightedLossOptions,
  loss: string,
): { loss: tf.Tensor; losses: tf.Tensor1D; weights: tf.Tensor; tokens: tf.Tensor1D } {
  const reduction = resolveReduction(options, 'sum', loss);
  const validate = options.validate ?? true;
  const strategy = strategyOf(options.strategy, loss);
  const r = checkNumberOption(options.temperature ?? 1, (v) => v > 0, 'a number > 0 (Infinity: uniform)', 'options.temperature', loss);
  const share = options.sequenceShare ?? 'tokens';
  if (share !== 'tokens' && share !== 'equal') throw new LossArgumentError(loss, 'options.sequenceShare', `must be 'tokens' or 'equal', got '${String(share)}'`);
  const { losses, tokens } = sequenceCrossEntropy(targets, logits, options, loss);
  const weights = prepareWeights(options.weights, losses.shape, loss, validate);
  const active = tf.cast(tf.greater(tokens, 0), 'float32');
  const w = weightsOp(strategy, r)(losses, active);
  // trainer.py line 1226: Σ w_i·(n_i/Σn)·l_i·B (one device); w = 1/B gives back the plain average Σ s_i·l_i.
  const s = share === 'tokens' ? tf.div(tokens, tf.maximum(tf.sum(tokens), 1)) : tf.div(active, tf.maximum(tf.sum(active), 1));
  let factor = tf.mul(tf.mul(w, s), tf.sum(active));
  if (weights !== undefined) factor = tf.mul(factor, weights);
  return { loss: reduceWeightedLosses(tf.mul(losses, factor), factor, reduction, options.avgFactor), losses, weights: w, tokens };
}

function sampleReweightedLoss_(targets: TensorInput, logits: TensorInput, options: SampleReweightedLossOptions = {}): tf.Tensor {
  return sampleReweightedParts(targets, logits, options, LOSS).loss;
}

/**
 * Loss-based sample reweighting (Sow, Woisetschläger, Jiang, Liang, 2025: "Dynamic loss-based sample reweighting for
 * improved large language model pretraining", ICLR 2025) as its reference trainer computes one step:
 *
 *     l_i = Σ_t CE_it / n_i                  (mean token cross-entropy over the n_i non-padding tokens of sequence i)
 *     w = softmax(f(h(l))/r)                 ({@link sampleReweightingWeights}: detached, Σ w = 1)
 *     loss = B · Σ_i w_i · s_i · l_i          (s_i = n_i/Σn; = Σ_i s_i l_i, the token mean, when w is uniform)
 *
 * Gradients flow through `l_i` only. Warm-up (the trainer's `burnout_steps`, plain averaging for the first 1000
 * steps) is a property of a training run, not of one batch: {@link SampleReweighter} counts steps and reports the
 * weights; here, pass `strategy: 'uniform'` during warm-up.
 *
 * Shapes: `logits` `[B, T, V]` with `targets` `[B, T]` (or `[B, V]` with `[B]`: one token per sequence, per-sample
 * reweighting of a classifier). Side inputs: `mask` `[B, T]` (token mask extra), `weights` `[B]` (multiply the
 * reweighting weights, e.g. domain weights). Defaults: strategy `linUpper`, r = 1, `ignoreIndex` −100,
 * `sequenceShare: 'tokens'`, reduction `sum` of the weighted terms (the reference's value); `none` gives the
 * per-sequence terms `B·w_i·s_i·l_i`, `sumOverWeights` divides by `B·Σ w_i s_i`. A sequence without tokens counts
 * nothing (the reference divides 0 by 0). Stable at logits of ±50 (precision-keeping log-softmax).
 *
 * Reference: sowmaster/Sample-Level-Loss-Reweighting-ICLR-2025 (81a9377) `src/trainer.py` lines 121–140 (`h_func`,
 * `f_func_*`, `g_func`), 1048–1069 (`batch_losses_from_logits`), 1185–1226 (`training_step`: warm-up 1188–1189, weights 1215–1222, loss 1226).
 * @throws LossArgumentError naming the argument for shapes, ids out of range, NaN/Inf logits, bad options.
 */
export const sampleReweightedLoss = tf.op({ sampleReweightedLoss_ });
