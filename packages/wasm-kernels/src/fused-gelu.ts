import * as tf from '@tensorflow/tfjs-core';

import { KernelInputError } from './kernel-input-error.js';
import { heapFloat32, KernelScope, wasmArgs, type WasmTrainingKernel } from './kernel-calls.js';

/** Kernel name of the fused tanh-GELU forward pass (input `x` → `[y, s]`). */
export const FUSED_GELU_TANH = 'CounterweightGeluTanh';
/** Kernel name of the fused tanh-GELU backward pass (inputs `dy`, `x`, `s` → `dx`). */
export const FUSED_GELU_TANH_GRAD = 'CounterweightGeluTanhGrad';

/** √(2/π), the tanh-GELU constant. */
const C = Math.sqrt(2 / Math.PI);
/** The cubic coefficient of the tanh-GELU. */
const A = 0.044715;

function float32Input(kernel: string, name: string, info: tf.TensorInfo | undefined): tf.TensorInfo {
  if (info === undefined) throw new KernelInputError(`${kernel}.${name}`, 'is missing');
  if (info.dtype !== 'float32') throw new KernelInputError(`${kernel}.${name}`, `must be float32, got ${info.dtype}`);
  return info;
}

/**
 * Fused tanh-GELU forward for the wasm backend (Hendrycks and Gimpel, 2016; PyTorch `gelu(approximate='tanh')`):
 * `y = 0.5·x·(1 + tanh(u)) = x·σ(2u)` with `u = √(2/π)·(x + 0.044715·x³)`. One JavaScript pass writes `2u`, the
 * XNNPACK `Sigmoid` kernel gives `s = σ(2u)`, a second pass `y = x·s`. Returns `[y, s]` (`s` is what
 * {@link fusedGeluTanhGradKernel} needs) instead of the composed op's nine kernels. Any shape, float32.
 * @throws KernelInputError for a non-float32 `x`.
 */
export const fusedGeluTanhKernel: WasmTrainingKernel = {
  kernelName: FUSED_GELU_TANH,
  replaces: 'missing',
  kernelFunc: (params) => {
    const { inputs, backend } = wasmArgs(params);
    const x = float32Input(FUSED_GELU_TANH, 'x', inputs['x']);
    const scope = new KernelScope(backend);
    try {
      const twiceU = scope.output(x.shape, 'float32');
      const xs = heapFloat32(backend, x);
      const z = heapFloat32(backend, twiceU);
      for (let i = 0; i < xs.length; i += 1) {
        const v = xs[i] as number;
        z[i] = 2 * C * (v + A * v * v * v);
      }
      const s = scope.run(tf.Sigmoid, { x: twiceU });
      const y = backend.makeOutput([...x.shape], 'float32');
      const xv = heapFloat32(backend, x);
      const sv = heapFloat32(backend, s);
      const yv = heapFloat32(backend, y);
      for (let i = 0; i < xv.length; i += 1) yv[i] = (xv[i] as number) * (sv[i] as number);
      return [y, scope.keep(s)];
    } finally {
      scope.dispose();
    }
  },
};

/**
 * Fused tanh-GELU backward for the wasm backend: `dx = dy·(s + x·s·(1 − s)·2√(2/π)·(1 + 3·0.044715·x²))` with
 * `s = σ(2u)` from {@link fusedGeluTanhKernel} (the derivative of `x·σ(2u)`), one JavaScript pass.
 * @throws KernelInputError for non-float32 inputs or shapes that differ.
 */
export const fusedGeluTanhGradKernel: WasmTrainingKernel = {
  kernelName: FUSED_GELU_TANH_GRAD,
  replaces: 'missing',
  kernelFunc: (params) => {
    const { inputs, backend } = wasmArgs(params);
    const dy = float32Input(FUSED_GELU_TANH_GRAD, 'dy', inputs['dy']);
    const x = float32Input(FUSED_GELU_TANH_GRAD, 'x', inputs['x']);
    const s = float32Input(FUSED_GELU_TANH_GRAD, 's', inputs['s']);
    for (const [name, t] of [['dy', dy], ['s', s]] as const) {
      if (!tf.util.arraysEqual(t.shape, x.shape)) {
        throw new KernelInputError(`${FUSED_GELU_TANH_GRAD}.${name}`, `must have x's shape [${x.shape.join(',')}], got [${t.shape.join(',')}]`);
      }
    }
    const dx = backend.makeOutput([...x.shape], 'float32');
    const dyv = heapFloat32(backend, dy);
    const xv = heapFloat32(backend, x);
    const sv = heapFloat32(backend, s);
    const out = heapFloat32(backend, dx);
    for (let i = 0; i < xv.length; i += 1) {
      const v = xv[i] as number;
      const sig = sv[i] as number;
      out[i] = (dyv[i] as number) * (sig + v * sig * (1 - sig) * 2 * C * (1 + 3 * A * v * v));
    }
    return dx;
  },
};
