// CTR models for ad auctions: logistic regression, factorization machine and a small DNN, as runtime TrainableModels.
export {
  CTR_MODEL_DEFAULTS,
  CTR_MODEL_KINDS,
  resolveCtrModelConfig,
  type CtrModelConfig,
  type CtrModelKind,
  type DnnConfig,
  type FmConfig,
  type LogisticConfig,
  type ResolvedCtrModelConfig,
} from './config.js';
export { checkFeatureSpec, fieldOffsets, findFeatureProblem, tableRows } from './feature-spec.js';
export {
  auctionInputs,
  checkCtrInputs,
  ctrInputs,
  flattenCtrInputs,
  type CheckedCtrInputs,
  type CtrInputTensors,
  type FlatCtrInputs,
} from './inputs.js';
export { LINEAR_INIT_STD, createCtrVariables, ctrVariableSpecs, type CtrInit, type CtrVariableSpec } from './parameters.js';
export { logisticLogits, type LinearWeights } from './logistic.js';
export { fmInteractions, type FmFactors } from './fm.js';
export { dnnLogits, type DenseWeights, type DnnWeights } from './dnn.js';
export { createCtrModel, type CtrModel } from './ctr-model.js';
