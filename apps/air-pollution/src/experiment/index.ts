// The comparison of air-pollution on the experiment harness: settings and methods, data preparation, one run,
// the comparison and its report, export and predict.
export {
  BASELINE_METHOD,
  BASELINE_NAMES,
  METHOD_NAMES,
  ORDINAL_METHOD,
  airMethods,
  checkAirSettings,
  type AirMethodOptions,
  type AirSettings,
  type BaselineName,
  type DataSettings,
  type TrainingSettings,
  type WindowSettings,
} from './settings.js';
export { prepareData, type AirData, type TableSummary } from './prepare-data.js';
export { episodeForecast, worstEpisode, type Episode } from './worst-episode.js';
export { denormalize, forecastSplit, type SplitForecasts } from './forecast-outputs.js';
export {
  trainForecaster,
  validationMae,
  windowDataset,
  type ForecastEpoch,
  type ForecasterSpec,
  type TaskWeightsAtEpoch,
  type TrainedForecaster,
} from './train-forecaster.js';
export { ORDINAL_VARIABLE, runOrdinalForecasts, type OrdinalRunResult } from './ordinal-run.js';
export {
  airRunner,
  fillBaselineGaps,
  runBaseline,
  runObjective,
  type AirRunResult,
  type EpisodeForecast,
  type ForecastRunResult,
} from './run-one.js';
export { compareObjectives, type AirComparison, type AirComparisonOptions } from './compare.js';
export { forecastRunMetrics, headlineColumns, isForecastRun, summarizeAirRuns, type HeadlineColumn } from './report-metrics.js';
export { writeAirReport, type AirReportInput, type ReportFiles } from './report.js';
export { ordinalSection } from './ordinal-section.js';
export { writeAirCharts } from './report-charts.js';
export { decoderColumns } from './output-columns.js';
export {
  FORECAST_SPEC_FILE,
  FORECAST_SPEC_KEY,
  exportRun,
  forecastSpec,
  readForecastSpec,
  writeTrainedForecaster,
  type ForecastSpec,
} from './export-run.js';
export { modelForecastSpec, predictTable, quantileColumnName, type PredictTableOptions, type PredictTableResult } from './predict-table.js';
