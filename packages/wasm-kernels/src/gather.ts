import * as tf from '@tensorflow/tfjs-core';

import { callWasmKernel, heapBytes, heapView, sizeOf, wasmArgs, type WasmTrainingKernel } from './kernel-calls.js';

/**
 * `out[b, o, i, :] = x[b, o, indices[b, i], :]` for x as `[batch, outer, dim, slice]` and indices as
 * `[batch, count]` (tfjs' `collectGatherOpShapeInfo` blocks), copying rows within the wasm heap (`heap` holds both
 * tensors; offsets and row lengths in bytes, `bytes` per element).
 */
function gatherRows(
  heap: Uint8Array,
  xOffset: number,
  indices: Int32Array,
  blocks: { batch: number; outer: number; dim: number; slice: number },
  outOffset: number,
  bytes: number,
): void {
  const { batch, outer, dim, slice } = blocks;
  const count = batch === 0 ? 0 : indices.length / batch;
  const row = slice * bytes;
  let to = outOffset;
  for (let b = 0; b < batch; b += 1) {
    for (let o = 0; o < outer; o += 1) {
      const base = xOffset + (b * outer + o) * dim * row;
      for (let i = 0; i < count; i += 1, to += row) {
        const from = base + (indices[b * count + i] as number) * row;
        heap.copyWithin(to, from, from + row);
      }
    }
  }
}

/**
 * Replaces wasm `GatherV2` (`tf.gather`, every embedding lookup) for numeric tensors. tfjs-backend-wasm's kernel
 * costs 35-45 ns per gathered element; this one copies whole rows over the wasm heap. Index validation and its
 * error message are the original's (an index outside `[0, dim)` throws).
 *
 * Measured (one process, median of 5; before → after): CTR lookups, 26·1024 rows of 16 from 100,000: 17.6 → 1.5 ms
 * (12×); GPT token embedding, 2048 rows of 128 from 65: 9.4 → 0.10 ms (94×).
 */
export const gatherKernel: WasmTrainingKernel = {
  kernelName: tf.GatherV2,
  replaces: 'slow',
  kernelFunc: (params) => {
    const { inputs, backend, attrs } = wasmArgs(params);
    const { x, indices } = inputs as tf.GatherV2Inputs;
    if (x === undefined || indices === undefined) throw new Error('GatherV2 needs inputs x and indices');
    if (x.dtype === 'string' || x.dtype === 'complex64' || indices.dtype !== 'int32') {
      return callWasmKernel(backend, tf.GatherV2, inputs, attrs);
    }
    const axis = tf.util.parseAxisParam(attrs['axis'] as number, x.shape)[0] ?? 0;
    const batchDims = (attrs['batchDims'] as number | undefined) ?? 0;
    const info = tf.backend_util.segment_util.collectGatherOpShapeInfo(x, indices, axis, batchDims);
    const dim = x.shape[axis] ?? 0;
    const ids = heapView(backend, indices) as Int32Array;
    for (let i = 0; i < ids.length; i += 1) {
      const index = ids[i] as number;
      tf.util.assert(index <= dim - 1 && index >= 0, () => `GatherV2: the index value ${index} is not in [0, ${dim - 1}]`);
    }
    const out = backend.makeOutput(info.outputShape, x.dtype);
    if (sizeOf(x.shape) === 0 || sizeOf(info.outputShape) === 0) return out;
    const source = heapBytes(backend, x);
    gatherRows(
      source.heap,
      source.offset,
      heapView(backend, indices) as Int32Array,
      { batch: info.batchSize, outer: info.outerSize, dim: info.dimSize, slice: info.sliceSize },
      heapBytes(backend, out).offset,
      tf.util.bytesPerElement(x.dtype),
    );
    return out;
  },
};
