export { SolverArgumentError } from './errors.js';
export {
  PRESTO_PROBABILITY_FLOOR,
  type CovariateRows,
  type CumulativeFitOptions,
  type PrestoMethod,
  type PrestoModel,
  type PrestoParameters,
} from './cumulative-model.js';
export { fitPresto, fitProportionalOdds, type PrestoOptions } from './presto.js';
export { fitSeparateLogistic } from './separate-logistic.js';
export {
  cvPresto,
  prestoLambdaMax,
  prestoLambdaPath,
  type CvPrestoOptions,
  type CvPrestoResult,
  type PrestoLambdaMaxOptions,
  type PrestoPathOptions,
} from './presto-path.js';
export { predictPrestoProbabilities, prestoCumulativeLogits } from './presto-predict.js';
export { prestoReferenceAssembly } from './presto-reference-assembly.js';
export {
  DENSE_DIFFERENCES_INTERCEPTS,
  SPARSE_DIFFERENCES_INTERCEPTS,
  denseDifferencesData,
  seededUniform,
  sparseDifferencesData,
  type DenseDifferencesOptions,
  type PrestoSyntheticData,
  type PrestoSyntheticOptions,
  type SparseDifferencesOptions,
} from './presto-synthetic.js';
export {
  applyMultiplicativeCalibration,
  fitMultiplicativeCalibration,
  type MultiplicativeCalibration,
  type MultiplicativeCalibrationMethod,
  type MultiplicativeCalibrationOptions,
} from './multiplicative-calibration.js';
export {
  QUANTILE_REPAIR_METHODS,
  isotonicRegression,
  repairQuantileCrossing,
  type QuantileRepairMethod,
  type QuantileRows,
} from './quantile-repair.js';
export {
  applyConformalInterval,
  applyConformalQuantiles,
  fitConformalInterval,
  fitConformalQuantiles,
  type ConformalInterval,
  type ConformalQuantiles,
} from './conformal-quantile.js';
export type { BootstrapUncertainty, GoodnessOfFit, ScalingBootstrapOptions } from './scaling-fit-stats.js';
export {
  fitScalingLaw,
  scalingLawPredict,
  type ScalingLawFit,
  type ScalingLawOptions,
  type ScalingLawParameters,
} from './scaling-law.js';
export {
  fitLossToLoss,
  lossToLossPredict,
  type LossToLossFit,
  type LossToLossOptions,
  type LossToLossParameters,
} from './loss-to-loss.js';
