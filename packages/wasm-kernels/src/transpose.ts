import * as tf from '@tensorflow/tfjs-core';

import {
  SHORT_RUN,
  callWasmKernel,
  heapBytes,
  heapView,
  sizeOf,
  wasmArgs,
  type KernelScope,
  type NumericArray,
  type WasmBackend,
  type WasmTrainingKernel,
} from './kernel-calls.js';

/** Edge of the square tiles a 2-D transpose is done in (fits L1 for both sides). */
const TILE = 32;

/**
 * The same permutation on the smallest shape: size-1 axes dropped and axes that stay adjacent and in order merged
 * (e.g. `[16, 128, 4, 32]` with `[0, 2, 1, 3]` stays rank 4, but `[2048, 512]`-like blocks of a rank-5 tensor
 * collapse). Returns the input shape and the permutation over it.
 */
export function simplifyPermutation(
  shape: readonly number[],
  perm: readonly number[],
): { shape: number[]; perm: number[] } {
  // Drop size-1 axes, renumbering the others in input order.
  const renumber = new Map<number, number>();
  shape.forEach((size, axis) => {
    if (size !== 1) renumber.set(axis, renumber.size);
  });
  const kept = perm.flatMap((axis) => {
    const to = renumber.get(axis);
    return to === undefined ? [] : [to];
  });
  const keptShape = shape.filter((size) => size !== 1);
  // Groups of input axes that appear consecutively (a, a+1, ...) in the output order.
  const groups: number[][] = [];
  for (const axis of kept) {
    const last = groups[groups.length - 1];
    const previous = last?.[last.length - 1];
    if (last !== undefined && previous !== undefined && axis === previous + 1) last.push(axis);
    else groups.push([axis]);
  }
  // Number the groups by their position in the input.
  const byInput = [...groups].sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
  const merged = byInput.map((g) => g.reduce((size, axis) => size * (keptShape[axis] ?? 1), 1));
  return { shape: merged, perm: groups.map((g) => byInput.indexOf(g)) };
}

/** Row-major strides of a shape. */
function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i -= 1) strides[i] = (strides[i + 1] ?? 1) * (shape[i + 1] ?? 1);
  return strides;
}

/**
 * Calls `visit(srcOffset, dstOffset)` for every combination of the given axes (input strides `srcStrides`, output
 * strides `dstStrides`, sizes `sizes`), last axis fastest.
 */
function forEachOffset(
  sizes: readonly number[],
  srcStrides: readonly number[],
  dstStrides: readonly number[],
  visit: (src: number, dst: number) => void,
): void {
  const rank = sizes.length;
  if (sizes.some((s) => s === 0)) return;
  const index = new Array<number>(rank).fill(0);
  let src = 0;
  let dst = 0;
  for (;;) {
    visit(src, dst);
    let d = rank - 1;
    for (; d >= 0; d -= 1) {
      index[d] = (index[d] ?? 0) + 1;
      src += srcStrides[d] ?? 0;
      dst += dstStrides[d] ?? 0;
      if ((index[d] ?? 0) < (sizes[d] ?? 1)) break;
      src -= (srcStrides[d] ?? 0) * (sizes[d] ?? 1);
      dst -= (dstStrides[d] ?? 0) * (sizes[d] ?? 1);
      index[d] = 0;
    }
    if (d < 0) return;
  }
}

/** Where `src` and `dst` of {@link transposeInto} live in one heap, so runs can be moved with `copyWithin`. */
export interface HeapPlacement {
  readonly heap: Uint8Array;
  readonly srcOffset: number;
  readonly dstOffset: number;
  readonly bytes: number;
}

/**
 * `dst = transpose(src)` for a row-major `src` of `shape`: output axis `i` is input axis `perm[i]`. Contiguous runs
 * are copied as runs; a permutation that moves the innermost axis is done as tiled 2-D transposes.
 */
