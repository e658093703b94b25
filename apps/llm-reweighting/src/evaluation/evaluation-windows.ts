import { ConfigError } from '@counterweight/runtime';

import { IGNORED_TARGET, type TokenWindows } from '../data/token-windows.js';

/**
 * Non-overlapping next-token windows over a whole token stream, so that every token after the first is scored exactly
 * once: row r reads `stream[r·T … r·T + T)` and predicts `stream[r·T + 1 … r·T + T + 1)`; the last row, when the
 * stream does not fill it, is padded with id 0 inputs and `-100` targets (not scored). A stream of N tokens gives
 * `⌈(N − 1)/T⌉` rows and N − 1 scored targets (each predicted with the context since the start of its row).
 * @throws ConfigError naming `context` (integer ≥ 1) or `tokens` (fewer than 2 tokens).
 */
export function streamWindows(stream: Int32Array, context: number): TokenWindows {
  if (!Number.isSafeInteger(context) || context < 1) throw new ConfigError('context', `must be an integer >= 1, got ${String(context)}`);
  if (stream.length < 2) throw new ConfigError('tokens', `must hold at least 2 tokens (one predicted), got ${stream.length}`);
  const scored = stream.length - 1;
  const count = Math.ceil(scored / context);
  const inputs = new Int32Array(count * context);
  const targets = new Int32Array(count * context).fill(IGNORED_TARGET);
  inputs.set(stream.subarray(0, scored));
  targets.set(stream.subarray(1));
  return { count, context, inputs, targets };
}

/**
 * Clean (full) windows of a token stream for masked diffusion: `⌊N/T⌋` rows of T consecutive tokens, the rest of the
 * stream dropped (a sequence must be whole: the ELBO is per sequence of length T). Targets equal the inputs.
 * @throws ConfigError naming `context` or `tokens` (shorter than one window).
 */
export function cleanWindows(stream: Int32Array, context: number): TokenWindows {
  if (!Number.isSafeInteger(context) || context < 1) throw new ConfigError('context', `must be an integer >= 1, got ${String(context)}`);
  const count = Math.floor(stream.length / context);
  if (count === 0) throw new ConfigError('tokens', `must hold at least one window of ${context} tokens, got ${stream.length}`);
  const inputs = stream.slice(0, count * context);
  return { count, context, inputs, targets: inputs.slice() };
}
