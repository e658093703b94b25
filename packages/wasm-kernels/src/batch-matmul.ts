import * as tf from '@tensorflow/tfjs-core';

import {
  callWasmKernel,
  heapFloat32,
  sizeOf,
  wasmArgs,
  withKernelScope,
  type KernelScope,
  type WasmBackend,
  type WasmTrainingKernel,
} from './kernel-calls.js';
import { hasNativeBatchedMatMul, nativeBatchedMatMul, nativeMatMulPreferred } from './native-matmul.js';
import { transposeTensor } from './transpose.js';

/** Bias and activation of a `_FusedMatMul` (absent for a plain `BatchMatMul`). */
interface Fusion {
  readonly bias: tf.TensorInfo | undefined;
  readonly preluActivationWeights: tf.TensorInfo | undefined;
  readonly activation: string;
  readonly leakyreluAlpha: number | undefined;
}

/** Matrices smaller than this (m·k·n) are multiplied batch by batch only when there are few of them; see below. */
const SMALL_PRODUCT = 4096;

function dim(shape: readonly number[], fromEnd: number): number {
  return shape[shape.length - fromEnd] ?? 1;
}

/**
 * For every batch of the output, the batch of `a` and of `b` it reads (batch dimensions broadcast like numpy's).
 */
function broadcastBatchIndices(outerA: readonly number[], outerB: readonly number[], outer: readonly number[]): {
  readonly a: Int32Array;
  readonly b: Int32Array;
} {
  const count = sizeOf(outer);
  const a = new Int32Array(count);
  const b = new Int32Array(count);
  const coords = new Array<number>(outer.length).fill(0);
  for (let i = 0; i < count; i += 1) {
    let rest = i;
    for (let d = outer.length - 1; d >= 0; d -= 1) {
      const size = outer[d] ?? 1;
      coords[d] = rest % size;
      rest = Math.floor(rest / size);
    }
    const flat = (shape: readonly number[]): number => {
      let index = 0;
      const offset = outer.length - shape.length;
      for (let d = 0; d < shape.length; d += 1) {
        const size = shape[d] ?? 1;
        index = index * size + (size === 1 ? 0 : (coords[d + offset] ?? 0));
      }
      return index;
    };
    a[i] = flat(outerA);
    b[i] = flat(outerB);
  }
  return { a, b };
}

/** Applies a fused bias and activation with separate wasm kernels (for the cases `_FusedMatMul` cannot fuse). */
function applyFusion(scope: KernelScope, y: tf.TensorInfo, fusion: Fusion): tf.TensorInfo {
  let out = fusion.bias === undefined ? y : scope.run('Add', { a: y, b: fusion.bias });
  switch (fusion.activation) {
    case 'linear':
      break;
    case 'relu':
      out = scope.run('Relu', { x: out });
      break;
    case 'relu6':
      out = scope.run('Relu6', { x: out });
      break;
    case 'elu':
      out = scope.run('Elu', { x: out });
      break;
    case 'sigmoid':
      out = scope.run('Sigmoid', { x: out });
      break;
    case 'leakyrelu':
      out = scope.run('LeakyRelu', { x: out }, { alpha: fusion.leakyreluAlpha ?? 0.2 });
      break;
    case 'prelu':
      if (fusion.preluActivationWeights === undefined) throw new Error('_FusedMatMul: prelu needs preluActivationWeights');
      out = scope.run('Prelu', { x: out, alpha: fusion.preluActivationWeights });
      break;
    default:
      throw new Error(`_FusedMatMul: activation '${fusion.activation}' is not supported on wasm`);
  }
  return out;
}

