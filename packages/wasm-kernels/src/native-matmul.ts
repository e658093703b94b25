import type * as tf from '@tensorflow/tfjs-core';

import { heapFloat32, sizeOf, type KernelScope, type WasmBackend } from './kernel-calls.js';
import { nativeModule } from './native-module.js';

/** Whether {@link nativeBatchedMatMul} can run on `backend`. */
export function hasNativeBatchedMatMul(backend: WasmBackend): boolean {
  return nativeModule(backend) !== null;
}

/**
 * Whether {@link nativeBatchedMatMul} is the faster way to compute one large product on `backend`: on the
 * single-threaded builds it is (≈1.4-1.6× XNNPACK's rate on nanoGPT's dense shapes, transposes included); on the
 * threaded build XNNPACK splits a large product over its threads and the single-threaded compiled kernel is not.
 */
export function nativeMatMulPreferred(backend: WasmBackend): boolean {
  const bound = nativeModule(backend);
  return bound !== null && !bound.threaded;
}

/**
 * `bias + op(a[i]) @ op(b[i])` for every batch `i` of two rank-3 float32 tensors, in one call of a SIMD128 kernel
 * compiled from `native/batched-matmul.c`: 4×8 register tiles; `op(b)` copied once per batch (once in all when `b`
 * broadcasts) into contiguous 8-column panels; rows of the output in blocks of 32 that each panel meets while it is
 * in L1; a transposed `a` copied per row block. It replaces both XNNPACK routes of the wasm backend's products: one
 * operator per batch for batched products (attention's `[batch·heads, 64, 32]` operands, where operator set-up costs
 * 5-10× the arithmetic, plus a thread-pool hand-off per product on the threaded build), and XNNPACK's fully-connected
 * operator for large products on the single-threaded builds (see {@link nativeMatMulPreferred}).
 *
 * Every output element is `(bias or 0) + a·b` terms in increasing k with one rounding per multiply and per add — the
 * order of XNNPACK's wasm GEMM micro-kernels, whose packed weights start with the bias — so results are bitwise
 * XNNPACK's.
 *
 * `a` is `[batchA, m, k]` (`[batchA, k, m]` when `transA`), `b` is `[batchB, k, n]` (`[batchB, n, k]` when
 * `transB`); each batch count is 1 (broadcast) or `batch`; `bias`, when given, has `n` elements (one per column,
 * added to every row of every batch). Returns `[batch, m, n]`, tracked by `scope`. Needs k, m, n ≥ 1.
 * @throws Error when the backend has no compiled kernel (check {@link hasNativeBatchedMatMul} first).
 */
export function nativeBatchedMatMul(
  scope: KernelScope,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transA: boolean,
  transB: boolean,
  batch: number,
  bias?: tf.TensorInfo,
): tf.TensorInfo {
  const bound = nativeModule(scope.backend);
  if (bound === null) throw new Error('nativeBatchedMatMul: this wasm backend exposes no memory to bind the kernel to');
  const [batchA = 1, rowsA = 0, colsA = 0] = a.shape;
  const [batchB = 1, rowsB = 0, colsB = 0] = b.shape;
  const m = transA ? colsA : rowsA;
  const k = transA ? rowsA : colsA;
  const n = transB ? rowsB : colsB;
  if (bias !== undefined && sizeOf(bias.shape) !== n) {
    throw new Error(`nativeBatchedMatMul: bias has ${sizeOf(bias.shape)} elements, the product ${n} columns`);
  }
  const out = scope.output([batch, m, n], 'float32');
  const scratch = scope.output([bound.exports.native_matmul_scratch_floats(k, n)], 'float32');
  // Views only after the last allocation (an allocation may grow the heap).
  const offset = (info: tf.TensorInfo): number => heapFloat32(scope.backend, info).byteOffset;
  bound.exports.batched_matmul(
    batch,
    m,
    k,
    n,
    offset(a),
    batchA === 1 ? 0 : sizeOf(a.shape.slice(1)),
    transA ? 1 : 0,
    offset(b),
    batchB === 1 ? 0 : sizeOf(b.shape.slice(1)),
    transB ? 1 : 0,
    bias === undefined ? 0 : offset(bias),
    offset(out),
    offset(scratch),
  );
  scope.release(scratch);
  return out;
}
