export { LossArgumentError } from './errors.js';
export {
  REDUCTIONS,
  computeWeightedLoss,
  reduceWeightedLosses,
  type Reduction,
  type WeightingOptions,
} from './reduction.js';
export type { TensorInput } from './validation.js';
export { softplus } from './stable-math.js';
export { sigmoidCrossEntropy, type SigmoidCrossEntropyOptions } from './sigmoid-cross-entropy.js';
export { softmaxCrossEntropy, type SoftmaxCrossEntropyOptions } from './softmax-cross-entropy.js';
export { sigmoidFocalLoss, type SigmoidFocalLossOptions } from './sigmoid-focal.js';
export {
  softmaxFocalLoss,
  type ClassWeightPlacement,
  type SoftmaxFocalLossOptions,
} from './softmax-focal.js';
export {
  classBalancedWeights,
  countClasses,
  type ClassBalancedWeights,
  type ClassWeights,
} from './class-balanced.js';
