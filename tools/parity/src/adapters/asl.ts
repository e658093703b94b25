import { asymmetricLoss } from '@counterweight/core-losses';
import * as tf from '@tensorflow/tfjs-core';

import type { ParityAdapter } from './adapter.js';
import { assertKnownParams, CaseFormatError, inputTensor, numberParam, valueAndGradient, values } from './common.js';
import type { VectorCase } from '../vectors.js';

function booleanParam(testCase: VectorCase, name: string): boolean {
  const value = testCase.params[name];
  if (typeof value !== 'boolean') throw new CaseFormatError(`params.${name} must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

/**
 * ASL `AsymmetricLoss` / `AsymmetricLossOptimized(gamma_neg, gamma_pos, clip, eps, disable_torch_grad_focal_loss)`:
 * the official sum and its gradient under the case's `disable_torch_grad_focal_loss`, the gradient under the other
 * setting (`grad_with_disable_torch_grad_focal_loss_True|False`), and the per-element losses.
 */
function aslAdapter(loss: 'asl' | 'asl_optimized'): ParityAdapter {
  return {
    loss,
    implementation: 'asymmetricLoss',
    run(testCase) {
      assertKnownParams(testCase, ['gamma_neg', 'gamma_pos', 'clip', 'eps', 'disable_torch_grad_focal_loss']);
      const detach = booleanParam(testCase, 'disable_torch_grad_focal_loss');
      const options = {
        gammaNeg: numberParam(testCase, 'gamma_neg'),
        gammaPos: numberParam(testCase, 'gamma_pos'),
        clip: numberParam(testCase, 'clip', true) ?? null,
        eps: numberParam(testCase, 'eps'),
      };
      return tf.tidy(() => {
        const logits = inputTensor(testCase, 'logits');
        const targets = inputTensor(testCase, 'targets');
        const official = valueAndGradient((x) => asymmetricLoss(targets, x, { ...options, detachFocusingWeight: detach }), logits);
        const other = valueAndGradient((x) => asymmetricLoss(targets, x, { ...options, detachFocusingWeight: !detach }), logits);
        return {
          loss_sum: official.value,
          grad: official.grad,
          [`grad_with_disable_torch_grad_focal_loss_${detach ? 'False' : 'True'}`]: other.grad,
          loss_none: values(() => asymmetricLoss(targets, logits, { ...options, reduction: 'none' })),
        };
      });
    },
  };
}

export const aslMultiLabelAdapter = aslAdapter('asl');
export const aslOptimizedAdapter = aslAdapter('asl_optimized');