export function transposeInto(
  src: NumericArray,
  shape: readonly number[],
  perm: readonly number[],
  dst: NumericArray,
  heap?: HeapPlacement,
): void {
  const simple = simplifyPermutation(shape, perm);
  const rank = simple.shape.length;
  if (rank <= 1 || simple.perm.every((axis, i) => axis === i)) {
    dst.set(src.subarray(0, sizeOf(shape)));
    return;
  }
  const inShape = simple.shape;
  const outShape = simple.perm.map((axis) => inShape[axis] ?? 1);
  const inStrides = stridesOf(inShape);
  const outStrides = stridesOf(outShape);
  // Output stride of every input axis.
  const dstStrideOfInput = new Array<number>(rank).fill(0);
  simple.perm.forEach((axis, i) => (dstStrideOfInput[axis] = outStrides[i] ?? 0));
  const innerIn = rank - 1;
  const innerOut = simple.perm[rank - 1] ?? 0;
  if (innerOut === innerIn) {
    // The innermost input axis stays innermost: copy runs of it.
    const run = inShape[innerIn] ?? 1;
    const outer = simple.perm.slice(0, -1);
    const sizes = outer.map((a) => inShape[a] ?? 1);
    const srcStrides = outer.map((a) => inStrides[a] ?? 0);
    const dstStrides = outer.map((a) => dstStrideOfInput[a] ?? 0);
    if (run >= SHORT_RUN && heap !== undefined) {
      const { bytes, srcOffset, dstOffset, heap: h } = heap;
      forEachOffset(sizes, srcStrides, dstStrides, (s, d) =>
        h.copyWithin(dstOffset + d * bytes, srcOffset + s * bytes, srcOffset + (s + run) * bytes),
      );
    } else {
      forEachOffset(sizes, srcStrides, dstStrides, (s, d) => {
        for (let k = 0; k < run; k += 1) dst[d + k] = src[s + k] as number;
      });
    }
    return;
  }
  // Tiled 2-D transpose between the innermost input axis (`cols`, contiguous in src) and the input axis that becomes
  // innermost in the output (`rows`, contiguous in dst), for every combination of the other axes.
  const rows = inShape[innerOut] ?? 1;
  const cols = inShape[innerIn] ?? 1;
  const srcRowStride = inStrides[innerOut] ?? 0;
  const dstColStride = dstStrideOfInput[innerIn] ?? 0;
  const others = simple.perm.filter((a) => a !== innerIn && a !== innerOut);
  forEachOffset(
    others.map((a) => inShape[a] ?? 1),
    others.map((a) => inStrides[a] ?? 0),
    others.map((a) => dstStrideOfInput[a] ?? 0),
    (s0, d0) => transposeTiled(src, dst, s0, d0, rows, cols, srcRowStride, dstColStride),
  );
}

/**
 * `dst[d0 + c·dstColStride + r] = src[s0 + r·srcRowStride + c]` for r < rows, c < cols, in square tiles (a
 * top-level function: as a closure its loop bounds would be context loads, measured 1.7× slower).
 */
function transposeTiled(
  src: NumericArray,
  dst: NumericArray,
  s0: number,
  d0: number,
  rows: number,
  cols: number,
  srcRowStride: number,
  dstColStride: number,
): void {
  for (let c0 = 0; c0 < cols; c0 += TILE) {
    const c1 = Math.min(cols, c0 + TILE);
    for (let r0 = 0; r0 < rows; r0 += TILE) {
      const r1 = Math.min(rows, r0 + TILE);
      for (let c = c0; c < c1; c += 1) {
        let d = d0 + c * dstColStride + r0;
        let s = s0 + r0 * srcRowStride + c;
        for (let r = r0; r < r1; r += 1, d += 1, s += srcRowStride) dst[d] = src[s] as number;
      }
    }
  }
}

function transposeOnHeap(backend: WasmBackend, x: tf.TensorInfo, perm: readonly number[], out: tf.TensorInfo) {
  const from = heapBytes(backend, x);
  const placement: HeapPlacement = {
    heap: from.heap,
    srcOffset: from.offset,
    dstOffset: heapBytes(backend, out).offset,
    bytes: tf.util.bytesPerElement(x.dtype),
  };
  transposeInto(heapView(backend, x), x.shape, perm, heapView(backend, out), placement);
  return out;
}

/** `x` transposed by `perm` into a new wasm tensor (numeric dtypes). */
export function transposeTensor(scope: KernelScope, x: tf.TensorInfo, perm: readonly number[]): tf.TensorInfo {
  const out = scope.output(
    perm.map((axis) => x.shape[axis] ?? 1),
    x.dtype,
  );
  return transposeOnHeap(scope.backend, x, perm, out);
}

/**
 * Replaces wasm `Transpose` for numeric tensors. tfjs-backend-wasm transposes element by element in C++ at about
 * 5 ns per element for matrices and 60 ns per element for rank-5 permutations (the fused-QKV head split), slower
 * than a tiled JavaScript loop over the wasm heap. Strings and complex numbers stay with the original.
 *
 * Measured (one process, median of 5; before → after): 2048×512 matrix 5.6 → 3.3 ms (1.7×); `[16,128,3,4,32]` by
 * `[2,0,3,1,4]` 54.8 → 0.85 ms (64×); `[16,128,4,32]` by `[0,2,1,3]` (runs of 32) 0.16 → 0.16 ms. The matmul and
 * conv kernels of this folder transpose with it directly ({@link transposeTensor}).
 */
export const transposeKernel: WasmTrainingKernel = {
  kernelName: tf.Transpose,
  replaces: 'slow',
  kernelFunc: (params) => {
    const { inputs, backend, attrs } = wasmArgs(params);
    const { x } = inputs as tf.TransposeInputs;
    if (x === undefined) throw new Error('Transpose needs input x');
    const perm = attrs['perm'] as number[];
    if (x.dtype === 'string' || x.dtype === 'complex64') return callWasmKernel(backend, tf.Transpose, inputs, attrs);
    const out = backend.makeOutput(
      perm.map((axis) => x.shape[axis] ?? 1),
      x.dtype,
    );
    return transposeOnHeap(backend, x, perm, out);
  },
};
