export { matrixFromRows, matrixRow, type Matrix } from './matrix.js';
export { ReweightingError } from './reweighting-error.js';
export { seededPermutation, seededRandom, type SeededRandom } from './random.js';
export type { DensityRatioFitter, DensityRatioModel } from './density-ratio-model.js';

// Density-ratio weights under covariate shift.
export {
  classifierDensityRatio,
  fitClassifierDensityRatio,
  type ClassifierDensityRatioModel,
  type ClassifierDensityRatioOptions,
} from './density-ratio-classifier.js';
export { fitKliep, kliepDensityRatio, type KliepModel, type KliepOptions } from './kliep.js';
export {
  fitLogisticRegression,
  logisticLogits,
  type LogisticRegressionModel,
  type LogisticRegressionOptions,
} from './logistic-regression.js';
export { fitWeightedLeastSquares, predictLinear, type LinearFit } from './weighted-least-squares.js';
export { shimodairaToy, type CovariateShiftData, type ShimodairaToyOptions } from './covariate-shift-synthetic.js';

// Kernel mean matching and double weighting.
export { gaussianKernel, nearestNeighbourWidth, type NearestNeighbourWidthOptions } from './gaussian-kernel.js';
export { pivotedCholesky, type PivotedCholeskyOptions } from './pivoted-cholesky.js';
export {
  DOUBLE_WEIGHTING_D_GRID,
  doubleWeighting,
  type DoubleWeightingOptions,
  type DoubleWeightingResult,
} from './double-weighting.js';

// Shift attribution.
export { causalGraph, graphMechanisms, type CausalGraph, type Mechanism } from './causal-graph.js';
export {
  MAX_EXACT_SHAPLEY_PLAYERS,
  shapleyValues,
  type CoalitionValue,
  type ShapleyOptions,
  type ShapleyResult,
} from './shapley.js';
export {
  coalitionWeights,
  mechanismWeights,
  tableMatrix,
  type ColumnTable,
  type MechanismWeights,
  type MechanismWeightsOptions,
} from './mechanism-weights.js';
export {
  importanceWeightedMeanLoss,
  shiftAttribution,
  weightedMeanLoss,
  type MechanismAttribution,
  type ShiftAttribution,
  type ShiftAttributionOptions,
  type WeightedMetric,
} from './shift-attribution.js';

// Covariate balancing and treatment effects.
export {
  minimizeSimplexQuadratic,
  projectOntoSimplex,
  type SimplexQpOptions,
  type SimplexQpResult,
} from './simplex-qp.js';
export {
  ipmBalancingWeights,
  medianDistance,
  type BalancingEstimand,
  type IpmBalancingOptions,
  type IpmBalancingResult,
} from './ipm-balancing.js';
export {
  inversePropensityWeights,
  weightedMeanDifference,
  type WeightedMeanDifference,
} from './treatment-effect-estimators.js';
export { kangSchaferData, type KangSchaferData, type KangSchaferOptions } from './kang-schafer.js';
export { nieWagerData, type NieWagerData, type NieWagerOptions, type NieWagerSetup } from './nie-wager-designs.js';
export {
  fitFeatureMap,
  fitRidgeRegression,
  type RidgeFeatures,
  type RidgeRegressionModel,
  type RidgeRegressionOptions,
} from './ridge-regression.js';
export {
  crossFitNuisances,
  logisticLearner,
  ridgeLearner,
  type CrossFitNuisances,
  type CrossFitOptions,
  type ProbabilityLearner,
  type RegressionLearner,
} from './nuisance-models.js';
export { fitRLearner, type CateModel, type PseudoOutcomeWeighting, type RLearnerOptions } from './r-learner.js';
export { fitDrLearner, type DrLearnerOptions } from './dr-learner.js';
export { fitTLearner, type TLearnerOptions } from './t-learner.js';
