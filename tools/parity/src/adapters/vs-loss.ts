import { vsAdjustments, vsLoss } from '@counterweight/core-losses';
import * as tf from '@tensorflow/tfjs-core';

import type { ParityAdapter } from './adapter.js';
import { assertKnownParams, CaseFormatError, inputTensor, listParam, numberParam, valueAndGradient, values } from './common.js';

/**
 * VS-Loss `VSLoss(cls_num_list, gamma, tau, weight)`: the official weighted-mean value and its gradient, the
 * per-class `Delta_list` and `iota_list`, and per-sample losses without (`loss_none`) and with
 * (`loss_none_weighted`) the DRW class weights.
 */
export const vsLossAdapter: ParityAdapter = {
  loss: 'vs_loss',
  implementation: 'vsLoss, vsAdjustments',
  run(testCase) {
    assertKnownParams(testCase, ['gamma', 'tau', 'cls_num_list', 'weight']);
    const classCounts = listParam(testCase, 'cls_num_list');
    if (classCounts === undefined) throw new CaseFormatError('params.cls_num_list is missing');
    const classWeights = listParam(testCase, 'weight');
    const base = { classCounts, gamma: numberParam(testCase, 'gamma'), tau: numberParam(testCase, 'tau') };
    const options = { ...base, ...(classWeights === undefined ? {} : { classWeights }) };
    const { delta, iota } = vsAdjustments(classCounts, base);
    return tf.tidy(() => {
      const logits = inputTensor(testCase, 'logits');
      const targets = inputTensor(testCase, 'targets', 'int32');
      const official = valueAndGradient((x) => vsLoss(targets, x, options), logits);
      return {
        loss_mean: official.value,
        grad: official.grad,
        Delta_list: delta,
        iota_list: iota,
        loss_none: values(() => vsLoss(targets, logits, { ...base, reduction: 'none' })),
        ...(classWeights === undefined
          ? {}
          : { loss_none_weighted: values(() => vsLoss(targets, logits, { ...options, reduction: 'none' })) }),
      };
    });
  },
};
