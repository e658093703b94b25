import { huberLoss, logCoshLoss, pinballLoss } from '@counterweight/core-losses';
import * as tf from '@tensorflow/tfjs-core';

import type { ParityAdapter } from './adapter.js';
import { assertKnownParams, CaseFormatError, inputTensor, listParam, numberParam, valueAndGradient, values } from './common.js';

/**
 * PyTorch `huber_loss(delta)`: loss_none / loss_mean / loss_sum with the gradients of mean and sum; Keras `huber`
 * (per-sample mean over the last axis, `perSample`) and `Huber()` (its batch mean).
 */
export const huberAdapter: ParityAdapter = {
  loss: 'huber',
  implementation: 'huberLoss',
  run(testCase) {
    assertKnownParams(testCase, ['delta']);
    const delta = numberParam(testCase, 'delta');
    return tf.tidy(() => {
      const p = inputTensor(testCase, 'y_pred');
      const y = inputTensor(testCase, 'y_true');
      const mean = valueAndGradient((x) => huberLoss(y, x, { delta }), p);
      const sum = valueAndGradient((x) => huberLoss(y, x, { delta, reduction: 'sum' }), p);
      return {
        loss_none: values(() => huberLoss(y, p, { delta, reduction: 'none' })),
        loss_mean: mean.value,
        grad: mean.grad,
        loss_sum: sum.value,
        grad_sum: sum.grad,
        keras_per_sample: values(() => huberLoss(y, p, { delta, perSample: true, reduction: 'none' })),
        keras_loss: values(() => huberLoss(y, p, { delta, perSample: true })),
      };
    });
  },
};

/** Keras `log_cosh` (per-sample, `perSample`) and `LogCosh()` (mean over everything), element losses and sum. */
export const logCoshAdapter: ParityAdapter = {
  loss: 'log_cosh',
  implementation: 'logCoshLoss',
  run(testCase) {
    assertKnownParams(testCase, []);
    return tf.tidy(() => {
      const p = inputTensor(testCase, 'y_pred');
      const y = inputTensor(testCase, 'y_true');
      const mean = valueAndGradient((x) => logCoshLoss(y, x), p);
      return {
        loss_none: values(() => logCoshLoss(y, p, { reduction: 'none' })),
        loss_per_sample: values(() => logCoshLoss(y, p, { perSample: true, reduction: 'none' })),
        loss_mean: mean.value,
        loss_sum: values(() => logCoshLoss(y, p, { reduction: 'sum' })),
        grad: mean.grad,
      };
    });
  },
};

/**
 * TF-Addons `pinball_loss` (per-sample, `perSample`) and `PinballLoss()` (mean over B·Q) with `y_true` `[B]`
 * broadcast to the Q columns of `y_pred`; pytorch-forecasting's doubled `QuantileLoss` (`scale`).
 */
export const pinballAdapter: ParityAdapter = {
  loss: 'pinball',
  implementation: 'pinballLoss',
  run(testCase) {
    assertKnownParams(testCase, ['quantiles']);
    const quantileLevels = listParam(testCase, 'quantiles');
    if (quantileLevels === undefined) throw new CaseFormatError('params.quantiles is missing');
    return tf.tidy(() => {
      const p = inputTensor(testCase, 'y_pred');
      const y = inputTensor(testCase, 'y_true');
      const options = { quantileLevels };
      const mean = valueAndGradient((x) => pinballLoss(y, x, options), p);
      const forecasting = { ...options, scale: 'pytorchForecasting' as const };
      return {
        loss_none: values(() => pinballLoss(y, p, { ...options, reduction: 'none' })),
        loss_per_sample: values(() => pinballLoss(y, p, { ...options, perSample: true, reduction: 'none' })),
        loss_mean: mean.value,
        loss_sum: values(() => pinballLoss(y, p, { ...options, reduction: 'sum' })),
        grad: mean.grad,
        pytorch_forecasting_loss_none: values(() => pinballLoss(y, p, { ...forecasting, reduction: 'none' })),
        pytorch_forecasting_loss_mean: values(() => pinballLoss(y, p, forecasting)),
      };
    });
  },
};
