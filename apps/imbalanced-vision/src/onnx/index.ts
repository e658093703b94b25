// ONNX export of the image models and onnxruntime-node inference (issue 5).
export {
  ONNX_BATCH_DIM,
  ONNX_INPUT,
  ONNX_IR_VERSION,
  ONNX_OPSET,
  ONNX_OPTIONS_KEY,
  ONNX_OUTPUT,
  buildOnnxModel,
  exportOnnx,
  type AffineMap,
  type OnnxExportOptions,
  type OnnxExportResult,
} from './export.js';
// The generic ONNX mechanics live in @counterweight/runtime/onnx; re-exported so this app's public API is unchanged.
export {
  OnnxGraphBuilder,
  OnnxModelError,
  onnx,
  type OnnxAttribute,
  type OnnxModelInfo,
  type OnnxValueInfo,
} from '@counterweight/runtime/onnx';
export {
  OnnxClassifier,
  teacherLogits,
  type ImageLayout as OnnxImageLayout,
  type OnnxClassifierOptions,
  type OnnxPredictOptions,
} from './predict.js';
export { measureInference, type InferenceMeasurement, type MeasureInferenceOptions } from './inference-bench.js';
