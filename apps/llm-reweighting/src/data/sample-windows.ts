import { ConfigError, type SeededRandom } from '@counterweight/runtime';

import type { TokenWindows } from './token-windows.js';

/** The check both window makers share: positive integers and a stream long enough for one window. */
export function checkWindowStream(stream: ArrayLike<number>, context: number, split: string): void {
  if (!Number.isInteger(context) || context < 1) throw new ConfigError('context', `must be a positive integer, got ${context}`);
  if (stream.length < context + 1) {
    throw new ConfigError('context', `the ${split} split has ${stream.length} tokens, fewer than context + 1 = ${context + 1} needed for one window`);
  }
}

export interface SampleWindowsOptions {
  /** Number of windows (rows). */
  readonly count: number;
  /** Tokens per window (the model's context length T). */
  readonly context: number;
  /** Draws the offsets; the same state gives the same windows. */
  readonly random: SeededRandom;
  /** Name of the split for error messages (default `stream`). */
  readonly split?: string;
}

/**
 * Random training windows as nanoGPT's `get_batch` (Karpathy, 2022): `count` offsets `i` drawn uniformly from
 * `[0, n − T − 1]`, row `r` = `x[i … i+T)` with targets `x[i+1 … i+T+1)` (every position scored).
 * @throws ConfigError naming `count`/`context` when not positive integers, or `context` when the stream has fewer than
 *   `context + 1` tokens (both numbers and the split are in the message).
 */
export function sampleWindows(stream: Int32Array, options: SampleWindowsOptions): TokenWindows {
  const { count, context, random } = options;
  const split = options.split ?? 'stream';
  if (!Number.isInteger(count) || count < 1) throw new ConfigError('count', `must be a positive integer, got ${count}`);
  checkWindowStream(stream, context, split);
  const inputs = new Int32Array(count * context);
  const targets = new Int32Array(count * context);
  const last = stream.length - context - 1;
  for (let r = 0; r < count; r += 1) {
    const start = random.int(0, last);
    inputs.set(stream.subarray(start, start + context), r * context);
    targets.set(stream.subarray(start + 1, start + context + 1), r * context);
  }
  return { count, context, inputs, targets };
}
