import { maskedDiffusionLoss, type Md4ScheduleOptions } from '@counterweight/core-losses';
import { ConfigError, type TrainableModel } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import type { TokenWindows } from '../data/token-windows.js';
import { md4Rows } from '../objectives/md4-batch.js';
import { md4ScheduleOption } from '../objectives/md4-schedule-option.js';
import { cleanWindows } from './evaluation-windows.js';
import { bitsPerUnitOf, checkBatchSize, windowsOf, type LanguageModelLoss } from './loss-summary.js';

/** The seed of the validation masks when none is given: fixed, so every run of a comparison sees the same times and masks. */
export const DEFAULT_ELBO_SEED = 4242;

/** Options of {@link maskedDiffusionElbo}. */
export interface MaskedElboOptions {
  /** Rows per forward pass, and rows per group of antithetic times (integer ≥ 1). */
  readonly batchSize: number;
  /** The tokenizer's vocabulary size V (the mask id). */
  readonly vocabularySize: number;
  /** Seed of the times and masks (default {@link DEFAULT_ELBO_SEED}). */
  readonly seed?: number;
  /** Window length T when `tokens` is a stream (required then; {@link cleanWindows}). */
  readonly context?: number;
  /** Masking schedule (default linear, ε = 1e-4). */
  readonly schedule?: Md4ScheduleOptions;
  /** As in `languageModelLoss`: characters (bytes) per evaluated token, or their total. */
  readonly unitsPerToken?: number;
  readonly units?: number;
}

/** {@link maskedDiffusionElbo}'s result: the loss fields plus the ELBO's two parts, bits per token. */
export interface MaskedElbo extends LanguageModelLoss {
  /** Monte-Carlo diffusion term `mean_b w(t_b)·Σ_n m_bn·CE_bn / (T·ln 2)`. */
  readonly diffusionBitsPerToken: number;
  /** Reconstruction term `(1 − α(0))·log₂ V` per token (ε·log₂ V for the clipped schedules). */
  readonly reconstructionBitsPerToken: number;
  readonly seed: number;
}

/**
 * The negative ELBO of a masked-diffusion (MD4) model on validation text, in bits per token — an upper bound on the
 * model's negative log-likelihood, comparable across runs because the diffusion times and masks are fixed by `seed`
 * (and `batchSize`, which groups the antithetic times): the same windows, seed and batch size give the same masked rows
 * ({@link md4Rows}) in every run. One time per sequence; the estimate is
 *
 *     bitsPerToken = (1/N) Σ_b w(t_b)·Σ_n m_bn·(−log p(x_bn | z_t)) / (T·ln 2)  +  (1 − α(0))·log₂ V
 *
 * (Shi, Han, Wang, Doucet & Titsias, NeurIPS 2024: the continuous-time bound plus the reconstruction term; the prior
 * term is 0). `loss` = bitsPerToken·ln 2 (nats), `perplexity` = exp(loss). A stream is cut into ⌊N/T⌋ whole windows.
 * The model receives the noisy int32 ids `[b, T]` (mask id V) and must return logits `[b, T, V]`.
 * @throws ConfigError naming `batchSize`, `context`, `vocabularySize`, `seed`, `schedule.*`, the unit options, or
 *   `model` (logits of the wrong shape).
 */
export function maskedDiffusionElbo(model: TrainableModel, tokens: TokenWindows | Int32Array, options: MaskedElboOptions): MaskedElbo {
  checkBatchSize(options.batchSize);
  const seed = options.seed ?? DEFAULT_ELBO_SEED;
  const schedule = md4ScheduleOption(options.schedule, 'schedule');
  const windows = windowsOf(tokens, options.context, cleanWindows);
  const V = options.vocabularySize;
  const rows = md4Rows(windows, { vocabularySize: V, seed, batchSize: options.batchSize, schedule: { type: schedule.type, eps: schedule.eps } });
  const { count, context: T, inputs, targets } = rows.windows;
  const masked = rows.extras.maskedTokens.values;
  const weights = rows.extras.elboWeights.values;
  let total = 0;
  for (let start = 0; start < count; start += options.batchSize) {
    const b = Math.min(options.batchSize, count - start);
    const range = [start * T, (start + b) * T] as const;
    total += tf.tidy(() => {
      const logits = model.predict(tf.tensor2d(inputs.subarray(...range), [b, T], 'int32'), { training: false });
      if (logits.rank !== 3 || logits.shape[0] !== b || logits.shape[1] !== T || logits.shape[2] !== V) {
        throw new ConfigError('model', `must return logits [${b}, ${T}, ${V}], got [${logits.shape.join(', ')}]`);
      }
      const sum = maskedDiffusionLoss(tf.tensor2d(targets.subarray(...range), [b, T], 'int32'), logits, {
        maskedTokens: tf.tensor2d(masked.subarray(...range), [b, T]),
        elboWeights: tf.tensor1d(weights.subarray(start, start + b)),
        reduction: 'sum',
        validate: false,
      });
      return sum.dataSync()[0] ?? Number.NaN;
    });
  }
  const diffusionBitsPerToken = total / count;
  const reconstructionBitsPerToken = (1 - schedule.alpha(0)) * Math.log2(V);
  const bitsPerToken = diffusionBitsPerToken + reconstructionBitsPerToken;
  const loss = bitsPerToken * Math.LN2;
  const evaluated = count * T;
  return {
    tokens: evaluated,
    loss,
    perplexity: Math.exp(loss),
    bitsPerToken,
    bitsPerUnit: bitsPerUnitOf(bitsPerToken * evaluated, evaluated, options),
    diffusionBitsPerToken,
    reconstructionBitsPerToken,
    seed,
  };
}
