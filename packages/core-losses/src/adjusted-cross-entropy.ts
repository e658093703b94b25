// Internal: the shared front half of the losses that adjust logits per class and then apply softmax cross-entropy
// (LDAM, VS, logit adjustment). Arguments are checked here, under the public loss's name, so that the call into
// softmaxCrossEntropy can skip its own value checks (and never reports an error under the wrong loss name).
import type * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import { prepareWeights, resolveReduction, type Reduction, type WeightingOptions } from './reduction.js';
import { softmaxCrossEntropy } from './softmax-cross-entropy.js';
import { toClassIdInputs, toClassVector, type TensorInput } from './validation.js';

/** Checked inputs of a class-id softmax loss on `[B, C]` logits. */
export interface ClassificationInputs {
  readonly logits: tf.Tensor2D;
  readonly labels: tf.Tensor1D;
  readonly numClasses: number;
  readonly classWeights: tf.Tensor1D | undefined;
  readonly sampleWeights: tf.Tensor | undefined;
  readonly reduction: Reduction;
  readonly avgFactor: number | undefined;
}

/**
 * Converts and checks `[B, C]` logits, `[B]` class ids, optional class weights and sample weights and the
 * reduction, naming `loss` in every error.
 */
export function checkClassificationInputs(
  targets: TensorInput,
  logits: TensorInput,
  options: WeightingOptions & { readonly classWeights?: TensorInput },
  defaultReduction: Reduction,
  loss: string,
): ClassificationInputs {
  const reduction = resolveReduction(options, defaultReduction, loss);
  const validate = options.validate ?? true;
  const { logits: x, labels, batch, numClasses } = toClassIdInputs(targets, logits, loss, validate);
  const classWeights =
    options.classWeights === undefined
      ? undefined
      : toClassVector(options.classWeights, numClasses, 'options.classWeights', loss, true);
  const sampleWeights = prepareWeights(options.weights, [batch], loss, validate);
  return {
    logits: x,
    labels,
    numClasses,
    classWeights,
    sampleWeights,
    reduction,
    avgFactor: options.avgFactor,
  };
}

/** Softmax cross-entropy of already adjusted logits with the checked weights and reduction (PyTorch semantics). */
export function crossEntropyOfAdjusted(adjusted: tf.Tensor, inputs: ClassificationInputs): tf.Tensor {
  return softmaxCrossEntropy(inputs.labels, adjusted, {
    reduction: inputs.reduction,
    validate: false,
    ...(inputs.classWeights === undefined ? {} : { classWeights: inputs.classWeights }),
    ...(inputs.sampleWeights === undefined ? {} : { weights: inputs.sampleWeights }),
    ...(inputs.avgFactor === undefined ? {} : { avgFactor: inputs.avgFactor }),
  });
}

/** Checks that a per-class list (counts or priors) has one entry per class of the logits. */
export function assertPerClassLength(values: readonly number[], numClasses: number, argument: string, loss: string): void {
  if (values.length !== numClasses) {
    throw new LossArgumentError(
      loss,
      argument,
      `lists ${values.length} classes but the logits have ${numClasses} (shape [B, ${numClasses}])`,
    );
  }
}
