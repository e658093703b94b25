import * as tf from '@tensorflow/tfjs-core';

import { callWasmKernel, heapFloat32, wasmArgs, type WasmTrainingKernel } from './kernel-calls.js';

/** What {@link maxPoolGradInto} needs of a 2-D max pooling (NHWC). */
interface PoolGeometry {
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly channels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly dilationHeight: number;
  readonly dilationWidth: number;
  readonly padTop: number;
  readonly padLeft: number;
}

/**
 * `dx` of a max pooling: every output gradient goes to the position of its window's maximum, the first one in
 * row-major window order on ties (strict `>`, starting from −∞, so a window of NaN or −∞ passes nothing), exactly
 * as tfjs-cpu's `maxPoolPositions`.
 */
/**
 * The general scan of one channel of one window (`rows` × `cols` inputs from `first`, steps in elements): adds
 * `dy[at]` to the window's first maximum (strict `>` from −∞, so NaN and all-−∞ windows pass nothing).
 */
function scanWindow(
  x: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  first: number,
  at: number,
  rows: number,
  rowStep: number,
  cols: number,
  colStep: number,
): void {
  let best = Number.NEGATIVE_INFINITY;
  let where = -1;
  for (let r = 0, row = first; r < rows; r += 1, row += rowStep) {
    for (let q = 0, i = row; q < cols; q += 1, i += colStep) {
      const v = x[i] as number;
      if (v > best) {
        best = v;
        where = i;
      }
    }
  }
  if (where >= 0) dx[where] = (dx[where] as number) + (dy[at] as number);
}

function maxPoolGradInto(x: Float32Array, dy: Float32Array, g: PoolGeometry, dx: Float32Array): void {
  const c = g.channels;
  const { inHeight, inWidth, filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = g;
  const rowStride = inWidth * c;
  const colStep = dilationWidth * c;
  const rowStep = dilationHeight * rowStride;
  // Non-overlapping 2×2 windows (the usual `maxPool(x, 2, 2)`) that lie inside the image take a branch-free path:
  // with mixed data the branches of a running maximum mispredict about half the time (measured 2× slower).
  const twoByTwo =
    filterHeight === 2 &&
    filterWidth === 2 &&
    dilationHeight === 1 &&
    dilationWidth === 1 &&
    strideHeight >= 2 &&
    strideWidth >= 2;
  const window = new Float64Array(4);
  dx.fill(0);
  let o = 0;
  for (let n = 0; n < g.batch; n += 1) {
    for (let oh = 0; oh < g.outHeight; oh += 1) {
      // Window rows inside the image: ih = top + kh·dilation in [0, inHeight).
      const top = oh * strideHeight - g.padTop;
      const khLo = Math.max(0, Math.ceil(-top / dilationHeight));
      const khHi = Math.min(filterHeight, Math.ceil((inHeight - top) / dilationHeight));
      for (let ow = 0; ow < g.outWidth; ow += 1, o += c) {
        const left = ow * strideWidth - g.padLeft;
        const kwLo = Math.max(0, Math.ceil(-left / dilationWidth));
        const kwHi = Math.min(filterWidth, Math.ceil((inWidth - left) / dilationWidth));
        const first = (n * inHeight + top + khLo * dilationHeight) * rowStride + (left + kwLo * dilationWidth) * c;
        if (!(twoByTwo && khLo === 0 && kwLo === 0 && khHi === 2 && kwHi === 2)) {
          for (let k = 0; k < c; k += 1) scanWindow(x, dy, dx, first + k, o + k, khHi - khLo, rowStep, kwHi - kwLo, colStep);
          continue;
        }
        for (let k = 0; k < c; k += 1) {
          const i0 = first + k;
          const i1 = i0 + c;
          const i2 = i0 + rowStride;
          const i3 = i2 + c;
          const v0 = x[i0] as number;
          const v1 = x[i1] as number;
          const v2 = x[i2] as number;
          const v3 = x[i3] as number;
          const sum = v0 + v1 + v2 + v3;
          // Only finite windows here (NaN or ±∞ make sum − sum NaN; rare, so this branch is predicted).
          if (sum - sum !== 0) {
            scanWindow(x, dy, dx, i0, o + k, 2, rowStride, 2, c);
            continue;
          }
          window[0] = v0;
          window[1] = v1;
          window[2] = v2;
          window[3] = v3;
          // First maximum in row-major order: strict comparisons keep the earlier element on ties.
          const top2 = +(v1 > v0);
          const bottom2 = 2 + +(v3 > v2);
          const winner = top2 + +((window[bottom2] as number) > (window[top2] as number)) * (bottom2 - top2);
          const d = dy[o + k] as number;
          // Each input belongs to this window only: assign (+ 0 turns −0 into 0, as tfjs-cpu's sums give).
          dx[i0] = +(winner === 0) * d + 0;
          dx[i1] = +(winner === 1) * d + 0;
          dx[i2] = +(winner === 2) * d + 0;
          dx[i3] = +(winner === 3) * d + 0;
        }
      }
    }
  }
}

/**
 * Replaces wasm `MaxPoolGrad` (the gradient of `maxPool`). tfjs-backend-wasm's kernel takes 134 ms for the CNN
 * workload's first pooling (256×26×26×32, 2×2), three times the convolution before it; this one scans each window
 * once in JavaScript over the wasm heap, with tfjs-cpu's tie rule (first maximum), branch-free for non-overlapping
 * 2×2 windows. tfjs pools NHWC only; dtypes other than float32 stay with the original.
 *
 * Measured (one process, median of 5; before → after): 256×26×26×32, 2×2/2: 134 → 24.8 ms (5.4×); 256×11×11×64,
 * 2×2/2: 45.2 → 6.7 ms (6.8×). Overlapping windows use the general scan (branchy, about 2× slower per window).
 */
export const maxPoolGradKernel: WasmTrainingKernel = {
  kernelName: tf.MaxPoolGrad,
  replaces: 'slow',
  kernelFunc: (params) => {
    const { inputs, backend, attrs } = wasmArgs(params);
    const { dy, input } = inputs as tf.MaxPoolGradInputs;
    if (dy === undefined || input === undefined) throw new Error('MaxPoolGrad needs inputs dy and input');
    if (dy.dtype !== 'float32' || input.dtype !== 'float32') return callWasmKernel(backend, tf.MaxPoolGrad, inputs, attrs);
    const info = tf.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      attrs['filterSize'] as [number, number] | number,
      attrs['strides'] as [number, number] | number,
      1,
      attrs['pad'] as 'valid' | 'same' | number,
      attrs['dimRoundingMode'] as 'floor' | 'round' | 'ceil' | undefined,
    );
    const g: PoolGeometry = {
      batch: info.batchSize,
      inHeight: info.inHeight,
      inWidth: info.inWidth,
      channels: info.inChannels,
      outHeight: info.outHeight,
      outWidth: info.outWidth,
      filterHeight: info.filterHeight,
      filterWidth: info.filterWidth,
      strideHeight: info.strideHeight,
      strideWidth: info.strideWidth,
      dilationHeight: info.dilationHeight,
      dilationWidth: info.dilationWidth,
      padTop: info.padInfo.top,
      padLeft: info.padInfo.left,
    };
    const dx = backend.makeOutput([...input.shape], 'float32');
    maxPoolGradInto(
      heapFloat32(backend, input),
      heapFloat32(backend, dy),
      g,
      heapFloat32(backend, dx),
    );
    return dx;
  },
};
