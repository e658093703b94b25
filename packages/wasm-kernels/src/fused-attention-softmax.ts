import * as tf from '@tensorflow/tfjs-core';

import { KernelInputError } from './kernel-input-error.js';
import { heapFloat32, scalarTensor, sizeOf, wasmArgs, withKernelScope, type KernelScope, type WasmTrainingKernel } from './kernel-calls.js';

/** Kernel name of the fused attention softmax (input `scores`; attrs `scale`, `causal`). */
export const FUSED_ATTENTION_SOFTMAX = 'CounterweightAttentionSoftmax';
/** Kernel name of its backward pass (inputs `dp`, `p`; attrs `scale`, `causal`). */
export const FUSED_ATTENTION_SOFTMAX_GRAD = 'CounterweightAttentionSoftmaxGrad';

/** What masked scores become before the softmax (the composed op adds −1e9; either gives exactly 0 after exp). */
const MASKED = -1e30;

function float32Input(kernel: string, name: string, info: tf.TensorInfo | undefined): tf.TensorInfo {
  if (info === undefined) throw new KernelInputError(`${kernel}.${name}`, 'is missing');
  if (info.dtype !== 'float32') throw new KernelInputError(`${kernel}.${name}`, `must be float32, got ${info.dtype}`);
  if (info.shape.length < 2) throw new KernelInputError(`${kernel}.${name}`, `must have rank >= 2 ([..., Tq, Tk]), got [${info.shape.join(',')}]`);
  return info;
}

/** `scale`, `causal` and the `[matrices, Tq, Tk]` layout of a call (checks that causal scores are square). */
function layout(kernel: string, scores: tf.TensorInfo, attrs: tf.NamedAttrMap): { scale: number; causal: boolean; matrices: number; tq: number; tk: number } {
  const scale = typeof attrs['scale'] === 'number' ? attrs['scale'] : 1;
  const causal = attrs['causal'] === true;
  const tq = scores.shape[scores.shape.length - 2] ?? 1;
  const tk = scores.shape[scores.shape.length - 1] ?? 1;
  if (causal && tq !== tk) throw new KernelInputError(`${kernel}.causal`, `needs square scores [..., T, T], got [${scores.shape.join(',')}]`);
  return { scale, causal, matrices: tq * tk === 0 ? 0 : sizeOf(scores.shape) / (tq * tk), tq, tk };
}

/** The additive causal mask `[T, T]`: 0 where key ≤ query, {@link MASKED} above the diagonal. */
function causalMask(scope: KernelScope, t: number): tf.TensorInfo {
  const mask = scope.output([t, t], 'float32');
  const values = heapFloat32(scope.backend, mask);
  for (let i = 0; i < t; i += 1) values.fill(0, i * t, i * t + i + 1).fill(MASKED, i * t + i + 1, (i + 1) * t);
  return mask;
}

/**
 * Fused attention softmax for the wasm backend: `p = softmax(scale·scores + M)` over the last axis, `M` the causal
 * mask (−∞ where key > query) when `causal`; `scores` `[..., T_q, T_k]` (square when causal) → `p`, same shape.
 * The vectorised wasm `Multiply`, `Add` (of a `[T, T]` mask built here) and XNNPACK `Softmax` run back to back
 * inside this one kernel; masked entries are exactly 0. Replaces the composed mask (`bandPart`, `sub`, `mul`,
 * `add`), the scale and the softmax of scaled dot-product attention, and their tape entries.
 * @throws KernelInputError for non-float32 scores, rank < 2, or non-square scores with `causal`.
 */
export const fusedAttentionSoftmaxKernel: WasmTrainingKernel = {
  kernelName: FUSED_ATTENTION_SOFTMAX,
  replaces: 'missing',
  kernelFunc: (params) => {
    const { inputs, backend, attrs } = wasmArgs(params);
    const scores = float32Input(FUSED_ATTENTION_SOFTMAX, 'scores', inputs['scores']);
    const { scale, causal, tk } = layout(FUSED_ATTENTION_SOFTMAX, scores, attrs);
    return withKernelScope(backend, (scope) => {
      let logits = scope.run(tf.Multiply, { a: scores, b: scalarTensor(scope, scale) });
      if (causal) logits = scope.run(tf.Add, { a: logits, b: causalMask(scope, tk) });
      return scope.run(tf.Softmax, { logits }, { dim: scores.shape.length - 1 });
    });
  },
};

/**
 * Backward of {@link fusedAttentionSoftmaxKernel}: `dscores = scale·p ⊙ (dp − Σ_k dp ⊙ p)` per row (exactly 0 where
 * masked, since `p` is); `dp` and `p` `[..., T_q, T_k]`; vectorised wasm kernels inside this one kernel.
 * @throws KernelInputError for non-float32 inputs or shapes that differ.
 */
export const fusedAttentionSoftmaxGradKernel: WasmTrainingKernel = {
  kernelName: FUSED_ATTENTION_SOFTMAX_GRAD,
  replaces: 'missing',
  kernelFunc: (params) => {
    const { inputs, backend, attrs } = wasmArgs(params);
    const dp = float32Input(FUSED_ATTENTION_SOFTMAX_GRAD, 'dp', inputs['dp']);
    const p = float32Input(FUSED_ATTENTION_SOFTMAX_GRAD, 'p', inputs['p']);
    if (!tf.util.arraysEqual(dp.shape, p.shape)) {
      throw new KernelInputError(`${FUSED_ATTENTION_SOFTMAX_GRAD}.dp`, `must have p's shape [${p.shape.join(',')}], got [${dp.shape.join(',')}]`);
    }
    const { scale } = layout(FUSED_ATTENTION_SOFTMAX_GRAD, p, attrs);
    return withKernelScope(backend, (scope) => {
      const last = p.shape.length - 1;
      const dot = scope.run(tf.Sum, { x: scope.run(tf.Multiply, { a: dp, b: p }) }, { axis: [last], keepDims: true });
      const centred = scope.run(tf.Multiply, { a: scope.run(tf.Sub, { a: dp, b: dot }), b: p });
      return scope.run(tf.Multiply, { a: centred, b: scalarTensor(scope, scale) });
    });
  },
};
