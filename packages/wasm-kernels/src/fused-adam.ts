import * as tf from '@tensorflow/tfjs-core';

import { KernelInputError } from './kernel-input-error.js';
import { heapFloat32, KernelScope, scalarTensor, sizeOf, wasmArgs, type WasmTrainingKernel } from './kernel-calls.js';

/**
 * Kernel name of the fused Adam/AdamW update of one variable: inputs `x` (the variable), `g` (its gradient), `m`,
 * `v` (the first and second moments) → `[x', m', v']`; attrs {@link FusedAdamAttrs}.
 */
export const FUSED_ADAM_UPDATE = 'CounterweightAdamUpdate';

/**
 * Attributes of {@link FUSED_ADAM_UPDATE}. All are plain numbers; each enters the float32 arithmetic exactly as
 * tfjs's `AdamOptimizer` converts it (a JS number operand of a tfjs op becomes a float32 scalar).
 */
export interface FusedAdamAttrs {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** β1^t, the value of tfjs's `accBeta1` variable before this step (a float32 value). */
  readonly accBeta1: number;
  /** β2^t, the value of tfjs's `accBeta2` variable before this step (a float32 value). */
  readonly accBeta2: number;
  /** Decoupled (AdamW) decay: `x` is first multiplied by this factor (`1 − lr·λ`); omitted or 1: no decay. */
  readonly decayFactor?: number;
}

/**
 * Variables of at most this many elements are updated by a JavaScript loop over the wasm heap instead of 13 wasm
 * kernel calls: each kernel call costs microseconds whatever its size, while the loop costs ~12 ns per element. On
 * train-bench's `nanogpt` variables (biases and norm parameters of 128-512 elements, matrices of 8,192 and more) an
 * AdamW step took 7.0 ms CPU with kernels only, 12.1 ms with the loop only and 5.2 ms split here; any bound from
 * 512 to 8,191 splits them the same way.
 */
export const FUSED_ADAM_LOOP_MAX_SIZE = 4096;

function float32Input(name: string, info: tf.TensorInfo | undefined, shape?: readonly number[]): tf.TensorInfo {
  if (info === undefined) throw new KernelInputError(`${FUSED_ADAM_UPDATE}.${name}`, 'is missing');
  if (info.dtype !== 'float32') throw new KernelInputError(`${FUSED_ADAM_UPDATE}.${name}`, `must be float32, got ${info.dtype}`);
  if (shape !== undefined && !tf.util.arraysEqual(info.shape, [...shape])) {
    throw new KernelInputError(`${FUSED_ADAM_UPDATE}.${name}`, `must have x's shape [${shape.join(',')}], got [${info.shape.join(',')}]`);
  }
  return info;
}

function finiteAttr(attrs: tf.NamedAttrMap, name: keyof FusedAdamAttrs, fallback?: number): number {
  const value = attrs[name] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    const shown = typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? 'undefined');
    throw new KernelInputError(`${FUSED_ADAM_UPDATE}.${name}`, `must be a finite number, got ${shown}`);
  }
  return value;
}

/**
 * The float32 scalars of one update, each rounded as tfjs rounds the JS number it passes to an op: `β`, `1 − β`
 * (computed in float64 by `AdamOptimizer`, then rounded), `ε`, `−lr`, the decay factor, and `1 − β^t`, which tfjs
 * computes as the float32 op `sub(1, accBeta)`; `Math.fround(1 − a)` of a float32 `a` is that same correctly
 * rounded float32 difference.
 */
interface AdamScalars {
  readonly beta1: number;
  readonly oneMinusBeta1: number;
  readonly beta2: number;
  readonly oneMinusBeta2: number;
  readonly oneMinusAccBeta1: number;
  readonly oneMinusAccBeta2: number;
  readonly epsilon: number;
  readonly negLearningRate: number;
  /** Undefined: no decay. */
  readonly decayFactor: number | undefined;
}

function adamScalars(attrs: tf.NamedAttrMap): AdamScalars {
  const f = Math.fround;
  const beta1 = finiteAttr(attrs, 'beta1');
  const beta2 = finiteAttr(attrs, 'beta2');
  const decay = finiteAttr(attrs, 'decayFactor', 1);
  return {
    beta1: f(beta1),
    oneMinusBeta1: f(1 - beta1),
    beta2: f(beta2),
    oneMinusBeta2: f(1 - beta2),
    oneMinusAccBeta1: f(1 - f(finiteAttr(attrs, 'accBeta1'))),
    oneMinusAccBeta2: f(1 - f(finiteAttr(attrs, 'accBeta2'))),
    epsilon: f(finiteAttr(attrs, 'epsilon')),
    negLearningRate: f(-finiteAttr(attrs, 'learningRate')),
    decayFactor: decay === 1 ? undefined : f(decay),
  };
}

/**
 * The update as vectorised wasm kernels, in tfjs 4.22 `AdamOptimizer.applyGradients`' order (after the runtime's
 * AdamW `mul(x, factor)`): `m' = m·β1 + g·(1−β1)`, `v' = v·β2 + g²·(1−β2)`,
 * `x' = (m'/(1−β1^t)) / (√(v'/(1−β2^t)) + ε)·(−lr) + x`.
 */
