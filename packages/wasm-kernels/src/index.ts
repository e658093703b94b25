export {
  WASM_TRAINING_KERNELS,
  registerWasmTrainingKernels,
  unregisterWasmTrainingKernels,
  wasmTrainingKernelsRegistered,
} from './register.js';
export type { WasmTrainingKernel } from './kernel-calls.js';
export { KernelInputError } from './kernel-input-error.js';
// Fused transformer kernels (wasm only): the runtime's layerNorm, geluTanh and scaledDotProductAttention run them
// through tf.customGrad when they are registered for the active backend.
export { FUSED_LAYER_NORM, FUSED_LAYER_NORM_GRAD } from './fused-layer-norm.js';
export { FUSED_GELU_TANH, FUSED_GELU_TANH_GRAD } from './fused-gelu.js';
export { FUSED_ATTENTION_SOFTMAX, FUSED_ATTENTION_SOFTMAX_GRAD } from './fused-attention-softmax.js';
// Fused Adam/AdamW update (wasm only): the runtime's Adam-family optimiser runs it when it is registered.
export { FUSED_ADAM_UPDATE, FUSED_ADAM_LOOP_MAX_SIZE, type FusedAdamAttrs } from './fused-adam.js';
