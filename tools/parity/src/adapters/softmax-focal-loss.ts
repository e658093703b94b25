import { softmaxFocalLoss } from '@counterweight/core-losses';
import * as tf from '@tensorflow/tfjs-core';

import type { ParityAdapter } from './adapter.js';
import { assertKnownParams, inputTensor, listParam, numberParam, valueAndGradient, values } from './common.js';

/**
 * LDAM-DRW `FocalLoss(weight, gamma)`: batch mean (the official output) and its gradient, per-sample losses, and
 * the derived sum. `cls_num_list` only documents where the DRW weights came from.
 */
export const softmaxFocalLossAdapter: ParityAdapter = {
  loss: 'softmax_focal_loss',
  implementation: 'softmaxFocalLoss',
  run(testCase) {
    assertKnownParams(testCase, ['gamma', 'weight', 'cls_num_list']);
    const classWeights = listParam(testCase, 'weight');
    const options = { gamma: numberParam(testCase, 'gamma'), ...(classWeights === undefined ? {} : { classWeights }) };
    return tf.tidy(() => {
      const logits = inputTensor(testCase, 'logits');
      const targets = inputTensor(testCase, 'targets', 'int32');
      const mean = valueAndGradient((x) => softmaxFocalLoss(targets, x, options), logits);
      return {
        loss_mean: mean.value,
        grad: mean.grad,
        loss_none: values(() => softmaxFocalLoss(targets, logits, { ...options, reduction: 'none' })),
        loss_sum_derived: values(() => softmaxFocalLoss(targets, logits, { ...options, reduction: 'sum' })),
      };
    });
  },
};
