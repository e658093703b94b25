import * as tf from '@tensorflow/tfjs-core';

import { KernelInputError } from './kernel-input-error.js';
import { heapFloat32, KernelScope, sizeOf, wasmArgs, type WasmTrainingKernel } from './kernel-calls.js';

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

/** `scale`, `causal` and the `[matrices, Tq, Tk]` layout of a call. */
function layout(kernel: string, scores: tf.TensorInfo, attrs: tf.NamedAttrMap): { scale: number; causal: boolean; matrices: number; tq: number; tk: number } {
  const scale = typeof attrs['scale'] === 'number' ? attrs['scale'] : 1;
  const causal = attrs['causal'] === true;
  const tq = scores.shape[scores.shape.length - 2] ?? 1;
  const tk = scores.shape[scores.shape.length - 1] ?? 1;
  if (causal && tq !== tk) throw new KernelInputError(`${kernel}.causal`, `needs square scores [..., T, T], got [${scores.shape.join(',')}]`);
  return { scale, causal, matrices: tq * tk === 0 ? 0 : sizeOf(scores.shape) / (tq * tk), tq, tk };
}

/**
 * Fused attention softmax for the wasm backend: `p = softmax(scale·scores + M)` over the last axis, `M` the causal
 * mask (−∞ where key > query) when `causal`; `scores` `[..., T_q, T_k]` (square when causal) → `p`, same shape. One
 * JavaScript pass scales and masks, the XNNPACK `Softmax` kernel normalises; masked entries are exactly 0. Replaces
 * the composed mask (`bandPart`, `sub`, `mul`, `add`), the scale and the softmax of scaled dot-product attention.
 * @throws KernelInputError for non-float32 scores, rank < 2, or non-square scores with `causal`.
 */
export const fusedAttentionSoftmaxKernel: WasmTrainingKernel = {
  kernelName: FUSED_ATTENTION_SOFTMAX,
  replaces: 'missing',
  kernelFunc: (params) => {
    const { inputs, backend, attrs } = wasmArgs(params);
    const scores = float32Input(FUSED_ATTENTION_SOFTMAX, 'scores', inputs['scores']);
    const { scale, causal, matrices, tq, tk } = layout(FUSED_ATTENTION_SOFTMAX, scores, attrs);
    const scope = new KernelScope(backend);
    try {
      const logits = scope.output(scores.shape, 'float32');
      const s = heapFloat32(backend, scores);
      const l = heapFloat32(backend, logits);
      for (let m = 0; m < matrices; m += 1) {
        for (let i = 0; i < tq; i += 1) {
          const row = (m * tq + i) * tk;
          const visible = causal ? i + 1 : tk;
          for (let j = 0; j < visible; j += 1) l[row + j] = (s[row + j] as number) * scale;
          for (let j = visible; j < tk; j += 1) l[row + j] = MASKED;
        }
      }
      return scope.keep(scope.run(tf.Softmax, { logits }, { dim: scores.shape.length - 1 }));
    } finally {
      scope.dispose();
    }
  },
};

/**
 * Backward of {@link fusedAttentionSoftmaxKernel}: `dscores = scale·p ⊙ (dp − Σ_k dp ⊙ p)` per row (0 where masked),
 * one JavaScript pass; `dp` and `p` `[..., T_q, T_k]`.
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
    const { scale, causal, matrices, tq, tk } = layout(FUSED_ATTENTION_SOFTMAX_GRAD, p, attrs);
    const out = backend.makeOutput([...p.shape], 'float32');
    const g = heapFloat32(backend, dp);
    const pv = heapFloat32(backend, p);
    const o = heapFloat32(backend, out);
    for (let m = 0; m < matrices; m += 1) {
      for (let i = 0; i < tq; i += 1) {
        const row = (m * tq + i) * tk;
        const visible = causal ? i + 1 : tk;
        let dot = 0;
        for (let j = 0; j < visible; j += 1) dot += (g[row + j] as number) * (pv[row + j] as number);
        for (let j = 0; j < visible; j += 1) o[row + j] = scale * (pv[row + j] as number) * ((g[row + j] as number) - dot);
        for (let j = visible; j < tk; j += 1) o[row + j] = 0;
      }
    }
    return out;
  },
};
