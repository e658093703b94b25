// Image classifiers of imbalanced-vision: backbones, heads and the model factory (issue 5).
export {
  ARCHITECTURES,
  AUXILIARY_HEAD_KINDS,
  CNN_MIN_SIDE,
  DEFAULT_RESNET_DEPTH,
  DEFAULT_WIDTH,
  HEAD_KINDS,
  TRAINABLE_SETS,
  resolveModelOptions,
  resolveStageSettings,
  type Architecture,
  type AuxiliaryHeadKind,
  type HeadKind,
  type ModelOptions,
  type ResolvedModelOptions,
  type StageSettings,
  type TrainableSet,
} from './options.js';
export { createModel, splitDualHeadLogits, type VisionModel } from './vision-model.js';
export { AUXILIARY_DROPOUT, AUXILIARY_HIDDEN, AUXILIARY_NAME, HEAD_NAME, auxiliaryHead, mainHead } from './heads.js';
export { cnnBackbone } from './cnn.js';
export { basicBlock, resnetBackbone } from './resnet.js';
export {
  NORMALIZE_EPSILON,
  applyLayers,
  buildLayers,
  flattenLayers,
  l2Normalize,
  samePadding,
  windowOutputSize,
  type Activation,
  type BiasInit,
  type Layer,
  type LayerContext,
  type LayerSpec,
} from './layers.js';
export {
  BATCH_NORM_EPSILON,
  batchNormInference,
  batchNormTraining,
  createBatchNorm,
  foldIntoConvolution,
  updateRunningStatistics,
  type BatchNormTrainingResult,
  type BatchNormVariables,
} from './batch-norm.js';
