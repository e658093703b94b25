import { md4MaskTokens, type Md4ScheduleOptions } from '@counterweight/core-losses';
import { ConfigError, deriveSeed } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import type { TokenWindows } from '../data/token-windows.js';
import { md4ScheduleOption } from './md4-schedule-option.js';

/** Options of {@link md4Rows}. */
export interface Md4RowsOptions {
  /** The tokenizer's vocabulary size V; the mask token gets id V (the denoiser's input embedding has V + 1 rows). */
  readonly vocabularySize: number;
  /** Seed of the draws (integer in [0, 2^32)): the same seed gives the same times and masks. */
  readonly seed: number;
  /** Rows per group of antithetic times: B consecutive rows share one uniform draw (the training batch size). */
  readonly batchSize: number;
  /** Masking schedule (default linear, ε = 1e-4, as every text config of MD4). */
  readonly schedule?: Md4ScheduleOptions;
}

/** A flat float32 extra column: `values` `[count · Π shape]`, `shape` the shape of one row. */
export interface Md4ExtraColumn {
  readonly values: Float32Array;
  readonly shape: readonly number[];
}

/** MD4 training (or evaluation) rows built from clean token windows, flat arrays ready for `createDataset`. */
export interface Md4Rows {
  /**
   * `inputs`: the noisy tokens `z_t` (clean ids, masked positions replaced by the mask id V), the model's input;
   * `targets`: the clean ids (what the denoiser predicts; every position, the loss scores the masked ones).
   */
  readonly windows: TokenWindows;
  /**
   * The two extra columns under their `EXTRA_NAMES` names, for `createDataset({ ..., extras })`: `maskedTokens`
   * `[count · context]` (1 where masked, row shape `[context]`) and `elboWeights` `[count]` (`w(t)`, row shape `[]`).
   */
  readonly extras: { readonly maskedTokens: Md4ExtraColumn; readonly elboWeights: Md4ExtraColumn };
  /** `[count]` the rows' diffusion times t. */
  readonly times: Float64Array;
}

function checkInteger(value: number, option: string, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new ConfigError(option, `must be an integer in [${min}, ${max}], got ${String(value)}`);
}

/**
 * Masked-diffusion rows (MD4, Shi, Han, Wang, Doucet & Titsias, NeurIPS 2024) from clean token windows: each window's
 * `inputs` row is one clean sequence x (all `context` positions are real tokens; the windows' `targets` are not
 * used). Rows are taken in groups of `batchSize` consecutive rows (the last group may be smaller); group g draws, from
 * seed `deriveSeed(seed, 'md4', g)`, core-losses' `md4MaskTokens`: antithetic times `t_b = (u + b/B) mod 1` for its
 * rows (`md4SampleTimes`), each token masked independently with probability `1 − α(t_b)` (replaced by id V), and
 * `w(t_b)` (`md4ElboWeights`). Deterministic: the same windows, seed, batch size and schedule give the same rows.
 *
 * A training run draws fresh rows every epoch (a new seed per epoch, e.g. through the trainer's `trainAtEpoch`);
 * a shuffled epoch order breaks the groups apart, which keeps every row's time uniform (the ELBO estimate stays
 * unbiased) but gives up the antithetic variance reduction within a training batch.
 * @throws ConfigError naming `vocabularySize`, `seed`, `batchSize`, `schedule.type`/`schedule.eps`, or `windows.inputs` (with row and position)
 *   for a token id outside [0, V).
 */
export function md4Rows(windows: TokenWindows, options: Md4RowsOptions): Md4Rows {
  const { vocabularySize: V, seed, batchSize: groupSize } = options;
  checkInteger(V, 'vocabularySize', 1);
  checkInteger(seed, 'seed', 0, 0xffffffff);
  checkInteger(groupSize, 'batchSize', 1);
  const { count, context } = windows;
  if (windows.inputs.length !== count * context) {
    throw new ConfigError('windows.inputs', `must hold count·context = ${count * context} ids, got ${windows.inputs.length}`);
  }
  windows.inputs.forEach((id, i) => {
    if (!(id >= 0 && id < V)) {
      throw new ConfigError('windows.inputs', `token id ${id} at row ${Math.floor(i / context)}, position ${i % context} is outside [0, ${V}) (the mask id is V)`);
    }
  });
  const schedule = md4ScheduleOption(options.schedule, 'schedule');
  const inputs = new Int32Array(count * context);
  const targets = Int32Array.from(windows.inputs);
  const maskedTokens = new Float32Array(count * context);
  const elboWeights = new Float32Array(count);
  const times = new Float64Array(count);
  for (let start = 0, group = 0; start < count; start += groupSize, group += 1) {
    const rows = Math.min(groupSize, count - start);
    const clean = tf.tensor2d(windows.inputs.subarray(start * context, (start + rows) * context), [rows, context], 'int32');
    const masked = md4MaskTokens(clean, { maskTokenId: V, seed: deriveSeed(seed, 'md4', group), schedule });
    try {
      inputs.set(masked.noisyTokens.dataSync(), start * context);
      maskedTokens.set(masked.maskedTokens.dataSync(), start * context);
      elboWeights.set(masked.elboWeights.dataSync(), start);
      times.set(masked.times, start);
    } finally {
      tf.dispose([clean, masked.noisyTokens, masked.maskedTokens, masked.elboWeights]);
    }
  }
  return {
    windows: { count, context, inputs, targets },
    extras: { maskedTokens: { values: maskedTokens, shape: [context] }, elboWeights: { values: elboWeights, shape: [] } },
    times,
  };
}
