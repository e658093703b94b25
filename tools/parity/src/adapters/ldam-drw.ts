import { ldamLoss, ldamMargins } from '@counterweight/core-losses';
import * as tf from '@tensorflow/tfjs-core';

import type { ParityAdapter } from './adapter.js';
import { assertKnownParams, CaseFormatError, inputTensor, listParam, numberParam, valueAndGradient, values } from './common.js';

/**
 * LDAM-DRW `LDAMLoss(cls_num_list, max_m, weight, s)`: the official weighted-mean value and its gradient, the
 * margins, per-sample losses without (`loss_none`) and with (`loss_none_weighted`) the DRW class weights, and the
 * derived sum of the weighted per-sample losses.
 */
export const ldamDrwAdapter: ParityAdapter = {
  loss: 'ldam_drw',
  implementation: 'ldamLoss, ldamMargins',
  run(testCase) {
    assertKnownParams(testCase, ['max_m', 's', 'cls_num_list', 'weight']);
    const classCounts = listParam(testCase, 'cls_num_list');
    if (classCounts === undefined) throw new CaseFormatError('params.cls_num_list is missing');
    const classWeights = listParam(testCase, 'weight');
    const base = { classCounts, maxMargin: numberParam(testCase, 'max_m'), scale: numberParam(testCase, 's') };
    const options = { ...base, ...(classWeights === undefined ? {} : { classWeights }) };
    return tf.tidy(() => {
      const logits = inputTensor(testCase, 'logits');
      const targets = inputTensor(testCase, 'targets', 'int32');
      const official = valueAndGradient((x) => ldamLoss(targets, x, options), logits);
      return {
        loss_mean: official.value,
        grad: official.grad,
        m_list: ldamMargins(classCounts, { maxMargin: base.maxMargin }),
        loss_none: values(() => ldamLoss(targets, logits, { ...base, reduction: 'none' })),
        ...(classWeights === undefined
          ? {}
          : { loss_none_weighted: values(() => ldamLoss(targets, logits, { ...options, reduction: 'none' })) }),
        loss_sum_derived: values(() => ldamLoss(targets, logits, { ...options, reduction: 'sum' })),
      };
    });
  },
};
