import { DEFAULT_IGNORE_INDEX, logPartitionPenalty } from '@counterweight/core-losses';
import { ConfigError, withExtras } from '@counterweight/runtime';
import type * as tf from '@tensorflow/tfjs-core';

import type { LmObjective } from './objective.js';
import type { ObjectiveOptions } from './objective-options.js';
import { checkTokenBatch } from './token-loss-checks.js';

/**
 * `log-partition`: cross-entropy plus PaLM's log-partition penalty ("z-loss" there; not the spherical one),
 * core-losses' `logPartitionPenalty`, averaged over scored tokens:
 *
 *     l_t = −log softmax(o_t)[y_t] + c·(log Σ_v exp o_tv)²,     c = 1e-4 by default
 *
 * @throws ConfigError naming `options.coef` unless it is a finite number ≥ 0.
 */
export function buildLogPartitionObjective(options: ObjectiveOptions = {}): LmObjective {
  const coef = options.coef ?? 1e-4;
  if (typeof coef !== 'number' || !(coef >= 0) || !Number.isFinite(coef)) throw new ConfigError('options.coef', `must be a finite number >= 0, got ${String(coef)}`);
  const loss = withExtras({ lossName: 'log-partition', extras: [] }, ({ predictions, targets }): tf.Scalar => {
    checkTokenBatch('log-partition', predictions, targets);
    return logPartitionPenalty(targets, predictions, { coef, ignoreIndex: DEFAULT_IGNORE_INDEX, validate: false }) as tf.Scalar;
  });
  return {
    name: 'log-partition',
    description: `cross-entropy + ${coef}·(log Z)² (log-partition penalty)`,
    reference: 'Chowdhery et al., 2022 (PaLM §5); google-research/t5x losses.py',
    causal: true,
    loss: () => loss,
  };
}
