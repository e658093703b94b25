import {
  combinedWelfareLoss,
  pairwiseLogisticLoss,
  softmaxListwiseLoss,
  welfareRankLoss,
  type WelfareRankLossOptions,
} from '@counterweight/core-losses';
import { ConfigError, type LossFunction } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The training objectives `compare` knows:
 *
 * - `logloss` — binary cross-entropy on the clicks of every valid candidate (the baseline);
 * - `pairwise-logistic` — TF-Ranking's RankNet loss on the clicks inside each auction (no bids);
 * - `softmax-listwise` — TF-Ranking's listwise softmax cross-entropy on the clicks inside each auction (no bids);
 * - `welfare` — the welfare-weighted rank loss on clicks (eCPM space, gap weights; core-losses' defaults);
 * - `welfare-log` — the same on log-eCPM differences (the ablation the research note warns about);
 * - `welfare-teacher` — the welfare rank loss with a teacher's CTRs as outcomes (teacher-calibrated form);
 * - `combined` — `λ·logloss + (1 − λ)·welfare` (one run per λ of `--lambdas`).
 */
export const OBJECTIVES = ['logloss', 'pairwise-logistic', 'softmax-listwise', 'welfare', 'welfare-log', 'welfare-teacher', 'combined'] as const;
export type ObjectiveName = (typeof OBJECTIVES)[number];

/** Settings shared by the welfare objectives. */
export interface ObjectiveSettings {
  /** `τ` of the welfare rank loss in mean-bid units. */
  readonly temperature: number;
  /** `λ` of `combined`. */
  readonly lambda: number;
  /** `α` of the teacher mix of `welfare-teacher` (1: the teacher's CTR alone). */
  readonly teacherMix: number;
}

/**
 * Per-candidate target columns of a training row `[slots, TARGET_COLUMNS]`: the click, the bid, the validity mask and
 * the teacher's CTR (0 when there is no teacher).
 */
export const TARGET_COLUMNS = 4;

/** True when the objective needs a teacher's CTR in the targets. */
export function needsTeacher(objective: ObjectiveName): boolean {
  return objective === 'welfare-teacher';
}

/** @throws ConfigError naming `--losses` for an unknown objective. */
export function checkObjective(name: string): ObjectiveName {
  if (!(OBJECTIVES as readonly string[]).includes(name)) {
    throw new ConfigError('--losses', `unknown loss "${name}"; known: ${OBJECTIVES.join(', ')}`);
  }
  return name as ObjectiveName;
}

function column(targets: tf.Tensor, index: number): tf.Tensor2D {
  const [batch = 0, slots = 0] = targets.shape;
  return tf.reshape(tf.slice(targets, [0, 0, index], [batch, slots, 1]), [batch, slots]);
}

/**
 * The runtime loss of an objective over auction rows: `targets [B, S, 4]` (click, bid, mask, teacher) and the model's
 * logits `[B, S]`. Inputs are not re-validated per step (the data loaders validate once).
 */
export function objectiveLoss(objective: ObjectiveName, settings: ObjectiveSettings): LossFunction {
  return (targets, logits) => {
    const clicks = column(targets, 0);
    const bids = column(targets, 1);
    const mask = column(targets, 2);
    const welfare = (extra: Partial<WelfareRankLossOptions>): tf.Scalar =>
      welfareRankLoss(clicks, logits, { bids, mask, temperature: settings.temperature, validate: false, ...extra }) as tf.Scalar;
    switch (objective) {
      case 'logloss':
        return combinedWelfareLoss(clicks, logits, { bids, mask, lambda: 1, validate: false });
      case 'pairwise-logistic':
        // TF-Ranking takes a negative label as padding; the mask says it explicitly.
        return pairwiseLogisticLoss(clicks, logits, { mask, validate: false }) as tf.Scalar;
      case 'softmax-listwise':
        return softmaxListwiseLoss(clicks, logits, { mask, validate: false }) as tf.Scalar;
      case 'welfare':
        return welfare({});
      case 'welfare-log':
        return welfare({ scoreSpace: 'logEcpm', temperature: 1 });
      case 'welfare-teacher':
        return welfare({ teacher: column(targets, 3), teacherMix: settings.teacherMix });
      case 'combined':
        return combinedWelfareLoss(clicks, logits, {
          bids,
          mask,
          lambda: settings.lambda,
          temperature: settings.temperature,
          validate: false,
        });
    }
  };
}
