import * as tf from '@tensorflow/tfjs-core';

import { callWasmKernel, heapView, wasmArgs, type WasmTrainingKernel } from './kernel-calls.js';

/** Whether a dtype's data lives on the wasm heap as plain numbers (not strings, not complex pairs). */
function numeric(dtype: tf.DataType): boolean {
  return dtype === 'float32' || dtype === 'int32' || dtype === 'bool';
}

/** A new tensor sharing `x`'s data (reference counted, like the Reshape kernel and tfjs-cpu's Identity). */
function alias(backend: { incRef(dataId: tf.DataId): void }, x: tf.TensorInfo): tf.TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

/**
 * Replaces wasm `Identity`. tfjs-core clones (runs `Identity` on) every tensor a gradient will need while it
 * records the forward pass, and tfjs-backend-wasm's `Identity` copies the data each time: 202 copies (30 ms) per
 * training step of the `gpt` workload, 34 (14 ms) of the `cnn` one. Tensor data is immutable in tfjs (variables
 * rebind to new data on `assign`), so, like tfjs-cpu and tfjs-webgl, this kernel shares the data and counts the
 * reference instead. Strings and complex numbers stay with the original.
 *
 * Measured (one process, median of 5): clone of 1M floats 0.32 → 0.001 ms; per training step it saves about 30 ms
 * of the `gpt` workload and 14 ms of the `cnn` one.
 */
export const identityKernel: WasmTrainingKernel = {
  kernelName: tf.Identity,
  replaces: 'slow',
  kernelFunc: (params) => {
    const { inputs, backend, attrs } = wasmArgs(params);
    const { x } = inputs as tf.IdentityInputs;
    if (x === undefined) throw new Error('Identity needs input x');
    if (!numeric(x.dtype)) return callWasmKernel(backend, tf.Identity, inputs, attrs);
    return alias(backend, x);
  },
};

/**
 * Replaces wasm `Cast`. A cast to the dtype the tensor already has shares the data (as tfjs-cpu does) instead of
 * copying it; tfjs' gradients cast float32 tensors to float32 dozens of times per step. A cast to bool is `x ≠ 0`
 * (the original copies the numbers into bytes, so `cast([1.5, -2.5, 3], 'bool')` gave `[1, 254, 3]`). Other
 * conversions stay with the original kernel.
 *
 * Measured (one process, median of 5): float32 → float32 cast of 1M floats 0.32 → 0.001 ms.
 */
export const castKernel: WasmTrainingKernel = {
  kernelName: tf.Cast,
  replaces: 'slow',
  kernelFunc: (params) => {
    const { inputs, backend, attrs } = wasmArgs(params);
    const { x } = inputs as tf.CastInputs;
    if (x === undefined) throw new Error('Cast needs input x');
    if (attrs['dtype'] === x.dtype && numeric(x.dtype)) return alias(backend, x);
    if (attrs['dtype'] === 'bool' && (x.dtype === 'float32' || x.dtype === 'int32')) {
      const out = backend.makeOutput([...x.shape], 'bool');
      const from = heapView(backend, x);
      const to = heapView(backend, out);
      for (let i = 0; i < from.length; i += 1) to[i] = from[i] !== 0 ? 1 : 0;
      return out;
    }
    return callWasmKernel(backend, tf.Cast, inputs, attrs);
  },
};
