import { crossEntropyWithNumberTokenLoss, type NumberTokenLossVariant } from '@counterweight/core-losses';
import { ConfigError, withExtras } from '@counterweight/runtime';
import type * as tf from '@tensorflow/tfjs-core';

import type { LmObjective } from './objective.js';
import type { ObjectiveOptions } from './objective-options.js';
import { checkTokenBatch } from './token-loss-checks.js';

/** The two NTL method names. */
export type NumberTokenMethod = 'ntl-was' | 'ntl-mse';

/** Checked digit ids: 10 distinct non-negative integers. @throws ConfigError naming `options.digitTokenIds`. */
function checkDigitIds(ids: readonly number[] | null | undefined, method: string, vocabularySize: number | undefined): number[] {
  if (ids === undefined || ids === null) {
    throw new ConfigError(
      'options.digitTokenIds',
      `"${method}" needs the tokenizer's digitTokenIds (ids of the digits 0–9); the tokenizer has none (its training text lacked a digit) or none was passed`,
    );
  }
  const list: readonly unknown[] | undefined = Array.isArray(ids) ? (ids as readonly unknown[]) : undefined;
  if (list === undefined || list.length !== 10) {
    throw new ConfigError('options.digitTokenIds', `must hold 10 token ids (digit d at index d), got ${list === undefined ? typeof ids : `${list.length} ids`}`);
  }
  const checked = list.map((id, d) => {
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
      throw new ConfigError('options.digitTokenIds', `must hold non-negative integer ids, got ${String(id)} for digit ${d}`);
    }
    return id;
  });
  checked.forEach((id, d) => {
    if (vocabularySize !== undefined && id >= vocabularySize) {
      throw new ConfigError('options.digitTokenIds', `holds id ${id} for digit ${d}, outside the vocabulary of ${vocabularySize} (options.vocabularySize)`);
    }
  });
  if (new Set(checked).size !== checked.length) throw new ConfigError('options.digitTokenIds', `must not repeat an id, got [${checked.join(', ')}]`);
  return checked;
}

/**
 * `ntl-was` / `ntl-mse`: cross-entropy plus the number token loss (Zausinger et al., ICML 2025, "Regress, don't
 * guess"), core-losses' `crossEntropyWithNumberTokenLoss`:
 *
 *     loss = CE (mean over scored tokens) + λ · NTL (mean over positions whose target is a digit; 0 without any)
 *     NTL-WAS = Σ_k p_k·|k − y|,   NTL-MSE = (Σ_k p_k·k − y)²,   p = softmax over the ten digit logits only
 *
 * λ default 0.3 (`vanilla_t5_ntl.yaml`). Needs the tokenizer's `digitTokenIds` (the app's tokenizers split numbers
 * into single digits, as the paper's T5 tokenizer). With `options.vocabularySize`, ids outside [0, V) are rejected here.
 * @throws ConfigError naming `options.digitTokenIds` (absent, not 10 distinct ids, outside [0, V)), `options.vocabularySize`
 *   or `options.lambda` (not finite ≥ 0).
 */
export function buildNumberTokenObjective(method: NumberTokenMethod, variant: NumberTokenLossVariant, options: ObjectiveOptions = {}): LmObjective {
  const V = options.vocabularySize;
  if (V !== undefined && (!Number.isSafeInteger(V) || V < 10)) throw new ConfigError('options.vocabularySize', `must be an integer >= 10 (ten digit tokens), got ${String(V)}`);
  const digitTokenIds = checkDigitIds(options.digitTokenIds, method, V);
  const lambda = options.lambda ?? 0.3;
  if (typeof lambda !== 'number' || !(lambda >= 0) || !Number.isFinite(lambda)) {
    throw new ConfigError('options.lambda', `must be a finite number >= 0, got ${String(lambda)}`);
  }
  const loss = withExtras({ lossName: method, extras: [] }, ({ predictions, targets }): tf.Scalar => {
    checkTokenBatch(method, predictions, targets);
    return crossEntropyWithNumberTokenLoss(targets, predictions, { digitTokenIds, variant, lambda, validate: false }) as tf.Scalar;
  });
  return {
    name: method,
    description: `cross-entropy + ${lambda}·NTL-${variant.toUpperCase()} on digit targets (number token loss)`,
    reference: 'Zausinger et al., ICML 2025 (tum-ai/number-token-loss)',
    causal: true,
    loss: () => loss,
  };
}
