import { maskedDiffusionLoss } from '@counterweight/core-losses';
import { withExtras } from '@counterweight/runtime';
import type * as tf from '@tensorflow/tfjs-core';

import type { LmObjective } from './objective.js';
import type { ObjectiveOptions } from './objective-options.js';
import { md4ScheduleOption } from './md4-schedule-option.js';
import { checkTokenBatch } from './token-loss-checks.js';

/**
 * `md4`: the masked-diffusion ELBO of MD4 (Shi, Han, Wang, Doucet & Titsias, NeurIPS 2024), core-losses'
 * `maskedDiffusionLoss`, in bits per token:
 *
 *     loss = mean_b  w(t_b) · Σ_n m_bn · (−log softmax(z_bn)[x_bn]) / (T·ln 2)
 *
 * with the clean tokens x as targets `[B, T]`, logits `[B, T, V]` of the bidirectional denoiser (`causal: false`)
 * on the noisy input, and the masked-token indicator m (`maskedTokens` `[B, T]`) and ELBO weights w (`elboWeights`
 * `[B]`) as named extra columns of the data set, drawn by `md4Rows`. The constant reconstruction term
 * (ε·ln V per token) is left out of the training loss (no gradient); the evaluation adds it.
 * @throws ConfigError naming `options.schedule.type` or `options.schedule.eps` for a bad schedule.
 */
export function buildMd4Objective(options: ObjectiveOptions = {}): LmObjective {
  const schedule = md4ScheduleOption(options.schedule, 'options.schedule');
  const loss = withExtras({ lossName: 'md4', extras: ['maskedTokens', 'elboWeights'] }, ({ predictions, targets, extras }): tf.Scalar => {
    checkTokenBatch('md4', predictions, targets);
    return maskedDiffusionLoss(targets, predictions, { maskedTokens: extras.maskedTokens, elboWeights: extras.elboWeights, validate: false }) as tf.Scalar;
  });
  return {
    name: 'md4',
    description: `masked diffusion (MD4): ELBO-weighted masked-token cross-entropy in bits per token, ${schedule.type} schedule, ε = ${schedule.eps}`,
    reference: 'Shi, Han, Wang, Doucet & Titsias, NeurIPS 2024 (google-deepmind/md4)',
    causal: false,
    loss: () => loss,
  };
}
