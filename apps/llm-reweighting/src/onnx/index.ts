export {
  GPT_ONNX_CONFIG_KEY,
  GPT_ONNX_FORMAT,
  GPT_ONNX_FORMAT_KEY,
  GPT_ONNX_INPUT,
  GPT_ONNX_IR_VERSION,
  GPT_ONNX_OPSET,
  GPT_ONNX_OUTPUT,
  buildGptOnnx,
  exportGptOnnx,
  type GptExportOptions,
  type GptExportResult,
  type GptOnnxGraph,
} from './gpt-onnx-export.js';
export { OnnxLanguageModel } from './onnx-language-model.js';
export { measureGeneration, type GenerationSpeed, type GenerationSpeeds, type MeasureGenerationOptions } from './generation-speed.js';
