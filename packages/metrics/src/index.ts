// Multi-class
export { confusionMatrix, predictedClasses, type MulticlassPredictions } from './confusion-matrix.js';
export { accuracy, topKAccuracy } from './accuracy.js';
export { perClassAccuracy, perClassF1, perClassPrecision } from './per-class.js';
export { balancedAccuracy, type BalancedAccuracyOptions } from './balanced-accuracy.js';
export { macroF1, type MacroF1Options } from './macro-f1.js';
export {
  indexThirds,
  shotGroups,
  type ClassGrouping,
  type IndexThird,
  type ShotGroup,
  type ShotGroupOptions,
} from './class-groups.js';
export { groupAccuracy } from './group-accuracy.js';
export {
  CALIBRATION_BINNINGS,
  type CalibrationBinning,
  type CalibrationOptions,
  type ReliabilityBin,
} from './calibration-bins.js';
export { expectedCalibrationError, groupExpectedCalibrationError, reliabilityBins } from './expected-calibration-error.js';

// Multi-label
export {
  binaryAveragePrecision,
  meanAveragePrecision,
  multilabelAveragePrecision,
  type AveragePrecisionOptions,
  type ClassesWithoutPositives,
} from './average-precision.js';
export {
  multilabelPrecisionRecall,
  type MultilabelPrecisionRecall,
  type MultilabelThresholdOptions,
} from './multilabel-precision-recall.js';

// Binary
export { binaryAuc } from './binary-auc.js';
export { binaryLogLoss, type LogLossOptions } from './binary-log-loss.js';
export { normalizedEntropy, relativeInformationGain, type NormalizedEntropyOptions } from './normalized-entropy.js';
export { binaryExpectedCalibrationError, binaryReliabilityBins, calibrationRatio } from './binary-calibration.js';
export {
  binaryBalancedAccuracy,
  binaryConfusion,
  binaryPrecision,
  binaryRecall,
  type BinaryConfusion,
  type BinaryConfusionOptions,
} from './binary-confusion.js';

// Errors
export { MetricArgumentError } from './errors.js';

// Ad auctions
export { auctionWelfare, type AuctionOutcomes, type AuctionWelfare } from './auction-welfare.js';

// Quantile forecasts
export {
  intervalScore,
  weightedIntervalScore,
  weightedIntervalScoreDecomposition,
  type WeightedIntervalScoreDecomposition,
} from './weighted-interval-score.js';

// Point and probabilistic forecasts (regression)
export { observedMask, type MaskOptions, type WeightedMaskOptions } from './observed-mask.js';
export {
  groupRegressionErrors,
  meanAbsoluteError,
  meanError,
  meanSquaredError,
  regressionErrors,
  rootMeanSquaredError,
  type GroupKeys,
  type RegressionErrors,
} from './regression-errors.js';
export { skillScore, SKILL_SCORE_ERRORS, type SkillScoreError, type SkillScoreOptions } from './skill-score.js';
export { empiricalQuantile } from './empirical-quantile.js';
export { exceedanceErrors, topQuantileErrors, type ExtremeErrors, type TopQuantileOptions } from './extreme-errors.js';
export {
  contingencyScores,
  exceedanceDetection,
  type ContingencyScores,
  type ContingencyTable,
  type ExceedanceDetection,
} from './exceedance-detection.js';
export { intervalCoverage, quantileCoverage } from './quantile-coverage.js';
