import { classPriors, logitAdjustedLoss } from '@counterweight/core-losses';
import * as tf from '@tensorflow/tfjs-core';

import type { ParityAdapter } from './adapter.js';
import { assertKnownParams, CaseFormatError, inputTensor, listParam, numberParam, valueAndGradient, values } from './common.js';

/** `base_probs` and `cls_num_list` must describe the same priors (float64 division, so to rounding). */
const PRIOR_AGREEMENT = 1e-12;

/**
 * google-research `build_loss_fn(use_la_loss=True, base_probs, tau)`: the official batch mean and its gradient,
 * per-sample losses and their derived sum. The loss is fed `base_probs` as given; `cls_num_list` (where the priors
 * came from) is checked to give the same priors through `classPriors`.
 */
export const logitAdjustmentAdapter: ParityAdapter = {
  loss: 'logit_adjustment',
  implementation: 'logitAdjustedLoss, classPriors',
  run(testCase) {
    assertKnownParams(testCase, ['tau', 'base_probs', 'cls_num_list']);
    const priors = listParam(testCase, 'base_probs');
    if (priors === undefined) throw new CaseFormatError('params.base_probs is missing');
    const counts = listParam(testCase, 'cls_num_list');
    if (counts !== undefined) {
      const fromCounts = classPriors(counts);
      const mismatch = fromCounts.findIndex((p, c) => !(Math.abs(p - (priors[c] ?? Number.NaN)) <= PRIOR_AGREEMENT * p));
      if (fromCounts.length !== priors.length || mismatch >= 0) {
        throw new CaseFormatError(`params.cls_num_list does not give params.base_probs (class ${mismatch})`);
      }
    }
    const options = { priors, tau: numberParam(testCase, 'tau') };
    return tf.tidy(() => {
      const logits = inputTensor(testCase, 'logits');
      const targets = inputTensor(testCase, 'targets', 'int32');
      const official = valueAndGradient((x) => logitAdjustedLoss(targets, x, options), logits);
      return {
        loss_mean: official.value,
        grad: official.grad,
        loss_none: values(() => logitAdjustedLoss(targets, logits, { ...options, reduction: 'none' })),
        loss_sum_derived: values(() => logitAdjustedLoss(targets, logits, { ...options, reduction: 'sum' })),
      };
    });
  },
};
