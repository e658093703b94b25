import { uncertaintyWeightedLoss, type UncertaintyOptions, type UncertaintyTaskKind } from '@counterweight/core-losses';
import * as tf from '@tensorflow/tfjs-core';

import type { ParityAdapter } from './adapter.js';
import { assertKnownParams, CaseFormatError, inputTensor, listParam } from './common.js';
import { flatten, shapeOf, type JsonValue, type VectorCase } from '../vectors.js';

/** The `task_kinds` param: null, or a list of 'regression' / 'classification'. */
function taskKinds(testCase: VectorCase): UncertaintyTaskKind[] | undefined {
  const value = testCase.params['task_kinds'];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((k) => k !== 'regression' && k !== 'classification')) {
    throw new CaseFormatError(`params.task_kinds must be null or a list of 'regression' / 'classification', got ${JSON.stringify(value)}`);
  }
  return value as UncertaintyTaskKind[];
}

/** One `[B, D_t]` tensor per task from a list-of-arrays input (`y_pred`, `y_true`). */
function perTaskTensors(testCase: VectorCase, name: string): tf.Tensor[] {
  const value: JsonValue | undefined = testCase.inputs[name];
  if (!Array.isArray(value)) throw new CaseFormatError(`inputs.${name} must be a list with one [B, D] array per task`);
  return value.map((task, t) => tf.tensor(flatten(task, `inputs.${name}[${t}]`), shapeOf(task, `inputs.${name}[${t}]`)));
}

/**
 * Gal's notebook criterion: task losses `L_t = mean_b Σ_d (ŷ − y)²` of every `[B, D_t]` prediction, then
 * `uncertaintyWeightedLoss` with variant `galCriterion` and `taskDims` = D_t; gradients by `y_pred` (all tasks,
 * concatenated row-major) and by the log-variances.
 */
function galCriterion(testCase: VectorCase): Record<string, number[]> {
  const dims = listParam(testCase, 'task_dims');
  if (dims === undefined) throw new CaseFormatError('params.task_dims is missing');
  const yTrue = perTaskTensors(testCase, 'y_true');
  const yPred = perTaskTensors(testCase, 'y_pred');
  if (yTrue.length !== dims.length || yPred.length !== dims.length) {
    throw new CaseFormatError(`inputs.y_pred / y_true must hold ${dims.length} tasks (params.task_dims)`);
  }
  const logVars = inputTensor(testCase, 'log_vars');
  const options: UncertaintyOptions = { variant: 'galCriterion', taskDims: dims };
  const total = (preds: tf.Tensor[], s: tf.Tensor): tf.Scalar => {
    const taskLosses = tf.stack(preds.map((p, t) => tf.mean(tf.sum(tf.squaredDifference(p, yTrue[t] as tf.Tensor), -1))));
    return uncertaintyWeightedLoss(taskLosses, s, options) as tf.Scalar;
  };
  const { value, grads } = tf.valueAndGrads((...args: tf.Tensor[]) => total(args.slice(0, -1), args[args.length - 1] as tf.Tensor))([...yPred, logVars]);
  return {
    loss: Array.from(value.dataSync()),
    grad_y_pred: grads.slice(0, -1).flatMap((g) => Array.from(g.dataSync())),
    grad_log_vars: Array.from((grads[grads.length - 1] as tf.Tensor).dataSync()),
  };
}

/** `Σ e^{−s}L + s` or Kendall's eq. 7 on given task losses; gradients by the task losses and the log-variances. */
function onTaskLosses(testCase: VectorCase, options: UncertaintyOptions): Record<string, number[]> {
  const losses = inputTensor(testCase, 'task_losses');
  const logVars = inputTensor(testCase, 'log_vars');
  const { value, grads } = tf.valueAndGrads((l: tf.Tensor, s: tf.Tensor) => uncertaintyWeightedLoss(l, s, options) as tf.Scalar)([losses, logVars]);
  return {
    loss: Array.from(value.dataSync()),
    grad_task_losses: Array.from((grads[0] as tf.Tensor).dataSync()),
    grad_log_vars: Array.from((grads[1] as tf.Tensor).dataSync()),
  };
}

/** The three uncertainty-weighting variants of `kendall_uncertainty.json` (Kendall et al. 2018; Gal's notebook). */
export const kendallUncertaintyAdapter: ParityAdapter = {
  loss: 'kendall_uncertainty',
  implementation: 'uncertaintyWeightedLoss',
  run(testCase) {
    assertKnownParams(testCase, ['variant', 'task_dims', 'task_kinds']);
    const variant = testCase.params['variant'];
    return tf.tidy(() => {
      switch (variant) {
        case 'yaringal_pytorch_criterion':
          return galCriterion(testCase);
        case 'sum_exp_neg_s_L_plus_s':
          if (taskKinds(testCase) !== undefined) throw new CaseFormatError('params.task_kinds must be null for the plain variant');
          return onTaskLosses(testCase, { variant: 'plain' });
        case 'kendall_eq7_half_factors':
          return onTaskLosses(testCase, { variant: 'kendallEq7', taskKinds: taskKinds(testCase) });
        default:
          throw new CaseFormatError(`params.variant ${JSON.stringify(variant)} is not one of the three known variants`);
      }
    });
  },
};
