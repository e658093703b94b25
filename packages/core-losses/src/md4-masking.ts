import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import { md4SampleTimes, md4Schedule, type Md4Schedule, type Md4ScheduleOptions } from './md4-schedule.js';
import { seededUniform } from './seeded-random.js';
import { toFloatTensor, type TensorInput } from './validation.js';

const NAME = 'md4MaskTokens';

/** Options of {@link md4MaskTokens}. */
export interface Md4MaskingOptions {
  /** The mask token's id (required; MD4 uses the vocabulary size V, so the embedding has V + 1 rows). */
  readonly maskTokenId: number;
  /** Seed of this step's draws (an unsigned 32-bit integer, required): same seed, same times and masks. */
  readonly seed: number;
  /** The schedule or its options (default: linear, ε = 1e-4). */
  readonly schedule?: Md4Schedule | Md4ScheduleOptions;
  /** Antithetic times `t_b = (u + b/B) mod 1` (default true, as the reference) or i.i.d. uniform. */
  readonly antithetic?: boolean;
  /** Use these times `[B]` in [0, 1] instead of drawing them (the masks are still drawn from `seed`). */
  readonly times?: ArrayLike<number>;
  /** Real tokens: `[B, L]` 1 for a token, 0 for padding (never masked, never scored). Default: every token is real. */
  readonly mask?: TensorInput;
}

/** One training step's corruption of a batch, see {@link md4MaskTokens}. */
export interface Md4MaskedBatch {
  /** `z_t` `[B, L]` int32: the tokens with the masked positions replaced by `maskTokenId` (the model's input). */
  readonly noisyTokens: tf.Tensor2D;
  /** `[B, L]` float32, 1 where a token was masked (the positions the loss scores), 0 elsewhere. */
  readonly maskedTokens: tf.Tensor2D;
  /** `[B]` float32 ELBO weights `w(t_b) = −α'(t_b)/(1 − α(t_b))`. */
  readonly elboWeights: tf.Tensor1D;
  /** The times `t_b` `[B]` (float64; a model conditioned on t takes them as input). */
  readonly times: Float64Array;
}

function checkTokens(tokens: TensorInput): { values: Int32Array; shape: [number, number] } {
  const t = tf.tidy(() => toFloatTensor(tokens, 'tokens', NAME));
  try {
    if (t.rank !== 2) throw new LossArgumentError(NAME, 'tokens', `must have shape [B, L], got [${t.shape.join(',')}]`);
    const data = t.dataSync();
    const values = new Int32Array(data.length);
    for (let i = 0; i < data.length; i += 1) {
      const v = data[i] ?? Number.NaN;
      if (!Number.isInteger(v) || v < 0) throw new LossArgumentError(NAME, 'tokens', `must hold non-negative integer token ids, got ${v} at flat index ${i}`);
      values[i] = v;
    }
    return { values, shape: [t.shape[0] ?? 0, t.shape[1] ?? 0] };
  } finally {
    if (t !== tokens) t.dispose();
  }
}

/**
 * The masking sampler of one MD4 training step (Shi et al., NeurIPS 2024): for a batch of token sequences `[B, L]`,
 *
 *  1. draw one time per sequence, `t_b` (antithetic by default, {@link md4SampleTimes});
 *  2. mask each real token independently with probability `1 − α(t_b)` (draw `u ~ U(0, 1)` per token, masked when
 *     `u ≥ α(t_b)`), replacing it by `maskTokenId`;
 *  3. return the noisy tokens, the 0/1 masked-token indicator and the ELBO weights `w(t_b)`, which
 *     `maskedDiffusionLoss` takes by name (`options.maskedTokens`, `options.elboWeights`).
 *
 * Deterministic: the same `seed` gives the same times and masks on every backend (draws in JavaScript, mulberry32;
 * times first, then the tokens in row-major order). Use a new seed every step (e.g. derived from run seed and step).
 * Padding (`options.mask` = 0) is never masked.
 *
 * Reference: google-deepmind/md4 `md4/models/diffusion/md4.py` (b9fbf29): time sampling lines 256–261,
 * `forward_sample` lines 133–138 (keep with probability α(t), else the id `vocab_size`), masked positions
 * `zt == vocab_size` line 216.
 * @throws LossArgumentError naming the argument: `tokens` not `[B, L]` non-negative integers, `options.maskTokenId`
 *   not a non-negative integer, `options.seed` not a 32-bit unsigned integer, `options.times` of the wrong length or
 *   outside [0, 1], `options.mask` of the wrong shape or not 0/1.
 */
export function md4MaskTokens(tokens: TensorInput, options: Md4MaskingOptions): Md4MaskedBatch {
  if (options === undefined || options === null) throw new LossArgumentError(NAME, 'options', 'is required ({ maskTokenId, seed })');
  const { maskTokenId, seed } = options;
  if (!Number.isInteger(maskTokenId) || maskTokenId < 0) {
    throw new LossArgumentError(NAME, 'options.maskTokenId', `must be a non-negative integer (MD4: the vocabulary size), got ${String(maskTokenId)}`);
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new LossArgumentError(NAME, 'options.seed', `must be an integer in [0, 2^32 - 1], got ${String(seed)}`);
  }
  const schedule = options.schedule !== undefined && 'weight' in options.schedule ? options.schedule : md4Schedule(options.schedule ?? {});
  const { values, shape } = checkTokens(tokens);
  const [batch, length] = shape;
  let real: Float32Array | undefined;
  if (options.mask !== undefined) {
    const m = tf.tidy(() => {
      const t = toFloatTensor(options.mask as TensorInput, 'options.mask', NAME);
      if (!tf.util.arraysEqual(t.shape, [batch, length])) {
        throw new LossArgumentError(NAME, 'options.mask', `must have the shape of 'tokens' [${batch},${length}], got [${t.shape.join(',')}]`);
      }
      return t.dataSync() as Float32Array;
    });
    m.forEach((v, i) => {
      if (v !== 0 && v !== 1) throw new LossArgumentError(NAME, 'options.mask', `must hold 0 or 1, got ${v} at flat index ${i}`);
    });
    real = m;
  }
  const random = seededUniform(seed);
  let times: Float64Array;
  if (options.times !== undefined) {
    if (options.times.length !== batch) {
      throw new LossArgumentError(NAME, 'options.times', `must hold one time per sequence (${batch}), got ${options.times.length}`);
    }
    times = Float64Array.from(options.times);
    times.forEach((t, b) => {
      if (!(t >= 0 && t <= 1)) throw new LossArgumentError(NAME, 'options.times', `must lie in [0, 1], got ${t} at index ${b}`);
    });
  } else {
    times = md4SampleTimes(Math.max(batch, 1), random, options.antithetic ?? true).slice(0, batch);
  }
  const noisy = new Int32Array(values.length);
  const masked = new Float32Array(values.length);
  for (let b = 0; b < batch; b += 1) {
    const keep = schedule.alpha(times[b] ?? 0);
    for (let n = 0; n < length; n += 1) {
      const i = b * length + n;
      const u = random();
      const isMasked = (real === undefined || real[i] === 1) && u >= keep;
      masked[i] = isMasked ? 1 : 0;
      noisy[i] = isMasked ? maskTokenId : (values[i] ?? 0);
    }
  }
  const weights = Float32Array.from(times, (t) => schedule.weight(t));
  return {
    noisyTokens: tf.tensor2d(noisy, [batch, length], 'int32'),
    maskedTokens: tf.tensor2d(masked, [batch, length], 'float32'),
    elboWeights: tf.tensor1d(weights, 'float32'),
    times,
  };
}