/** One `[1, m, k] @ [1, k, n]` product on XNNPACK (both transpose flags false), with `fusion` fused into it. */
function xnnMatMul(scope: KernelScope, a: tf.TensorInfo, b: tf.TensorInfo, fusion: Fusion | undefined): tf.TensorInfo {
  const flags = { transposeA: false, transposeB: false };
  if (fusion === undefined) return scope.run(tf.BatchMatMul, { a, b }, flags);
  const inputs: tf.NamedTensorInfoMap = { a, b };
  if (fusion.bias !== undefined) inputs['bias'] = fusion.bias;
  if (fusion.preluActivationWeights !== undefined) inputs['preluActivationWeights'] = fusion.preluActivationWeights;
  return scope.run(tf._FusedMatMul, inputs, {
    ...flags,
    activation: fusion.activation,
    ...(fusion.leakyreluAlpha === undefined ? {} : { leakyreluAlpha: fusion.leakyreluAlpha }),
  });
}

/** A copy of batch `index` of a rank-3 tensor as a `[1, rows, cols]` tensor. */
function copyBatch(scope: KernelScope, x: tf.TensorInfo, index: number): tf.TensorInfo {
  const rows = dim(x.shape, 2);
  const cols = dim(x.shape, 1);
  const out = scope.output([1, rows, cols], 'float32');
  const size = rows * cols;
  heapFloat32(scope.backend, out).set(heapFloat32(scope.backend, x).subarray(index * size, (index + 1) * size));
  return out;
}

/**
 * `a @ b` (with tfjs' `transposeA`/`transposeB` and numpy batch broadcasting) computed only with XNNPACK's
 * fully-connected path of the original wasm kernel, which that kernel takes only for un-transposed, un-batched
 * operands: transposed operands are transposed explicitly first (wasm `Transpose`); batches of `a` against a single
 * `b` are folded into the rows of one product; true batched products (attention) run all at once in the compiled
 * kernel of {@link nativeBatchedMatMul} (transposes included), or batch by batch on XNNPACK where it cannot (a fused
 * bias or activation, batch dimensions that broadcast on both sides).
 */
