export { LossArgumentError } from './errors.js';
export {
  REDUCTIONS,
  computeWeightedLoss,
  reduceWeightedLosses,
  type Reduction,
  type WeightingOptions,
} from './reduction.js';
export type { TensorInput } from './validation.js';
export { focusingPow, log1p, logSoftmax, sigmoid, softplus, stopGradient } from './stable-math.js';
export { sigmoidCrossEntropy, type SigmoidCrossEntropyOptions } from './sigmoid-cross-entropy.js';
export { softmaxCrossEntropy, type SoftmaxCrossEntropyOptions } from './softmax-cross-entropy.js';
export { sigmoidFocalLoss, type SigmoidFocalLossOptions } from './sigmoid-focal.js';
export {
  softmaxFocalLoss,
  type ClassWeightPlacement,
  type SoftmaxFocalLossOptions,
} from './softmax-focal.js';
export {
  CLASS_WEIGHT_STRATEGIES,
  classBalancedWeights,
  computeClassWeights,
  countClasses,
  countMultiHot,
  inverseClassFrequencyWeights,
  inverseFrequencyWeights,
  rankBasedFrequencyWeights,
  roundLikeNumpy,
  sqrtInverseFrequencyWeights,
  type ClassBalancedWeights,
  type ClassCountSource,
  type ClassWeightNormalization,
  type ClassWeightOptions,
  type ClassWeights,
  type ClassWeightStrategy,
} from './class-weights.js';
export { asymmetricLoss, type AsymmetricLossOptions } from './asl.js';
export { asymmetricLossSingleLabel, type AsymmetricLossSingleLabelOptions } from './asl-single-label.js';
export { classBalancedLoss, type ClassBalancedLossOptions, type ClassBalancedLossType } from './class-balanced-loss.js';
export { classPriors } from './class-counts.js';
export { ldamLoss, ldamMargins, type LdamLossOptions, type LdamMarginOptions } from './ldam.js';
export {
  logitAdjustedLoss,
  logitAdjustments,
  posthocLogitAdjustment,
  type LogitAdjustedLossOptions,
  type LogitAdjustmentPriorOptions,
  type PosthocLogitAdjustmentOptions,
} from './logit-adjustment.js';
export { vsAdjustments, vsLoss, type VsAdjustmentOptions, type VsAdjustments, type VsLossOptions } from './vs-loss.js';
export { drwSchedule, type DrwScheduleOptions, type DrwWeightsAt } from './drw.js';
export {
  densityNormalizedLoss,
  type DensityCounting,
  type DensityNormalization,
  type DensityNormalizedLossOptions,
} from './density-normalized.js';
export {
  jaccardLoss,
  softDiceLoss,
  tverskyLoss,
  type OverlapLossOptions,
  type TverskyLossOptions,
} from './overlap.js';
export {
  distillationKL,
  dualHeadBinaryKL,
  type DistillationKLOptions,
  type DualHeadBinaryKLOptions,
} from './distillation.js';
export {
  RANKING_REDUCTIONS,
  reduceRankingLosses,
  type RankingDecomposition,
  type RankingLossFunction,
  type RankingLossTerms,
  type RankingReduction,
  type RankingReductionOptions,
} from './ranking-reduction.js';
export type { RankingLossOptions } from './ranking-lists.js';
export { pairwiseLogisticLoss } from './pairwise-logistic.js';
export { pairwiseHingeLoss } from './pairwise-hinge.js';
export { softmaxListwiseLoss } from './softmax-listwise.js';
export { poly1SoftmaxListwiseLoss, type Poly1SoftmaxListwiseLossOptions } from './poly1-softmax-listwise.js';
export type { PerturbationCallback, PerturbedGradients } from './weight-perturbation.js';
export { samGradients, type SamOptions } from './sam.js';
export { awpGradients, type AwpOptions } from './awp.js';
export {
  applyMaxNorm,
  classNorms,
  maxNormProjection,
  maxNormThreshold,
  type ClassAxisOptions,
  type MaxNormThresholdOptions,
} from './max-norm.js';
export { simplexEtf, type SimplexEtfOptions } from './simplex-etf.js';
export { featureNormPenalty, type FeatureNormPenaltyOptions } from './feature-norm-penalty.js';
export { posthocLogitScaling, type PosthocLogitScalingOptions } from './posthoc-logit-scaling.js';
export {
  EXTRA_NAMES,
  LOSS_CATALOG,
  TASK_CATALOG,
  TASK_KINDS,
  type ClassificationTask,
  type ExtraName,
  type LossCatalogEntry,
  type LossExtraInput,
  type LossInputsSpec,
  type TaskCatalogEntry,
  type TaskKind,
} from './catalog.js';
export { MOMO_GLOBAL_STATE, Momo, type MomoGradient, type MomoOptions, type MomoStateTensor } from './momo.js';
export { MomoAdam, type MomoAdamOptions, type MomoWeightDecayMode } from './momo-adam.js';
export {
  combinedWelfareLoss,
  ecpmDifferences,
  welfarePairWeights,
  welfareRankLoss,
  type CombinedWelfareLossOptions,
  type WelfareNormalization,
  type WelfarePairSurrogate,
  type WelfarePairWeighting,
  type WelfareRankLossOptions,
  type WelfareScoreSpace,
  type WelfareTemperatureUnit,
} from './welfare-rank.js';
export {
  CUMULATIVE_LOGIT_PROBABILITY_FLOOR,
  cumulativeLogitLoss,
  type CumulativeLogitLossOptions,
} from './cumulative-logit.js';
export type { RegressionOptions } from './regression-inputs.js';
export {
  huberLoss,
  logCoshLoss,
  meanAbsoluteError,
  meanSquaredError,
  type HuberLossOptions,
  type LogCoshLossOptions,
  type PointLossOptions,
} from './point-losses.js';
export { pinballLoss, type PinballLossOptions, type PinballScale } from './pinball.js';
export {
  FixedTaskWeighter,
  TASK_WEIGHTING_METHODS,
  sumTaskWeighter,
  type FixedTaskWeighterOptions,
  type TaskLosses,
  type TaskWeighter,
  type TaskWeighterOptions,
  type TaskWeightingMethod,
  type TaskWeightReport,
} from './task-weighting.js';
export {
  UNCERTAINTY_VARIANTS,
  UncertaintyTaskWeighter,
  uncertaintyWeightedLoss,
  type UncertaintyOptions,
  type UncertaintyTaskKind,
  type UncertaintyTaskWeighterOptions,
  type UncertaintyVariant,
} from './uncertainty-weighting.js';
export { ImprovableGapWeighter, type ImprovableGapWeighterOptions } from './igb-weighting.js';
export { SoftmaxTaskWeighter, type SoftmaxTaskWeighterOptions } from './softmax-task-weighting.js';
export { createTaskWeighter, type TaskWeighterSpec } from './task-weighter-factory.js';
export {
  binIndices,
  binIndicesByComparison,
  fitTargetHistogram,
  hasEvenEdges,
  histogramBinEdges,
  histogramBinIndex,
  histogramBinIndex32,
  isPreparedHistogram,
  parseTargetHistogram,
  stackedBinIndices,
  type BinLookup,
  type TargetHistogram,
  type TargetHistogramBins,
  type TargetHistogramOptions,
} from './target-histogram.js';
export {
  aircastAuxiliaryLoss,
  frequencyBinWeights,
  frequencyTargetWeights,
  frequencyWeightedMae,
  type AircastAuxiliaryLossOptions,
  type FrequencyBinBy,
  type FrequencyTargetWeightOptions,
  type FrequencyWeightedMaeOptions,
  type FrequencyWeighting,
} from './frequency-weighted-mae.js';
export {
  ldsKernelWindow,
  ldsWeights,
  type LdsKernel,
  type LdsReweight,
  type LdsWeightOptions,
  type LdsWeights,
} from './lds-weights.js';
export { balancedMseLoss, type BalancedMseLossOptions } from './balanced-mse.js';
export {
  fitTargetBins,
  numTargetClasses,
  parseTargetBins,
  targetClasses,
  type TargetBinning,
  type TargetBinOptions,
  type TargetBins,
} from './target-bins.js';
export {
  classificationAidedRegressionLoss,
  type ClassificationAidedRegressionOptions,
} from './classification-aided-regression.js';
export {
  QUANTILE_AGGREGATION_GRANULARITIES,
  QuantileAggregator,
  aggregateQuantiles,
  type QuantileAggregationGranularity,
  type QuantileAggregatorOptions,
} from './quantile-aggregation.js';
export { DEFAULT_IGNORE_INDEX } from './token-inputs.js';
export {
  SAMPLE_REWEIGHTING_STRATEGIES,
  sampleReweightedLoss,
  sampleReweightingWeights,
  type SampleReweightedLossOptions,
  type SampleReweightingStrategy,
  type SampleReweightingWeightOptions,
  type SequenceShare,
} from './sample-reweighting.js';
export {
  SampleReweighter,
  type SampleReweighterOptions,
  type SampleReweightingReport,
  type SampleWeightSpread,
} from './sample-reweighter.js';
export {
  crossEntropyWithNumberTokenLoss,
  digitTokenIdsOf,
  expectedDigitValue,
  numberTokenLoss,
  type CrossEntropyWithNumberTokenLossOptions,
  type IgnoredLabelHandling,
  type NumberTokenLossOptions,
  type NumberTokenLossVariant,
} from './number-token-loss.js';
export { sphericalZLoss, type SphericalZLossOptions } from './spherical-z-loss.js';
export { logPartitionPenalty, type LogPartitionPenaltyOptions } from './log-partition-penalty.js';
export {
  MD4_SCHEDULE_TYPES,
  md4ElboWeights,
  md4SampleTimes,
  md4Schedule,
  type Md4Schedule,
  type Md4ScheduleOptions,
  type Md4ScheduleType,
} from './md4-schedule.js';
export { md4MaskTokens, type Md4MaskedBatch, type Md4MaskingOptions } from './md4-masking.js';
export {
  maskedDiffusionLoss,
  type MaskedDiffusionLossOptions,
  type MaskedDiffusionNormalization,
} from './md4-loss.js';
