import { ConfigError } from '@counterweight/runtime';

import type { TokenWindows } from '../data/token-windows.js';

/** What `languageModelLoss` (and `maskedDiffusionElbo`) returns: JSON data only. */
export interface LanguageModelLoss {
  /** Scored tokens (targets ≠ −100). */
  readonly tokens: number;
  /** Mean token cross-entropy in nats (masked diffusion: the ELBO bound per token, in nats). */
  readonly loss: number;
  /** `exp(loss)` (masked diffusion: an upper bound on the perplexity). */
  readonly perplexity: number;
  /** `loss / ln 2`. */
  readonly bitsPerToken: number;
  /**
   * Bits per character or byte of the text the scored tokens cover (`units` or `unitsPerToken`):
   * `Σ CE / ln 2 / units` = `bitsPerToken / unitsPerToken`; null when neither `units` nor `unitsPerToken` was given.
   */
  readonly bitsPerUnit: number | null;
}

/** The windows of `tokens` (a stream needs `context`). @throws ConfigError naming `context`. */
export function windowsOf(tokens: TokenWindows | Int32Array, context: number | undefined, make: (s: Int32Array, t: number) => TokenWindows): TokenWindows {
  if (!(tokens instanceof Int32Array)) return tokens;
  if (context === undefined) throw new ConfigError('context', 'is required when the tokens are a stream (Int32Array), not windows');
  return make(tokens, context);
}

/** `bitsPerUnit` from the total bits, the scored tokens and one of the unit options. @throws ConfigError naming the option. */
export function bitsPerUnitOf(totalBits: number, tokens: number, options: { readonly unitsPerToken?: number; readonly units?: number }): number | null {
  const { unitsPerToken, units } = options;
  if (unitsPerToken !== undefined && units !== undefined) throw new ConfigError('units', 'give either units or unitsPerToken, not both');
  if (unitsPerToken !== undefined) {
    if (!(unitsPerToken > 0) || !Number.isFinite(unitsPerToken)) throw new ConfigError('unitsPerToken', `must be a finite number > 0, got ${String(unitsPerToken)}`);
    return totalBits / (tokens * unitsPerToken);
  }
  if (units !== undefined) {
    if (!(units > 0) || !Number.isFinite(units)) throw new ConfigError('units', `must be a finite number > 0, got ${String(units)}`);
    return totalBits / units;
  }
  return null;
}

/** Checks a batch size option. @throws ConfigError naming `batchSize`. */
export function checkBatchSize(batchSize: number): void {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new ConfigError('batchSize', `must be an integer >= 1, got ${String(batchSize)}`);
}

