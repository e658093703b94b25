export {
  WASM_TRAINING_KERNELS,
  registerWasmTrainingKernels,
  unregisterWasmTrainingKernels,
  wasmTrainingKernelsRegistered,
} from './register.js';
export type { WasmTrainingKernel } from './kernel-calls.js';
export { KernelInputError } from './kernel-input-error.js';