function fastMatMul(
  scope: KernelScope,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  fusion: Fusion | undefined,
): tf.TensorInfo {
  const m = transposeA ? dim(a.shape, 1) : dim(a.shape, 2);
  const k = transposeA ? dim(a.shape, 2) : dim(a.shape, 1);
  const kB = transposeB ? dim(b.shape, 1) : dim(b.shape, 2);
  const n = transposeB ? dim(b.shape, 2) : dim(b.shape, 1);
  if (k !== kB) {
    throw new Error(
      `Error in matMul: inner shapes (${k}) and (${kB}) of Tensors with shapes ${a.shape.join(',')} and ` +
        `${b.shape.join(',')} and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
    );
  }
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  const outShape = [...outer, m, n];
  const batchA = sizeOf(outerA);
  const batchB = sizeOf(outerB);
  const batch = sizeOf(outer);

  let a3 = scope.reshape(a, transposeA ? [batchA, k, m] : [batchA, m, k]);
  let b3 = scope.reshape(b, transposeB ? [batchB, n, k] : [batchB, k, n]);
  // The compiled kernel: batched on both sides (attention) always, every product at once, transposes included; one
  // large product (dense layers and their gradients) where it beats XNNPACK (the single-threaded builds).
  if (
    (batchA === 1 || batchA === batch) &&
    (batchB === 1 || batchB === batch) &&
    (batchB === batch && batch > 1 ? hasNativeBatchedMatMul(scope.backend) : nativeMatMulPreferred(scope.backend))
  ) {
    const bias = fusion?.bias !== undefined && fusion.bias.shape.length === 1 && dim(fusion.bias.shape, 1) === n ? fusion.bias : undefined;
    // Every batch of `a` against one `b`, not transposed: one product with batchA·m rows (fuller tiles).
    const fold = batchB === 1 && batchA > 1 && !transposeA;
    const product = fold
      ? nativeBatchedMatMul(scope, scope.reshape(a3, [1, batchA * m, k]), b3, false, transposeB, 1, bias)
      : nativeBatchedMatMul(scope, a3, b3, transposeA, transposeB, batch, bias);
    const shaped = scope.reshape(product, outShape);
    return fusion === undefined ? shaped : applyFusion(scope, shaped, bias === undefined ? fusion : { ...fusion, bias: undefined });
  }
  if (transposeA) a3 = transposeTensor(scope, a3, [0, 2, 1]);
  if (transposeB) b3 = transposeTensor(scope, b3, [0, 2, 1]);

  // XNNPACK fuses a per-column bias; the original's fused PReLU repeats its weights along the output, which is
  // numpy broadcasting only for per-column (or scalar) weights. Anything else is applied after the product.
  const preluSize = fusion?.preluActivationWeights === undefined ? 1 : sizeOf(fusion.preluActivationWeights.shape);
  const fuse =
    (fusion?.bias === undefined || (fusion.bias.shape.length === 1 && dim(fusion.bias.shape, 1) === n)) &&
    n % preluSize === 0;

  if (batchB === 1) {
    // Every batch of `a` meets the same `b` (then the output's batches are exactly `a`'s): one product with
    // batchA·m rows.
    const product = xnnMatMul(scope, scope.reshape(a3, [1, batchA * m, k]), b3, fuse ? fusion : undefined);
    const shaped = scope.reshape(product, outShape);
    return fusion !== undefined && !fuse ? applyFusion(scope, shaped, fusion) : shaped;
  }

  // Batched on both sides (or only on `b`): one XNNPACK product per output batch.
  const { a: indexA, b: indexB } = broadcastBatchIndices(outerA, outerB, outer);
  const out = scope.output([batch, m, n], 'float32');
  let lastA = -1;
  let ai: tf.TensorInfo | undefined;
  for (let i = 0; i < batch; i += 1) {
    const ia = indexA[i] ?? 0;
    if (ai === undefined || ia !== lastA) {
      if (ai !== undefined) scope.release(ai);
      ai = copyBatch(scope, a3, ia);
      lastA = ia;
    }
    // A new `b` tensor per product: XNNPACK caches its packed weights by tensor id.
    const bi = copyBatch(scope, b3, indexB[i] ?? 0);
    const oi = xnnMatMul(scope, ai, bi, fuse ? fusion : undefined);
    heapFloat32(scope.backend, out).set(heapFloat32(scope.backend, oi), i * m * n);
    scope.release(oi);
    scope.release(bi);
  }
  const shaped = scope.reshape(out, outShape);
  return fusion !== undefined && !fuse ? applyFusion(scope, shaped, fusion) : shaped;
}

/**
 * Whether the original kernel is as fast: an empty product, or no transposes and no batches (its XNNPACK path) on a
 * backend where the compiled kernel is not faster ({@link nativeMatMulPreferred}).
 */
function originalIsFast(
  backend: WasmBackend,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): boolean {
  if (sizeOf(a.shape) === 0 || sizeOf(b.shape) === 0) return true;
  return (
    !transposeA &&
    !transposeB &&
    sizeOf(a.shape.slice(0, -2)) === 1 &&
    sizeOf(b.shape.slice(0, -2)) === 1 &&
    !nativeMatMulPreferred(backend)
  );
}

/**
 * Many tiny products (e.g. 1024 batches of 4×4): the original's direct loop beats one XNNPACK call per batch. Not
 * when both operands' batch dimensions broadcast against each other (`[2, 1]` with `[1, 3]`): the original (like
 * tfjs-cpu) then computes only max(batchA, batchB) products instead of the broadcast 6.
 */
function manyTinyProducts(a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean): boolean {
  const batchA = sizeOf(a.shape.slice(0, -2));
  const batchB = sizeOf(b.shape.slice(0, -2));
  if (batchB === 1) return false;
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  if (sizeOf(outer) !== Math.max(batchA, batchB)) return false;
  const m = transposeA ? dim(a.shape, 1) : dim(a.shape, 2);
  const k = transposeA ? dim(a.shape, 2) : dim(a.shape, 1);
  const n = transposeB ? dim(b.shape, 2) : dim(b.shape, 1);
  return m * k * n < SMALL_PRODUCT;
}

/**
 * Replaces wasm `BatchMatMul`. tfjs-backend-wasm multiplies on XNNPACK only when neither operand is transposed and
 * neither has batch dimensions; everything else runs a scalar triple loop 10-30× slower, and every dense or
 * attention backward pass is such a product (`dy @ wᵀ`, `xᵀ @ dy`, `q @ kᵀ`). This kernel transposes explicitly
 * (wasm `Transpose`), folds batches of `a` against an unbatched `b` into one product, and multiplies true batches
 * one by one, always on XNNPACK. Batch dimensions broadcast like numpy's also when both sides broadcast (`[2, 1]`
 * with `[1, 3]` gives 6 products; the original and tfjs-cpu compute 3 and label them as 6).
 *
 * Measured (one process, median of 5 repetitions; before → after): 1024×512 @ (512×512)ᵀ 268 → 23.4 ms (11.4×);
 * (512×1024)ᵀ @ 512×512 431 → 22.8 ms (18.9×); attention 64 × (128×32 @ (128×32)ᵀ) 34.7 → 5.0 ms (7.0×),
 * 64 × (128×128 @ 128×32) 33.3 → 4.2 ms (8.0×), 64 × ((128×128)ᵀ @ 128×32) 34.0 → 7.3 ms (4.6×);
 * [16,128,128] @ [128,384] 100 → 7.8 ms (12.9×); un-transposed 2-D products unchanged (21.7 ms). Training step of
 * the `mlp` workload with all kernels of this folder: 1,109 → 9,200 samples/s (8.3×), mostly from this kernel.
 */
export const batchMatMulKernel: WasmTrainingKernel = {
  kernelName: tf.BatchMatMul,
  replaces: 'slow',
  kernelFunc: (params) => {
    const { inputs, backend, attrs } = wasmArgs(params);
    const { a, b } = inputs as tf.BatchMatMulInputs;
    const transposeA = attrs['transposeA'] === true;
    const transposeB = attrs['transposeB'] === true;
    if (a === undefined || b === undefined) throw new Error('BatchMatMul needs inputs a and b');
    if (
      a.dtype !== 'float32' ||
      b.dtype !== 'float32' ||
      originalIsFast(backend, a, b, transposeA, transposeB) ||
      manyTinyProducts(a, b, transposeA, transposeB)
    ) {
      return callWasmKernel(backend, tf.BatchMatMul, inputs, attrs);
    }
    return withKernelScope(backend, (scope) => fastMatMul(scope, a, b, transposeA, transposeB, undefined));
  },
};

/**
 * Replaces wasm `_FusedMatMul` (matMul + bias + activation, used by tfjs-layers' `dense`). Same fast routing as
 * {@link batchMatMulKernel}; it also fixes a wrong result of the original: with a transpose flag and a bias it
 * adds the bias' last element to every row but the first (its scalar loop indexes the bias by row·n + column).
 * Biases that are not a per-column vector are added with the wasm `Add` kernel (the original rejects them).
 *
 * Measured (one process, median of 5): 1024×512 @ (512×512)ᵀ + bias, relu 291 → 24.0 ms (12.1×).
 */
export const fusedMatMulKernel: WasmTrainingKernel = {
  kernelName: tf._FusedMatMul,
  replaces: 'slow',
  kernelFunc: (params) => {
    const { inputs, backend, attrs } = wasmArgs(params);
    const { a, b, bias, preluActivationWeights } = inputs as tf._FusedMatMulInputs;
    const transposeA = attrs['transposeA'] === true;
    const transposeB = attrs['transposeB'] === true;
    const activation = typeof attrs['activation'] === 'string' ? attrs['activation'] : 'linear';
    const leakyreluAlpha = typeof attrs['leakyreluAlpha'] === 'number' ? attrs['leakyreluAlpha'] : undefined;
    const biasIsVector = bias === undefined || bias.shape.length === 1;
    if (
      a.dtype !== 'float32' ||
      b.dtype !== 'float32' ||
      (originalIsFast(backend, a, b, transposeA, transposeB) && biasIsVector)
    ) {
      return callWasmKernel(backend, tf._FusedMatMul, inputs, attrs);
    }
    const fusion: Fusion = { bias, preluActivationWeights, activation, leakyreluAlpha };
    return withKernelScope(backend, (scope) => fastMatMul(scope, a, b, transposeA, transposeB, fusion));
  },
};
