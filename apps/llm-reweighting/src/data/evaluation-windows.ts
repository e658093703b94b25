import { ConfigError } from '@counterweight/runtime';

import { checkWindowStream } from './sample-windows.js';
import type { TokenWindows } from './token-windows.js';

/**
 * Deterministic evaluation windows: the stream cut into `⌊(n − 1) / T⌋` non-overlapping windows, row `r` =
 * `x[rT … rT+T)` with targets `x[rT+1 … rT+T+1)`, so they cover the stream once (all but the < T trailing tokens) and a
 * mean loss over them is a fixed validation loss. With `maxWindows` smaller than that, `maxWindows` of them are taken
 * evenly spaced over the stream (window `⌊k · total / maxWindows⌋` for k = 0 … maxWindows−1).
 * @throws ConfigError naming `context` when the stream has fewer than `context + 1` tokens (both numbers and `split`,
 *   default `stream`, are in the message), or `maxWindows` when it is not a positive integer.
 */
export function evaluationWindows(stream: Int32Array, context: number, maxWindows?: number, split = 'stream'): TokenWindows {
  checkWindowStream(stream, context, split);
  if (maxWindows !== undefined && (!Number.isInteger(maxWindows) || maxWindows < 1)) {
    throw new ConfigError('maxWindows', `must be a positive integer, got ${maxWindows}`);
  }
  const total = Math.floor((stream.length - 1) / context);
  const count = Math.min(total, maxWindows ?? total);
  const inputs = new Int32Array(count * context);
  const targets = new Int32Array(count * context);
  for (let k = 0; k < count; k += 1) {
    const start = Math.floor((k * total) / count) * context;
    inputs.set(stream.subarray(start, start + context), k * context);
    targets.set(stream.subarray(start + 1, start + context + 1), k * context);
  }
  return { count, context, inputs, targets };
}