function updateWithKernels(scope: KernelScope, x0: tf.TensorInfo, g: tf.TensorInfo, m: tf.TensorInfo, v: tf.TensorInfo, s: AdamScalars): tf.TensorInfo[] {
  const c = (value: number) => scalarTensor(scope, value);
  const x = s.decayFactor === undefined ? x0 : scope.run(tf.Multiply, { a: x0, b: c(s.decayFactor) });
  const m1 = scope.run(tf.Add, { a: scope.run(tf.Multiply, { a: m, b: c(s.beta1) }), b: scope.run(tf.Multiply, { a: g, b: c(s.oneMinusBeta1) }) });
  const v1 = scope.run(tf.Add, {
    a: scope.run(tf.Multiply, { a: v, b: c(s.beta2) }),
    b: scope.run(tf.Multiply, { a: scope.run(tf.Square, { x: g }), b: c(s.oneMinusBeta2) }),
  });
  const mHat = scope.run(tf.RealDiv, { a: m1, b: c(s.oneMinusAccBeta1) });
  const vHat = scope.run(tf.RealDiv, { a: v1, b: c(s.oneMinusAccBeta2) });
  const denominator = scope.run(tf.Add, { a: scope.run(tf.Sqrt, { x: vHat }), b: c(s.epsilon) });
  const step = scope.run(tf.Multiply, { a: scope.run(tf.RealDiv, { a: mHat, b: denominator }), b: c(s.negLearningRate) });
  const x1 = scope.run(tf.Add, { a: step, b: x });
  return [scope.keep(x1), scope.keep(m1), scope.keep(v1)];
}

/**
 * The same update as a loop over the wasm heap: every line is one IEEE float32 operation on float32 operands,
 * computed in float64 and rounded once by `Math.fround`, which gives the correctly rounded float32 result (float64
 * has more than 2·24 + 2 significand bits), i.e. bitwise what the wasm kernels compute.
 */
function updateWithLoop(scope: KernelScope, x: tf.TensorInfo, g: tf.TensorInfo, m: tf.TensorInfo, v: tf.TensorInfo, s: AdamScalars): tf.TensorInfo[] {
  const f = Math.fround;
  const outputs = [scope.output(x.shape, 'float32'), scope.output(x.shape, 'float32'), scope.output(x.shape, 'float32')] as const;
  // Views only after the last allocation (allocating may grow, and detach, the heap).
  const [xOut, mOut, vOut] = outputs.map((o) => heapFloat32(scope.backend, o)) as [Float32Array, Float32Array, Float32Array];
  const xs = heapFloat32(scope.backend, x);
  const gs = heapFloat32(scope.backend, g);
  const ms = heapFloat32(scope.backend, m);
  const vs = heapFloat32(scope.backend, v);
  const { beta1, oneMinusBeta1, beta2, oneMinusBeta2, oneMinusAccBeta1, oneMinusAccBeta2, epsilon, negLearningRate } = s;
  const decay = s.decayFactor;
  for (let i = 0; i < xs.length; i += 1) {
    const gi = gs[i] as number;
    const xi = decay === undefined ? (xs[i] as number) : f((xs[i] as number) * decay);
    const m1 = f(f((ms[i] as number) * beta1) + f(gi * oneMinusBeta1));
    const v1 = f(f((vs[i] as number) * beta2) + f(f(gi * gi) * oneMinusBeta2));
    const mHat = f(m1 / oneMinusAccBeta1);
    const vHat = f(v1 / oneMinusAccBeta2);
    const step = f(f(mHat / f(f(Math.sqrt(vHat)) + epsilon)) * negLearningRate);
    xOut[i] = step + xi;
    mOut[i] = m1;
    vOut[i] = v1;
  }
  return outputs.map((o) => scope.keep(o));
}

/**
 * Fused Adam (Kingma and Ba, 2015) / AdamW (Loshchilov and Hutter, 2019) update of one variable for the wasm
 * backend: inputs `x`, `g`, `m`, `v` (float32, one shape), attrs {@link FusedAdamAttrs} → `[x', m', v']` with
 * `x ← x·decayFactor` (AdamW only), `m' = β1·m + (1−β1)·g`, `v' = β2·v + (1−β2)·g²`,
 * `x' = x − lr·(m'/(1−β1^t)) / (√(v'/(1−β2^t)) + ε)`. The float32 operations and their order are those of tfjs 4.22's
 * `AdamOptimizer.applyGradients` (plus the runtime's decay `mul(x, factor)` first), so the result is bitwise what
 * `tf.train.adam` computes — in one engine call instead of ~14 (each with its own scalar uploads and bookkeeping).
 * Variables of up to {@link FUSED_ADAM_LOOP_MAX_SIZE} elements are updated by a loop over the heap, larger ones by
 * 13 vectorised wasm kernels back to back. The inputs are not modified; the caller assigns the outputs.
 * @throws KernelInputError for a missing or non-float32 input, a `g`/`m`/`v` whose shape is not `x`'s, or a
 * non-finite attribute.
 */
export const fusedAdamUpdateKernel: WasmTrainingKernel = {
  kernelName: FUSED_ADAM_UPDATE,
  replaces: 'missing',
  kernelFunc: (params) => {
    const { inputs, backend, attrs } = wasmArgs(params);
    const x = float32Input('x', inputs['x']);
    const g = float32Input('g', inputs['g'], x.shape);
    const m = float32Input('m', inputs['m'], x.shape);
    const v = float32Input('v', inputs['v'], x.shape);
    const scalars = adamScalars(attrs);
    const scope = new KernelScope(backend);
    try {
      return sizeOf(x.shape) <= FUSED_ADAM_LOOP_MAX_SIZE ? updateWithLoop(scope, x, g, m, v, scalars) : updateWithKernels(scope, x, g, m, v, scalars);
    } finally {
      scope.dispose();
    }
  },
};
