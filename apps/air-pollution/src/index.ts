// @counterweight/air-pollution: pollutant forecasting on station tables — data (DuckDB reading, alignment, windows),
// forecasters (MLP, TCN with weather and pollutant heads), objectives from core-losses, evaluation of the extremes,
// the comparison on the experiment harness, ONNX export and prediction. The CLI (`air-pollution`) is src/cli.ts.
export * from './data/index.js';
export * from './models/index.js';
export * from './objectives/index.js';
export * from './evaluation/index.js';
export * from './onnx/index.js';
export * from './experiment/index.js';
export * from './shift/index.js';
// Both folders name a type QuantileForecasts: the objectives' `[N, K, Q]` calibration input, and the evaluation's scored quantiles.
export type { QuantileForecasts } from './objectives/index.js';
export type { QuantileForecasts as EvaluatedQuantileForecasts } from './evaluation/index.js';
