import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-layers registers the gradient functions of every op (tf.grad fails without them), as the runtime's backend does.
import '@tensorflow/tfjs-layers';
import { expect } from 'vitest';

import { callWasmKernel, type WasmBackend } from '../kernel-calls.js';
import { registerWasmTrainingKernels } from '../register.js';
import { TestRandom } from './random.js';

/** Selects the wasm backend and registers the training kernels, as `initBackend('wasm')` of the runtime does. */
export async function useWasm(): Promise<void> {
  await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
  registerWasmTrainingKernels();
}

/** Plain data of a tensor argument, so the same inputs can be built on either backend. */
export interface Data {
  readonly values: Float32Array | Int32Array;
  readonly shape: readonly number[];
  readonly dtype?: 'float32' | 'int32' | 'bool';
}

/** Standard-normal float32 data from a seeded generator. */
export function normal(shape: readonly number[], seed: number, ...labels: Array<string | number>): Data {
  const size = shape.reduce((a, b) => a * b, 1);
  return { values: TestRandom.fromSeed(seed, 'wasm-test', ...labels).normalArray(size), shape };
}

/** Uniform integers in `[low, high]` as int32 data. */
export function integers(shape: readonly number[], low: number, high: number, seed: number, ...labels: Array<string | number>): Data {
  const size = shape.reduce((a, b) => a * b, 1);
  const random = TestRandom.fromSeed(seed, 'wasm-int', ...labels);
  return { values: Int32Array.from({ length: size }, () => random.int(low, high)), shape, dtype: 'int32' };
}

/** A tensor of `data` on the current backend. */
export function tensorOf(data: Data): tf.Tensor {
  return tf.tensor(data.values, [...data.shape], data.dtype ?? (data.values instanceof Int32Array ? 'int32' : 'float32'));
}

/** What a computation returned on one backend: values and shapes of every output. */
export interface Outputs {
  readonly values: Float32Array[];
  readonly shapes: number[][];
  readonly dtypes: tf.DataType[];
}

/**
 * Runs `compute` (which builds its tensors from plain data) on `backend` and returns copies of its outputs. Leaves
 * no tensors behind.
 */
export async function runOn(backend: 'cpu' | 'wasm', compute: () => tf.Tensor | tf.Tensor[]): Promise<Outputs> {
  await tf.setBackend(backend);
  const result = tf.tidy(compute);
  const list = Array.isArray(result) ? result : [result];
  try {
    return {
      values: list.map((t) => Float32Array.from(t.dataSync())),
      shapes: list.map((t) => [...t.shape]),
      dtypes: list.map((t) => t.dtype),
    };
  } finally {
    tf.dispose(list);
  }
}

/**
 * Element-wise tolerance `|a − e| ≤ atol + rtol·|e| + rtolOfMax·max|e|`; defaults suit float32 results of short
 * sums. `rtolOfMax` is for long float32 reductions, whose rounding error scales with the magnitude of the partial
 * sums rather than with each (possibly cancelling) result.
 */
export interface Tolerance {
  readonly rtol?: number;
  readonly atol?: number;
  readonly rtolOfMax?: number;
}

/** Asserts two arrays have equal length and agree within tolerance (NaN matches NaN, ±∞ must match exactly). */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: Tolerance = {}, what = ''): void {
  const { rtol = 1e-5, rtolOfMax = 0 } = tolerance;
  let largest = 0;
  for (let i = 0; i < expected.length; i += 1) {
    const e = Math.abs(expected[i] as number);
    if (Number.isFinite(e) && e > largest) largest = e;
  }
  const atol = (tolerance.atol ?? 1e-6) + rtolOfMax * largest;
  expect(actual.length, `${what} length`).toBe(expected.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < expected.length; i += 1) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (Number.isNaN(e) || !Number.isFinite(e)) {
      if (!Object.is(a, e) && !(Number.isNaN(a) && Number.isNaN(e))) {
        worst = i;
        break;
      }
      continue;
    }
    const excess = Math.abs(a - e) - (atol + rtol * Math.abs(e));
    if (!(excess <= 0) && (worst < 0 || excess > worstExcess)) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    expect.fail(`${what} element ${worst}: got ${actual[worst]}, expected ${expected[worst]} (rtol ${rtol}, atol ${atol})`);
  }
}

/** Runs `compute` on cpu and on wasm and asserts every output agrees (shape, dtype and values). */
export async function expectSameOnBothBackends(
  compute: () => tf.Tensor | tf.Tensor[],
  tolerance: Tolerance = {},
  what = '',
): Promise<Outputs> {
  const cpu = await runOn('cpu', compute);
  const wasm = await runOn('wasm', compute);
  expect(wasm.shapes, `${what} shapes`).toEqual(cpu.shapes);
  expect(wasm.dtypes, `${what} dtypes`).toEqual(cpu.dtypes);
  cpu.values.forEach((expected, i) => expectClose(wasm.values[i] as Float32Array, expected, tolerance, `${what} output ${i}`));
  return wasm;
}

/**
 * Runs `body` on the current backend and asserts it left the engine's tensor count and the backend's data
 * buffers (which also catches intermediate tensors a kernel allocated on the wasm heap and forgot) as they were.
 */
export function expectNoLeak(body: () => void): void {
  const tensors = tf.memory().numTensors;
  const dataIds = tf.backend().numDataIds();
  body();
  expect(tf.memory().numTensors, 'numTensors').toBe(tensors);
  expect(tf.backend().numDataIds(), 'backend data ids').toBe(dataIds);
}

/** Runs a kernel directly (for kernels without a public op, such as the conv gradients). */
export function runKernel(name: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap): tf.Tensor {
  return tf.engine().runKernel<tf.Tensor>(name, inputs, attrs);
}

/**
 * `a @ b (+ bias)` by tfjs-backend-wasm's own kernel on its XNNPACK fully-connected path (un-batched, un-transposed
 * `[1, m, k] @ [1, k, n]`), bypassing the training kernels: the reference the compiled product must equal bit for bit.
 */
export function xnnpackMatMul(a: tf.Tensor2D, b: tf.Tensor2D, bias?: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => {
    const a3 = tf.reshape(a, [1, ...a.shape]);
    const b3 = tf.reshape(b, [1, ...b.shape]);
    const backend = tf.backend() as unknown as WasmBackend;
    const inputs: tf.NamedTensorInfoMap = bias === undefined ? { a: a3, b: b3 } : { a: a3, b: b3, bias };
    const info = callWasmKernel(backend, bias === undefined ? tf.BatchMatMul : tf._FusedMatMul, inputs, {
      transposeA: false,
      transposeB: false,
      activation: 'linear',
    });
    const out = tf.engine().makeTensorFromTensorInfo(info);
    return tf.reshape(out, [a.shape[0], b.shape[1]]);
  });
}

/** Asserts two float32 arrays are bit for bit equal, naming the first element that differs (fast on large arrays). */
export function expectBitwise(actual: Float32Array, expected: Float32Array, what = ''): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  const first = a.findIndex((bits, i) => bits !== e[i]);
  expect(first === -1 ? 'bitwise equal' : `element ${first}: ${actual[first]} ≠ ${expected[first]}`, what).toBe('bitwise equal');
}
