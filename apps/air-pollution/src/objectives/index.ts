export { OBJECTIVE_NAMES, type ExtraColumn, type Objective, type ObjectiveName } from './objective.js';
export type {
  BalancedMseObjectiveOptions,
  CarObjectiveOptions,
  FmaeOptions,
  IgbObjectiveOptions,
  LdsObjectiveOptions,
  ObjectiveOptions,
  QuantileObjectiveOptions,
  UncertaintyObjectiveOptions,
} from './objective-options.js';
export { OBJECTIVES, createObjective, type ObjectiveEntry } from './objectives.js';
export { ObjectiveArgumentError } from './objective-error.js';
export { MASK_EXTRA, POLLUTANT_WEIGHTS_EXTRA } from './objective-parts.js';
export { headLayout, type HeadLayout } from './head-layout.js';
export { buildMaeObjective } from './mae.js';
export { buildFmaeObjective, fitFmae, fmaeWeights, type FmaeFit } from './fmae.js';
export { HEAD_TASKS, buildIgbObjective, buildUncertaintyObjective } from './task-weighted-mae.js';
export { buildLdsObjective, fitLds, ldsElementWeights, type LdsFit } from './lds.js';
export { DEFAULT_NOISE_SIGMA, buildBalancedMseObjective, pollutantBalancedMse } from './balanced-mse.js';
export { buildCarObjective, fitCarBins } from './car.js';
export { DEFAULT_QUANTILE_LEVELS, buildQuantileObjective, checkQuantileLevels } from './quantile.js';
export {
  fitQuantileCalibration,
  repairQuantiles,
  type QuantileCalibration,
  type QuantileCalibrationOptions,
  type QuantileForecasts,
} from './quantile-calibration.js';
