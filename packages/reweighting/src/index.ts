export { matrixFromRows, matrixRow, type Matrix } from './matrix.js';
export { ReweightingError } from './reweighting-error.js';
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
