import {
  combinedWelfareLoss,
  pairwiseLogisticLoss,
  softmaxListwiseLoss,
  welfareRankLoss,
  type WelfareRankLossOptions,
} from '@counterweight/core-losses';
import { withExtras, type LossFunction, type LossInputs } from '@counterweight/runtime';
import type * as tf from '@tensorflow/tfjs-core';

import type { ObjectiveName } from './objective-names.js';

export { OBJECTIVES, checkObjective, type ObjectiveName } from './objective-names.js';

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
 * The side inputs of the objectives, extra columns of an auction data set (`auctionDataset`), each `[slots]` per
 * auction row: `bids` (the bid of every candidate; 1 at padded slots), `mask` (1 for a real candidate, 0 for padding)
 * and `teacher` (a teacher's CTR of every candidate; only when there is a teacher). The targets are the clicks alone.
 */
export const AUCTION_EXTRAS = ['bids', 'mask', 'teacher'] as const;
/** One of {@link AUCTION_EXTRAS}. */
export type AuctionExtra = (typeof AUCTION_EXTRAS)[number];

/** True when the objective needs a teacher's CTR (the `teacher` extra column). */
export function needsTeacher(objective: ObjectiveName): boolean {
  return objective === 'welfare-teacher';
}

/** The extra columns each objective reads. */
const OBJECTIVE_EXTRAS: Readonly<Record<ObjectiveName, readonly AuctionExtra[]>> = {
  logloss: ['bids', 'mask'],
  'pairwise-logistic': ['mask'],
  'softmax-listwise': ['mask'],
  welfare: ['bids', 'mask'],
  'welfare-log': ['bids', 'mask'],
  'welfare-teacher': ['bids', 'mask', 'teacher'],
  combined: ['bids', 'mask'],
};

/**
 * The runtime loss of an objective over auction rows: the clicks as targets `[B, S]`, the model's logits `[B, S]` and
 * the extra columns `bids`, `mask` (and `teacher` for `welfare-teacher`) `[B, S]`, which the loss declares, so a data
 * set without them is rejected by name before training. Inputs are not re-validated per step (the data loaders
 * validate once).
 */
export function objectiveLoss(objective: ObjectiveName, settings: ObjectiveSettings): LossFunction<AuctionExtra> {
  return withExtras(
    { lossName: objective, extras: OBJECTIVE_EXTRAS[objective] },
    ({ targets: clicks, predictions: logits, extras }: LossInputs<AuctionExtra>): tf.Scalar => {
      const { bids, mask } = extras;
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
          return welfare({ teacher: extras.teacher, teacherMix: settings.teacherMix });
        case 'combined':
          return combinedWelfareLoss(clicks, logits, {
            bids,
            mask,
            lambda: settings.lambda,
            temperature: settings.temperature,
            validate: false,
          });
      }
    },
  );
}
