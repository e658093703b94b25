import { classBalancedLoss, classBalancedWeights, type ClassBalancedLossType } from '@counterweight/core-losses';
import * as tf from '@tensorflow/tfjs-core';

import type { ParityAdapter } from './adapter.js';
import { assertKnownParams, CaseFormatError, inputTensor, listParam, numberParam, valueAndGradient, values } from './common.js';

/**
 * Class-balanced softmax / sigmoid / focal loss of the official TF code (`_tower_fn`, `focal_loss`): the official
 * normalised value (`loss`) and its gradient, the weighted terms (`loss_none`) and the class weights. The vandit15
 * port's different "softmax" value is a warning in the vectors, not a target, and is left uncompared.
 */
function cbAdapter(lossType: ClassBalancedLossType): ParityAdapter {
  return {
    loss: `cb_${lossType}`,
    implementation: 'classBalancedLoss, classBalancedWeights',
    run(testCase) {
      assertKnownParams(testCase, ['beta', 'gamma', 'samples_per_cls', 'no_of_classes', 'loss_type']);
      if (testCase.params['loss_type'] !== lossType) {
        throw new CaseFormatError(`params.loss_type is ${JSON.stringify(testCase.params['loss_type'])}, expected "${lossType}"`);
      }
      const samplesPerClass = listParam(testCase, 'samples_per_cls');
      if (samplesPerClass === undefined) throw new CaseFormatError('params.samples_per_cls is missing');
      const numClasses = numberParam(testCase, 'no_of_classes');
      if (numClasses !== samplesPerClass.length) {
        throw new CaseFormatError(`params.no_of_classes is ${numClasses} but samples_per_cls lists ${samplesPerClass.length}`);
      }
      const beta = numberParam(testCase, 'beta');
      const gamma = numberParam(testCase, 'gamma', true);
      if (lossType !== 'focal' && gamma !== undefined) throw new CaseFormatError(`params.gamma must be null for ${lossType}`);
      const options = { samplesPerClass, beta, lossType, ...(gamma === undefined ? {} : { gamma }) };
      return tf.tidy(() => {
        const logits = inputTensor(testCase, 'logits');
        if (logits.shape[1] !== numClasses) throw new CaseFormatError(`inputs.logits has ${logits.shape[1]} classes, params say ${numClasses}`);
        const targets = inputTensor(testCase, 'targets', 'int32');
        const official = valueAndGradient((x) => classBalancedLoss(targets, x, options), logits);
        return {
          loss: official.value,
          grad: official.grad,
          loss_none: values(() => classBalancedLoss(targets, logits, { ...options, reduction: 'none' })),
          class_weights: [...classBalancedWeights(samplesPerClass, { beta }).weights],
        };
      });
    },
  };
}

export const cbSoftmaxAdapter = cbAdapter('softmax');
export const cbSigmoidAdapter = cbAdapter('sigmoid');
export const cbFocalAdapter = cbAdapter('focal');
