export { AQI_CATEGORY_COUNT, AQI_CATEGORY_NAMES, AQI_PM25_BREAKPOINTS, aqiCategories, aqiCategory, aqiCategoryCounts } from './aqi.js';
export { forecastShape, persistenceForecast, seasonalNaiveForecast, type ForecastShape } from './baselines.js';
export { brierScores, type BrierScores } from './brier-score.js';
export { finiteOrNull } from './finite-or-null.js';
export {
  DEFAULT_EXTREME_THRESHOLDS,
  evaluateForecasts,
  type DecileErrors,
  type DetectionScores,
  type ErrorSummary,
  type ExtremeEvaluation,
  type ExtremeHorizon,
  type ExtremeSettings,
  type ForecastEvaluation,
  type ForecastEvaluationInput,
  type HorizonErrors,
  type PollutantErrors,
  type QuantileEvaluation,
  type QuantileForecasts,
  type QuantileHorizon,
  type StationErrors,
  type ThresholdErrors,
} from './forecast-evaluation.js';
export {
  DEFAULT_ORDINAL_LAMBDAS,
  DEFAULT_ORDINAL_LAMBDA_MIN_RATIO,
  DEFAULT_ORDINAL_MAX_ITERATIONS,
  DEFAULT_ORDINAL_SAMPLE,
  DEFAULT_ORDINAL_TOLERANCE,
  LAMBDA_MAX_ITERATIONS,
  compareOrdinalModels,
  fitOrdinalForecast,
  ordinalCovariates,
  ordinalData,
  type OrdinalComparison,
  type OrdinalComparisonOptions,
  type OrdinalData,
  type OrdinalForecastOptions,
  type OrdinalForecastResult,
  type OrdinalLambdaPath,
  type OrdinalLayout,
  type OrdinalMethodResult,
  type OrdinalRows,
} from './ordinal-forecast.js';
export {
  RARE_CALIBRATION_BINS,
  ordinalScores,
  type OrdinalScores,
  type RareCalibrationBin,
  type RareCategoryCalibration,
} from './ordinal-metrics.js';
export { targetDeciles, type TargetDeciles } from './target-deciles.js';
