import * as tf from '@tensorflow/tfjs-core';

import { heapView, sizeOf, wasmArgs, type WasmTrainingKernel } from './kernel-calls.js';

/**
 * `out[s, ...] = Σ x[i, ...]` over the rows `i` whose segment id is `s` (one id per row of `x`), into a zeroed
 * `out`. Ids outside `[0, numSegments)` (negative or too large) contribute nothing, as on tfjs-cpu.
 */
function unsortedSegmentSumInto(
  x: ArrayLike<number>,
  rows: number,
  rowSize: number,
  ids: ArrayLike<number>,
  numSegments: number,
  out: Float32Array,
): void {
  out.fill(0);
  for (let i = 0; i < rows; i += 1) {
    const s = ids[i] as number;
    if (!(s >= 0 && s < numSegments)) continue;
    const to = s * rowSize;
    const from = i * rowSize;
    for (let k = 0; k < rowSize; k += 1) out[to + k] = (out[to + k] as number) + (x[from + k] as number);
  }
}

/**
 * UnsortedSegmentSum for the wasm backend, which lacks it. It is the gradient of `tf.gather`, so without it no
 * model with an embedding trains on wasm. A single pass over `x` adding rows into a zeroed output on the wasm heap
 * (`typedArrayFromHeap` views, `makeOutput`), O(rows + numSegments·width). Segment ids are one per row of `x`
 * (the op's documented `Tensor1D`; tfjs' gather gradient moves the gathered axis to the front first). Out-of-range
 * ids are dropped and the result is float32 (also for int32 `x`), as on tfjs-cpu.
 *
 * Measured (one process, median of 5): CTR embedding gradient, 26·1024 lookups of 16 floats into 100,000 rows:
 * 1.5 ms on wasm; tfjs-cpu's kernel (one masked sum per segment) takes minutes at this size (it is O(rows ·
 * numSegments)); the one-hot matmul workaround needs a 26,624 × 100,000 one-hot matrix (10 GB) and is not possible.
 */
export const unsortedSegmentSumKernel: WasmTrainingKernel = {
  kernelName: tf.UnsortedSegmentSum,
  replaces: 'missing',
  kernelFunc: (params) => {
    const { inputs, backend, attrs } = wasmArgs(params);
    const { x, segmentIds } = inputs as tf.UnsortedSegmentSumInputs;
    if (x === undefined || segmentIds === undefined) throw new Error('UnsortedSegmentSum needs inputs x and segmentIds');
    const numSegments = attrs['numSegments'];
    if (typeof numSegments !== 'number' || !Number.isInteger(numSegments) || numSegments < 0) {
      throw new Error(`UnsortedSegmentSum: numSegments must be a non-negative integer, got ${JSON.stringify(numSegments)}`);
    }
    if (x.dtype === 'string' || x.dtype === 'complex64' || segmentIds.dtype !== 'int32') {
      throw new Error(`UnsortedSegmentSum on wasm takes numeric x and int32 segmentIds, got ${x.dtype} and ${segmentIds.dtype}`);
    }
    if (segmentIds.shape.length !== 1 || segmentIds.shape[0] !== x.shape[0]) {
      throw new Error(
        `UnsortedSegmentSum: segmentIds must be 1-D with one id per row of x (shape [${x.shape.join(', ')}]), ` +
          `got shape [${segmentIds.shape.join(', ')}]`,
      );
    }
    const rows = x.shape[0] ?? 0;
    const rowSize = sizeOf(x.shape.slice(1));
    const out = backend.makeOutput([numSegments, ...x.shape.slice(1)], 'float32');
    // Views after the allocation (it may grow the heap and detach earlier views).
    const outView = heapView(backend, out);
    if (!(outView instanceof Float32Array)) throw new Error('UnsortedSegmentSum: expected a float32 output');
    unsortedSegmentSumInto(heapView(backend, x), rows, rowSize, heapView(backend, segmentIds), numSegments, outView);
    return out;
  },
};
