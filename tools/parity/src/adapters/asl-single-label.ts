import { asymmetricLossSingleLabel } from '@counterweight/core-losses';
import * as tf from '@tensorflow/tfjs-core';

import type { ParityAdapter } from './adapter.js';
import { assertKnownParams, inputTensor, numberParam, valueAndGradient, values } from './common.js';

/** ASL `ASLSingleLabel(gamma_pos, gamma_neg, eps)`: batch mean (official) and its gradient, per-sample losses, sum. */
export const aslSingleLabelAdapter: ParityAdapter = {
  loss: 'asl_single_label',
  implementation: 'asymmetricLossSingleLabel',
  run(testCase) {
    assertKnownParams(testCase, ['gamma_pos', 'gamma_neg', 'eps']);
    const options = {
      gammaPos: numberParam(testCase, 'gamma_pos'),
      gammaNeg: numberParam(testCase, 'gamma_neg'),
      labelSmoothing: numberParam(testCase, 'eps'),
    };
    return tf.tidy(() => {
      const logits = inputTensor(testCase, 'logits');
      const targets = inputTensor(testCase, 'targets', 'int32');
      const mean = valueAndGradient((x) => asymmetricLossSingleLabel(targets, x, options), logits);
      return {
        loss_mean: mean.value,
        grad: mean.grad,
        loss_none: values(() => asymmetricLossSingleLabel(targets, logits, { ...options, reduction: 'none' })),
        loss_sum_derived: values(() => asymmetricLossSingleLabel(targets, logits, { ...options, reduction: 'sum' })),
      };
    });
  },
};
