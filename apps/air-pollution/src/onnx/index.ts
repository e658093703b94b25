// ONNX export of the forecasters and onnxruntime-node inference (issue 16); the graph and session mechanics are @counterweight/runtime/onnx's.
export {
  FORECAST_ONNX_BATCH_DIM,
  FORECAST_ONNX_CONFIG_KEY,
  FORECAST_ONNX_FORMAT,
  FORECAST_ONNX_FORMAT_KEY,
  FORECAST_ONNX_INPUT,
  FORECAST_ONNX_IR_VERSION,
  FORECAST_ONNX_OPSET,
  FORECAST_ONNX_OUTPUT,
  FORECAST_ONNX_SHAPE_KEY,
  buildForecastOnnx,
  convKernelToOnnx,
  exportForecastModel,
  type ForecastExportOptions,
  type ForecastExportResult,
  type ForecastOnnxModel,
} from './export.js';
export { OnnxForecaster, predictOnnx, type OnnxForecastOptions, type OnnxForecasterOptions } from './predict.js';
