// Forecasters of air-pollution: MLP and TCN trunks, the weather and pollutant heads, the model factory and its files (issue 16).
export {
  FORECAST_MODEL_KINDS,
  type ForecastModelConfig,
  type ForecastModelKind,
  type ForecastModelShape,
} from './forecast-model-config.js';
export { DEFAULT_FORECAST_MODEL } from './default-forecast-model.js';
export { forecastOptionName, validateForecastModelConfig, validateForecastModelShape } from './forecast-model-validation.js';
export { POLLUTANT_HEAD, WEATHER_HEAD, createForecastModel, type ForecastModel } from './forecast-model.js';
export { applyMlpTrunk, createMlpTrunk, type MlpTrunk } from './mlp-trunk.js';
export {
  applyCausalConvBlock,
  applyTcnTrunk,
  blockDilation,
  createTcnTrunk,
  receptiveSteps,
  type CausalConvBlock,
  type TcnTrunk,
} from './tcn-trunk.js';
export { applyTaskHead, createTaskHead, type TaskHead } from './task-heads.js';
export {
  FORECAST_MODEL_FILE,
  FORECAST_MODEL_FORMAT,
  FORECAST_WEIGHTS_FILE,
  forecastModelFromWeights,
  loadForecastModel,
  saveForecastModel,
  type SavedForecastModel,
} from './forecast-model-file.js';
