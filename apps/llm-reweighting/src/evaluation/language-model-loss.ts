import { DEFAULT_IGNORE_INDEX, softmaxCrossEntropy } from '@counterweight/core-losses';
import { ConfigError, type TrainableModel } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import type { TokenWindows } from '../data/token-windows.js';
import { streamWindows } from './evaluation-windows.js';
import { bitsPerUnitOf, checkBatchSize, windowsOf, type LanguageModelLoss } from './loss-summary.js';
import { maskedDiffusionElbo, type MaskedElboOptions } from './masked-diffusion-elbo.js';

/** Options of {@link languageModelLoss}. */
export interface LanguageModelLossOptions {
  /** Rows per forward pass (integer ≥ 1). */
  readonly batchSize: number;
  /** Window length T when `tokens` is a stream (required then; {@link streamWindows}). */
  readonly context?: number;
  /** Characters (or bytes) of text per scored token (e.g. corpus characters / corpus tokens): bits/unit = bits/token ÷ this. */
  readonly unitsPerToken?: number;
  /** Characters (or bytes) the scored tokens cover in total: bits/unit = total bits ÷ this. Exclusive with `unitsPerToken`. */
  readonly units?: number;
  /** Evaluate a masked-diffusion model instead: its ELBO with fixed seeded times ({@link maskedDiffusionElbo}). */
  readonly masked?: Omit<MaskedElboOptions, 'batchSize' | 'context' | 'unitsPerToken' | 'units'>;
}

/**
 * The language-model loss of a causal model on token windows (or on a whole token stream cut by
 * {@link streamWindows}), batch by batch in inference mode:
 *
 *     loss = Σ_{scored} −log softmax(z)[y] / #scored      (targets −100 are not scored)
 *     perplexity = exp(loss),   bitsPerToken = loss / ln 2
 *     bitsPerUnit = Σ_{scored} CE / ln 2 / units           (units = characters or bytes the scored tokens cover;
 *                 = bitsPerToken / unitsPerToken)           with unitsPerToken = units / #scored)
 *
 * The sums are kept in float64. The model receives int32 ids `[b, T]` and must return logits `[b, T, V]`.
 * With `masked`, returns {@link maskedDiffusionElbo} instead (a bidirectional masked-diffusion model).
 * @throws ConfigError naming `batchSize`, `context`, `units`/`unitsPerToken`, `windows.targets` (an id ≥ V, with its
 *   row and position) or `model` (logits of the wrong shape).
 */
export function languageModelLoss(model: TrainableModel, tokens: TokenWindows | Int32Array, options: LanguageModelLossOptions): LanguageModelLoss {
  if (options.masked !== undefined) {
    return maskedDiffusionElbo(model, tokens, {
      ...options.masked,
      batchSize: options.batchSize,
      ...(options.context === undefined ? {} : { context: options.context }),
      ...(options.unitsPerToken === undefined ? {} : { unitsPerToken: options.unitsPerToken }),
      ...(options.units === undefined ? {} : { units: options.units }),
    });
  }
  checkBatchSize(options.batchSize);
  const windows = windowsOf(tokens, options.context, streamWindows);
  const { count, context: T, inputs, targets } = windows;
  let total = 0;
  let scored = 0;
  for (let start = 0; start < count; start += options.batchSize) {
    const rows = Math.min(options.batchSize, count - start);
    const y = targets.subarray(start * T, (start + rows) * T);
    const sum = tf.tidy(() => {
      const logits = model.predict(tf.tensor2d(inputs.subarray(start * T, (start + rows) * T), [rows, T], 'int32'), { training: false });
      if (logits.rank !== 3 || logits.shape[0] !== rows || logits.shape[1] !== T) {
        throw new ConfigError('model', `must return logits [${rows}, ${T}, V], got [${logits.shape.join(', ')}]`);
      }
      const V = logits.shape[2] ?? 0;
      y.forEach((id, i) => {
        if (id !== DEFAULT_IGNORE_INDEX && !(id >= 0 && id < V)) {
          throw new ConfigError('windows.targets', `id ${id} at row ${start + Math.floor(i / T)}, position ${i % T} is outside [0, ${V})`);
        }
      });
      const ce = softmaxCrossEntropy(tf.tensor2d(y, [rows, T], 'int32'), logits, { ignoreIndex: DEFAULT_IGNORE_INDEX, reduction: 'sum', validate: false });
      return ce.dataSync()[0] ?? Number.NaN;
    });
    total += sum;
    for (const id of y) if (id !== DEFAULT_IGNORE_INDEX) scored += 1;
  }
  if (scored === 0) throw new ConfigError('windows.targets', 'scores no token (every target is -100)');
  const loss = total / scored;
  return { tokens: scored, loss, perplexity: Math.exp(loss), bitsPerToken: loss / Math.LN2, bitsPerUnit: bitsPerUnitOf(total / Math.LN2, scored, options) };
}
