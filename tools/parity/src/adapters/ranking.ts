import {
  pairwiseLogisticLoss,
  softmaxListwiseLoss,
  type RankingLossFunction,
  type RankingLossOptions,
} from '@counterweight/core-losses';
import * as tf from '@tensorflow/tfjs-core';

import type { ParityAdapter } from './adapter.js';
import { assertKnownParams, CaseFormatError, inputTensor, numberParam, valueAndGradient, values } from './common.js';
import { flatten, shapeOf, type VectorCase } from '../vectors.js';

/** TF-Ranking loss params: `temperature`, item/list `weights` (nested list or null); lambda weights are not implemented. */
function rankingOptions(testCase: VectorCase): { readonly temperature: number; readonly weights?: tf.Tensor } {
  assertKnownParams(testCase, ['lambda_weight', 'temperature', 'weights']);
  const lambdaWeight = testCase.params['lambda_weight'];
  if (lambdaWeight !== undefined && lambdaWeight !== null) {
    throw new CaseFormatError(`params.lambda_weight ${JSON.stringify(lambdaWeight)} is not supported (only null)`);
  }
  const temperature = numberParam(testCase, 'temperature', true) ?? 1;
  const weights = testCase.params['weights'];
  if (weights === undefined || weights === null) return { temperature };
  return { temperature, weights: tf.tensor(flatten(weights, 'params.weights'), shapeOf(weights, 'params.weights')) };
}

/**
 * Every output of a TF-Ranking vector file: the estimator default (`SUM_BY_NONZERO_WEIGHTS`) and its gradient,
 * `SUM`, the weighted mean, Keras `SUM_OVER_BATCH_SIZE` and its gradient, `compute_per_list`, and for pairwise
 * losses `compute_unreduced_loss` (all pair losses and pair weights).
 */
function rankingAdapter(loss: string, implementation: string, fn: RankingLossFunction<RankingLossOptions>, pairwise: boolean): ParityAdapter {
  return {
    loss,
    implementation,
    run(testCase) {
      return tf.tidy(() => {
        const options = rankingOptions(testCase);
        const logits = inputTensor(testCase, 'logits');
        const labels = inputTensor(testCase, 'labels');
        const estimator = valueAndGradient((x) => fn(labels, x, options), logits);
        const keras = valueAndGradient((x) => fn(labels, x, { ...options, reduction: 'mean' }), logits);
        const perList = fn(labels, logits, { ...options, reduction: 'perList' });
        const out: Record<string, number[]> = {
          loss_sum_by_nonzero_weights: estimator.value,
          grad: estimator.grad,
          loss_sum: values(() => fn(labels, logits, { ...options, reduction: 'sum' })),
          loss_weighted_mean: values(() => fn(labels, logits, { ...options, reduction: 'sumOverWeights' })),
          loss_keras_sum_over_batch_size: keras.value,
          grad_keras: keras.grad,
          per_list_loss: Array.from(perList.losses.dataSync()),
          per_list_weights: Array.from(perList.weights.dataSync()),
        };
        if (pairwise) {
          const unreduced = fn(labels, logits, { ...options, reduction: 'unreduced' });
          out['loss_none_pairwise'] = Array.from(unreduced.losses.dataSync());
          out['pair_weights'] = Array.from(unreduced.weights.dataSync());
        }
        return out;
      });
    },
  };
}

/** TF-Ranking `PairwiseLogisticLoss` (RankNet), `ranknet_pairwise_logistic.json`. */
export const ranknetPairwiseLogisticAdapter = rankingAdapter('ranknet_pairwise_logistic', 'pairwiseLogisticLoss', pairwiseLogisticLoss, true);

/** TF-Ranking `SoftmaxLoss` (listwise softmax cross-entropy), `softmax_listwise.json`. */
export const softmaxListwiseAdapter = rankingAdapter('softmax_listwise', 'softmaxListwiseLoss', softmaxListwiseLoss, false);
