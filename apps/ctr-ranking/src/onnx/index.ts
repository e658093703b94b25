// ONNX export of the CTR models and onnxruntime-node scoring.
export {
  CTR_ONNX_BATCH_DIM,
  CTR_ONNX_CATEGORICAL,
  CTR_ONNX_CONFIG_KEY,
  CTR_ONNX_FORMAT,
  CTR_ONNX_FORMAT_KEY,
  CTR_ONNX_IR_VERSION,
  CTR_ONNX_LOGITS,
  CTR_ONNX_NUMERIC,
  CTR_ONNX_OPSET,
  CTR_ONNX_PROBABILITY,
  CTR_ONNX_SPEC_KEY,
  buildCtrOnnx,
  exportCtrModel,
  type CtrExportOptions,
  type CtrExportResult,
} from './export.js';
export { CtrOnnxModel, loadCtrOnnx, type CtrScores, type LoadCtrOnnxOptions } from './load.js';
