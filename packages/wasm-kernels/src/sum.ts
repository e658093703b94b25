import * as tf from '@tensorflow/tfjs-core';

import { callWasmKernel, heapFloat32, sizeOf, wasmArgs, type WasmTrainingKernel } from './kernel-calls.js';
import { nativeModule } from './native-module.js';

/**
 * A reduction as `[outer, reduced, inner]`: the reduced axes must be consecutive once size-1 axes are ignored.
 * Returns undefined for other patterns (e.g. axes 0 and 2 of a rank-3 tensor with no size-1 axis between).
 */
export function reductionBlocks(
  shape: readonly number[],
  axes: readonly number[],
): { outer: number; reduced: number; inner: number } | undefined {
  const reducedAxes = new Set(axes);
  let outer = 1;
  let reduced = 1;
  let inner = 1;
  let phase: 'outer' | 'reduced' | 'inner' = 'outer';
  for (let axis = 0; axis < shape.length; axis += 1) {
    const size = shape[axis] ?? 1;
    if (size === 1) continue;
    if (reducedAxes.has(axis)) {
      if (phase === 'inner') return undefined;
      phase = 'reduced';
      reduced *= size;
    } else if (phase === 'outer') {
      outer *= size;
    } else {
      phase = 'inner';
      inner *= size;
    }
  }
  return { outer, reduced, inner };
}

/**
 * `out[o, j] = Σ_r x[o, r, j]` with float64 accumulators (tfjs-cpu also accumulates in doubles), four rows at a
 * time so every read is sequential. The compiled `sum_middle` (`native/sum-rows.c`) performs the same arithmetic
 * with SIMD; this loop runs where the compiled module cannot be bound.
 * @internal exported for the test that compares the two bit for bit.
 */
export function sumMiddleInto(
  x: Float32Array,
  blocks: { outer: number; reduced: number; inner: number },
  out: Float32Array,
  accumulator: Float64Array,
): void {
  const { outer, reduced, inner } = blocks;
  for (let o = 0; o < outer; o += 1) {
    accumulator.fill(0);
    let from = o * reduced * inner;
    let r = 0;
    // Four rows per pass over the accumulator: a quarter of the accumulator loads and stores.
    for (; r + 4 <= reduced; r += 4, from += 4 * inner) {
      for (let j = 0; j < inner; j += 1) {
        accumulator[j] =
          (accumulator[j] as number) +
          ((x[from + j] as number) +
            (x[from + inner + j] as number) +
            (x[from + 2 * inner + j] as number) +
            (x[from + 3 * inner + j] as number));
      }
    }
    for (; r < reduced; r += 1, from += inner) {
      for (let j = 0; j < inner; j += 1) accumulator[j] = (accumulator[j] as number) + (x[from + j] as number);
    }
    out.set(accumulator.subarray(0, inner), o * inner);
  }
}

/**
 * Replaces wasm `Sum` for float32 reductions over leading or middle axes (the gradient of every broadcast bias
 * add: `sum(dy, [0, 1, 2])` of a conv layer, `sum(dy, 0)` of a dense layer). tfjs-backend-wasm first transposes the
 * reduced axes innermost with its slow element-wise `Transpose`; this kernel sums rows in place over the wasm heap.
 * Reductions over the innermost axes (already fast in C++), other dtypes and non-consecutive axes stay with the
 * original kernel.
 *
 * Measured (one process, median of 5; before → after): `sum(dy, 0)` of 2048×512 6.4 → 1.2 ms (5.4×); conv bias
 * gradient `sum(dy, [0, 1, 2])` of 256×26×26×32 29.9 → 6.1 ms (4.9×).
 */
export const sumKernel: WasmTrainingKernel = {
  kernelName: tf.Sum,
  replaces: 'slow',
  kernelFunc: (params) => {
    const { inputs, backend, attrs } = wasmArgs(params);
    const { x } = inputs as tf.SumInputs;
    if (x === undefined) throw new Error('Sum needs input x');
    const axes = tf.util.parseAxisParam(attrs['axis'] as number | number[], x.shape);
    const blocks = x.dtype === 'float32' ? reductionBlocks(x.shape, axes) : undefined;
    if (blocks === undefined || blocks.inner === 1 || sizeOf(x.shape) === 0) {
      return callWasmKernel(backend, tf.Sum, inputs, attrs);
    }
    const kept = x.shape.filter((_, axis) => !axes.includes(axis));
    const shape = attrs['keepDims'] === true ? x.shape.map((size, axis) => (axes.includes(axis) ? 1 : size)) : kept;
    const out = backend.makeOutput(shape, 'float32');
    const native = nativeModule(backend);
    if (native === null) {
      sumMiddleInto(heapFloat32(backend, x), blocks, heapFloat32(backend, out), new Float64Array(blocks.inner));
      return out;
    }
    const accumulator = backend.makeOutput([2 * blocks.inner], 'float32');
    const at = (info: tf.TensorInfo): number => heapFloat32(backend, info).byteOffset;
    native.exports.sum_middle(blocks.outer, blocks.reduced, blocks.inner, at(x), at(out), at(accumulator));
    backend.disposeData(accumulator.dataId);
    return out;
  },
};
