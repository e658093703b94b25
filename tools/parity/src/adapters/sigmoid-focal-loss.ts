import { sigmoidFocalLoss } from '@counterweight/core-losses';
import * as tf from '@tensorflow/tfjs-core';

import type { ParityAdapter } from './adapter.js';
import { assertKnownParams, inputTensor, numberParam, valueAndGradient, values } from './common.js';

/** torchvision `sigmoid_focal_loss(alpha, gamma)`: loss_none / loss_mean / loss_sum, grad of mean and of sum. */
export const sigmoidFocalLossAdapter: ParityAdapter = {
  loss: 'sigmoid_focal_loss',
  implementation: 'sigmoidFocalLoss',
  run(testCase) {
    assertKnownParams(testCase, ['alpha', 'gamma']);
    const options = { alpha: numberParam(testCase, 'alpha'), gamma: numberParam(testCase, 'gamma') };
    return tf.tidy(() => {
      const logits = inputTensor(testCase, 'logits');
      const targets = inputTensor(testCase, 'targets');
      const mean = valueAndGradient((x) => sigmoidFocalLoss(targets, x, { ...options, reduction: 'mean' }), logits);
      const sum = valueAndGradient((x) => sigmoidFocalLoss(targets, x, { ...options, reduction: 'sum' }), logits);
      return {
        loss_none: values(() => sigmoidFocalLoss(targets, logits, options)),
        loss_mean: mean.value,
        grad: mean.grad,
        loss_sum: sum.value,
        grad_sum: sum.grad,
      };
    });
  },
};
