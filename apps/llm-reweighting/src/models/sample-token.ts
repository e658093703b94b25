import { ConfigError, type SeededRandom } from '@counterweight/runtime';

/** How the next token is drawn from the model's logits (shared by tfjs and onnxruntime generation). */
export interface SamplingOptions {
  /** Logits are divided by it before the softmax; `0` picks the argmax (greedy; ties go to the lowest id). */
  readonly temperature: number;
  /** Keep only the `topK` largest logits (and any tied with the k-th) before sampling; default: all. */
  readonly topK?: number;
}

/** Options of autoregressive generation. */
export interface GenerationOptions extends SamplingOptions {
  /** Tokens to append to the prompt (≥ 0). */
  readonly maxNewTokens: number;
  /** Seed of the sampling draws: the same seed, model and prompt give the same tokens. */
  readonly seed: number;
}

/**
 * Checks generation options: `maxNewTokens` a non-negative integer, `temperature` finite and ≥ 0, `topK` (when given)
 * a positive integer, `seed` a safe integer.
 * @throws ConfigError naming the option.
 */
export function checkGenerationOptions(options: GenerationOptions): GenerationOptions {
  const { maxNewTokens, temperature, topK, seed } = options;
  if (!Number.isSafeInteger(maxNewTokens) || maxNewTokens < 0) {
    throw new ConfigError('maxNewTokens', `must be a non-negative integer, got ${String(maxNewTokens)}`);
  }
  if (!Number.isFinite(temperature) || temperature < 0) {
    throw new ConfigError('temperature', `must be a finite number ≥ 0 (0 = greedy), got ${String(temperature)}`);
  }
  if (topK !== undefined && (!Number.isSafeInteger(topK) || topK < 1)) {
    throw new ConfigError('topK', `must be a positive integer, got ${String(topK)}`);
  }
  if (!Number.isSafeInteger(seed)) throw new ConfigError('seed', `must be a safe integer, got ${String(seed)}`);
  return options;
}

/**
 * Draws the next token id from one row of logits `[V]`, as nanoGPT's `generate` (Karpathy, 2022) does: temperature 0
 * → the argmax; otherwise `softmax(logits / temperature)` restricted to the `topK` largest logits (ties with the k-th
 * kept), sampled by inverse CDF with one `random.uniform()` draw (computed in float64, so tfjs and onnxruntime logits
 * that agree to float rounding pick the same token unless the draw falls on a boundary).
 * @throws ConfigError when `logits` is empty or holds a non-finite value.
 */
export function sampleNextToken(logits: ArrayLike<number>, options: SamplingOptions, random: SeededRandom): number {
  const v = logits.length;
  if (v === 0) throw new ConfigError('logits', 'is empty');
  let best = 0;
  for (let j = 0; j < v; j += 1) {
    const value = logits[j] as number;
    if (!Number.isFinite(value)) throw new ConfigError('logits', `holds a non-finite value (${value}) at token ${j}`);
    if (value > (logits[best] as number)) best = j;
  }
  if (options.temperature === 0) return best;
  let threshold = -Infinity;
  if (options.topK !== undefined && options.topK < v) {
    const sorted = Float64Array.from(logits).sort();
    threshold = sorted[v - options.topK] as number;
  }
  const max = logits[best] as number;
  const weights = new Float64Array(v);
  let total = 0;
  for (let j = 0; j < v; j += 1) {
    const value = logits[j] as number;
    const w = value >= threshold ? Math.exp((value - max) / options.temperature) : 0;
    weights[j] = w;
    total += w;
  }
  const target = random.uniform() * total;
  let cumulative = 0;
  let last = best;
  for (let j = 0; j < v; j += 1) {
    const w = weights[j] as number;
    if (w === 0) continue;
    cumulative += w;
    last = j;
    if (target < cumulative) return j;
  }
  return last;
}
