// `@counterweight/runtime/onnx`: the app-independent ONNX mechanics (graph building over onnx-proto, onnxruntime-node
// sessions, atomic model files). Kept out of the root entry so importing the runtime never loads the native binding.
export {
  OnnxGraphBuilder,
  onnx,
  type OnnxAttribute,
  type OnnxElementType,
  type OnnxModelInfo,
  type OnnxValueInfo,
} from './graph-builder.js';
export { OnnxModelError } from './onnx-model-error.js';
export { createOnnxSession, readOnnxMetadata, type LoadedOnnxSession, type OnnxSessionOptions } from './session.js';
export { writeOnnxModel, type OnnxFileInfo } from './model-file.js';
