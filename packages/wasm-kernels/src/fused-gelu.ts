import * as tf from '@tensorflow/tfjs-core';

import { KernelInputError } from './kernel-input-error.js';
import { heapFloat32, KernelScope, scalarTensor, sizeOf, wasmArgs, withKernelScope, type WasmTrainingKernel } from './kernel-calls.js';
import { nativeModule } from './native-module.js';

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
 * `y = 0.5·x·(1 + tanh(u)) = x·σ(2u)` with `u = √(2/π)·(x + 0.044715·x³)`. Returns `[y, s]` with `s = σ(2u)`
 * (what {@link fusedGeluTanhGradKernel} needs). `2u` in one pass of the compiled `gelu_sigmoid_argument`
 * (`native/gelu.c`), then XNNPACK's `Sigmoid` and the wasm `Multiply`: bitwise the six wasm kernels (`Square`,
 * `Multiply`, `Add`, `Sigmoid`) that run where the compiled module cannot be bound. Any shape.
 * @throws KernelInputError for a non-float32 `x`.
 */
export const fusedGeluTanhKernel: WasmTrainingKernel = {
  kernelName: FUSED_GELU_TANH,
  replaces: 'missing',
  kernelFunc: (params) => {
    const { inputs, backend } = wasmArgs(params);
    const x = float32Input(FUSED_GELU_TANH, 'x', inputs['x']);
    const size = sizeOf(x.shape);
    const native = nativeModule(backend);
    const scope = new KernelScope(backend);
    try {
      if (native !== null && size > 0) {
        // The compiled loop computes 2u in one pass; the sigmoid stays XNNPACK's (bitwise the composed kernels).
        const z = scope.output(x.shape, 'float32');
        const at = (info: tf.TensorInfo): number => heapFloat32(backend, info).byteOffset;
        native.exports.gelu_sigmoid_argument(size, at(x), Math.fround(2 * C), Math.fround(2 * C * A), at(z));
        const s = scope.run(tf.Sigmoid, { x: z });
        return [scope.keep(scope.run(tf.Multiply, { a: x, b: s })), scope.keep(s)];
      }
      // 2u = x·(2C + 2CA·x²)
      const poly = scope.run(tf.Add, { a: scope.run(tf.Multiply, { a: scope.run(tf.Square, { x }), b: scalarTensor(scope, 2 * C * A) }), b: scalarTensor(scope, 2 * C) });
      const s = scope.run(tf.Sigmoid, { x: scope.run(tf.Multiply, { a: poly, b: x }) });
      const y = scope.run(tf.Multiply, { a: x, b: s });
      return [scope.keep(y), scope.keep(s)];
    } finally {
      scope.dispose();
    }
  },
};

/**
 * Fused tanh-GELU backward for the wasm backend: `dx = dy·s·(1 + x·(1 − s)·(2√(2/π)·(1 + 3·0.044715·x²)))`, the
 * derivative of `x·σ(2u)`, with `s = σ(2u)` from {@link fusedGeluTanhKernel}:
 * one pass of the compiled `gelu_grad`, bitwise the nine wasm kernels that run where the module cannot be bound.
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
    const size = sizeOf(x.shape);
    const native = nativeModule(backend);
    if (native !== null && size > 0) {
      // One compiled pass, the same float32 operations in the same order as the composed kernels below.
      const dx = backend.makeOutput(x.shape, 'float32');
      const at = (info: tf.TensorInfo): number => heapFloat32(backend, info).byteOffset;
      native.exports.gelu_grad(size, at(dy), at(x), at(s), Math.fround(2 * C), Math.fround(6 * C * A), at(dx));
      return dx;
    }
    return withKernelScope(backend, (scope) => {
      const one = scalarTensor(scope, 1);
      // d(2u)/dx = 2C + 6CA·x²
      const slope = scope.run(tf.Add, { a: scope.run(tf.Multiply, { a: scope.run(tf.Square, { x }), b: scalarTensor(scope, 6 * C * A) }), b: scalarTensor(scope, 2 * C) });
      const inner = scope.run(tf.Multiply, { a: scope.run(tf.Multiply, { a: scope.run(tf.Sub, { a: one, b: s }), b: slope }), b: x });
      const ds = scope.run(tf.Multiply, { a: scope.run(tf.Add, { a: inner, b: one }), b: s });
      return scope.run(tf.Multiply, { a: ds, b: dy });
    });
  },
};
