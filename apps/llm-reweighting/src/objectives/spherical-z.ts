import { DEFAULT_IGNORE_INDEX, sphericalZLoss } from '@counterweight/core-losses';
import { ConfigError, withExtras } from '@counterweight/runtime';
import type * as tf from '@tensorflow/tfjs-core';

import type { LmObjective } from './objective.js';
import type { ObjectiveOptions } from './objective-options.js';
import { checkTokenBatch } from './token-loss-checks.js';

/**
 * `z-loss`: the spherical Z-loss of de Brébisson & Vincent (2016), core-losses' `sphericalZLoss`, per scored token
 *
 *     z_c = (o_c − mean(o)) / std(o),     l = (1/a)·softplus(a·(b − z_c))
 *
 * averaged over the scored tokens (reduction `sumOverWeights`; the authors' timing script sums over the batch — the
 * mean keeps the learning rate and gradient clipping of the other objectives meaningful). Defaults a = 1, b = 0 as
 * the authors' `timing_example.py`. Not a likelihood: compare it on validation cross-entropy and top-k, expecting a
 * worse perplexity.
 * @throws ConfigError naming `options.a` (finite > 0) or `options.b` (finite).
 */
export function buildSphericalZObjective(options: ObjectiveOptions = {}): LmObjective {
  const a = options.a ?? 1;
  const b = options.b ?? 0;
  if (typeof a !== 'number' || !(a > 0) || !Number.isFinite(a)) throw new ConfigError('options.a', `must be a finite number > 0, got ${String(a)}`);
  if (typeof b !== 'number' || !Number.isFinite(b)) throw new ConfigError('options.b', `must be a finite number, got ${String(b)}`);
  const loss = withExtras({ lossName: 'z-loss', extras: [] }, ({ predictions, targets }): tf.Scalar => {
    checkTokenBatch('z-loss', predictions, targets);
    return sphericalZLoss(targets, predictions, { a, b, ignoreIndex: DEFAULT_IGNORE_INDEX, reduction: 'sumOverWeights', validate: false }) as tf.Scalar;
  });
  return {
    name: 'z-loss',
    description: `spherical Z-loss (shift- and scale-invariant softplus of the standardised target logit), a = ${a}, b = ${b}`,
    reference: 'de Brébisson & Vincent, 2016 (arXiv 1604.08859; pascal20100/factored_output_layer)',
    causal: true,
    loss: () => loss,
  };
}
