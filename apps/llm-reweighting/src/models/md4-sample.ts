import { md4Schedule, type Md4ScheduleOptions } from '@counterweight/core-losses';
import { ConfigError, SeededRandom } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import type { GptModel } from './gpt.js';
import { sampleNextToken, type SamplingOptions } from './sample-token.js';

/** Time grids of MD4's samplers: `cosine` (the reference's default) or `uniform`. */
export type Md4SamplingGrid = 'cosine' | 'uniform';

/** Options of {@link sampleMd4}. */
export interface Md4SamplingOptions extends SamplingOptions {
  /** Tokens of the result, the prompt included (≤ the model's context). */
  readonly length: number;
  /** Reverse-process steps T (the reference's text configs: 1,000). */
  readonly steps: number;
  /** Default `cosine` (the reference's `sampling_grid`). */
  readonly grid?: Md4SamplingGrid;
  /** The masking schedule the model was trained with (default linear, ε = 1e-4, as the `md4` objective). */
  readonly schedule?: Md4ScheduleOptions;
  /** Seed of every draw: the same seed, model and prompt give the same tokens. */
  readonly seed: number;
}

/**
 * Times `(s, t)` of reverse step `i` of `steps` (i = 0 first, from t = 1 towards 0): `t = (T − i)/T`, `s = t − 1/T`,
 * mapped through `cos(π/2·(1 − ·))` on the cosine grid. Reference: google-deepmind/md4 `md4/models/diffusion/md4.py`
 * (b9fbf29) `get_sampling_grid`, lines 275–281.
 */
export function md4SamplingTimes(step: number, steps: number, grid: Md4SamplingGrid = 'cosine'): { readonly s: number; readonly t: number } {
  const t = (steps - step) / steps;
  const s = t - 1 / steps;
  if (grid === 'uniform') return { s, t };
  return { s: Math.cos((Math.PI / 2) * (1 - s)), t: Math.cos((Math.PI / 2) * (1 - t)) };
}

function checkOptions(model: GptModel, promptIds: ArrayLike<number>, options: Md4SamplingOptions): void {
  const { config } = model;
  if (config.causal) throw new ConfigError('model', 'is causal; masked-diffusion sampling needs the bidirectional (md4) GPT');
  if (!Number.isSafeInteger(options.length) || options.length < 1 || options.length > config.context) {
    throw new ConfigError('length', `must be an integer from 1 to the model's context ${config.context}, got ${String(options.length)}`);
  }
  if (promptIds.length > options.length) {
    throw new ConfigError('promptIds', `has ${promptIds.length} tokens, more than length ${options.length}`);
  }
  if (!Number.isSafeInteger(options.steps) || options.steps < 1) throw new ConfigError('steps', `must be a positive integer, got ${String(options.steps)}`);
  if (options.grid !== undefined && options.grid !== 'cosine' && options.grid !== 'uniform') {
    throw new ConfigError('grid', `must be "cosine" or "uniform", got "${String(options.grid)}"`);
  }
  if (!Number.isFinite(options.temperature) || options.temperature < 0) {
    throw new ConfigError('temperature', `must be a finite number ≥ 0 (0 = the most likely token), got ${String(options.temperature)}`);
  }
  if (!Number.isSafeInteger(options.seed)) throw new ConfigError('seed', `must be a safe integer, got ${String(options.seed)}`);
  for (let i = 0; i < promptIds.length; i += 1) {
    const id = promptIds[i] as number;
    if (!Number.isInteger(id) || id < 0 || id >= config.vocabularySize) {
      throw new ConfigError('promptIds', `token ${i} is ${id}, outside the vocabulary [0, ${config.vocabularySize})`);
    }
  }
}

/** The model's logits `[L, V]` for one sequence, as a flat array (row n at `n·V`). */
function sequenceLogits(model: GptModel, tokens: Int32Array): Float32Array {
  const logits = tf.tidy(() => model.logits(tf.tensor2d(tokens, [1, tokens.length], 'int32')));
  try {
    return logits.dataSync() as Float32Array;
  } finally {
    logits.dispose();
  }
}

/**
 * Ancestral sampling from a masked-diffusion GPT (MD4; Shi, Han, Wang, Doucet & Titsias, NeurIPS 2024): start from
 * the prompt followed by mask tokens (id `V`) up to `length`, then for reverse steps i = 0 … T−1 with times `(s, t)`
 * ({@link md4SamplingTimes}) unmask every still-masked position with probability `(α_s − α_t)/(1 − α_t)`, drawing its
 * token from the model's prediction at that position (`softmax(logits/temperature)`, optional top-k, temperature 0 =
 * the most likely token; {@link sampleNextToken}); unmasked tokens and the prompt never change. Positions still
 * masked after the last step (probability about ε) take the model's most likely token, as the reference's `decode`.
 *
 * Reference: google-deepmind/md4 `md4.py` (b9fbf29) `ancestral_sample_step` (lines 283–303), one categorical draw
 * over `[p·softmax(logits), 1 − p]` per masked position, here drawn as a Bernoulli(p) and then the token — the same
 * distribution, and the model runs only on steps where some position unmasks (at most `length` runs instead of T).
 * The model has no time input (the reference's `time_features: 'none'`). Seeded (`SeededRandom(seed, 'md4-sample')`);
 * synchronous; leaves no tensor behind. Returns `length` ids, the prompt first.
 * @throws ConfigError for a causal model, a length outside 1..context, a prompt longer than `length` or with an id
 *   outside the vocabulary, or other bad options.
 */
export function sampleMd4(model: GptModel, promptIds: ArrayLike<number>, options: Md4SamplingOptions): Int32Array {
  checkOptions(model, promptIds, options);
  const vocabulary = model.config.vocabularySize;
  const mask = vocabulary; // the mask token's id (the input embedding's extra row)
  const schedule = md4Schedule(options.schedule ?? {});
  const random = SeededRandom.fromSeed(options.seed, 'md4-sample');
  const tokens = new Int32Array(options.length).fill(mask);
  tokens.set(Array.from(promptIds));
  const sampling: SamplingOptions = { temperature: options.temperature, ...(options.topK === undefined ? {} : { topK: options.topK }) };
  for (let step = 0; step < options.steps; step += 1) {
    const { s, t } = md4SamplingTimes(step, options.steps, options.grid ?? 'cosine');
    const alphaT = schedule.alpha(t);
    const unmaskProbability = (schedule.alpha(s) - alphaT) / (1 - alphaT);
    const unmask: number[] = [];
    for (let n = 0; n < tokens.length; n += 1) {
      if (tokens[n] === mask && random.uniform() < unmaskProbability) unmask.push(n);
    }
    if (unmask.length === 0) continue;
    const logits = sequenceLogits(model, tokens);
    for (const n of unmask) tokens[n] = sampleNextToken(logits.subarray(n * vocabulary, (n + 1) * vocabulary), sampling, random);
  }
  if (tokens.includes(mask)) {
    const logits = sequenceLogits(model, tokens);
    for (let n = 0; n < tokens.length; n += 1) {
      if (tokens[n] === mask) tokens[n] = sampleNextToken(logits.subarray(n * vocabulary, (n + 1) * vocabulary), { temperature: 0 }, random);
    }
  }
  return tokens;
}
