import { DEFAULT_IGNORE_INDEX, softmaxCrossEntropy } from '@counterweight/core-losses';
import { withExtras, type LossFunction } from '@counterweight/runtime';
import type * as tf from '@tensorflow/tfjs-core';

import type { LmObjective } from './objective.js';
import { checkTokenBatch } from './token-loss-checks.js';

/**
 * Plain next-token cross-entropy, the mean over scored tokens:
 *
 *     loss = Σ_{b,t: y_bt ≠ −100} −log softmax(z_bt)[y_bt]  /  #{(b, t): y_bt ≠ −100}
 *
 * (core-losses `softmaxCrossEntropy`, `ignoreIndex` −100, reduction `sumOverWeights`, `validate: false`). Logits
 * `[B, T, V]`, targets `[B, T]`. This is also the loss the reweighting objectives use during their warm-up, and the
 * comparable validation criterion of every causal objective. `objective` names it in errors (default `cross-entropy`).
 */
export function plainCrossEntropy(objective = 'cross-entropy'): LossFunction<never> {
  return withExtras({ lossName: objective, extras: [] }, ({ predictions, targets }): tf.Scalar => {
    checkTokenBatch(objective, predictions, targets);
    return softmaxCrossEntropy(targets, predictions, { ignoreIndex: DEFAULT_IGNORE_INDEX, validate: false }) as tf.Scalar;
  });
}

/** `uniform`: the baseline, {@link plainCrossEntropy} at every step (causal). */
export function buildUniformObjective(): LmObjective {
  const loss = plainCrossEntropy('uniform');
  return {
    name: 'uniform',
    description: 'plain next-token cross-entropy, mean over scored tokens (the baseline)',
    reference: 'standard maximum-likelihood language modelling (Radford et al., 2019; nanoGPT)',
    causal: true,
    loss: () => loss,
  };
}
