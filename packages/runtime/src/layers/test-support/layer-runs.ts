import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

import { initBackend } from '../../backend.js';
import { SeededRandom } from '../../random.js';

/** Values and gradients of one computation on one backend, copied out of tfjs. */
export interface LayerRun {
  readonly value: Float32Array;
  readonly grads: Float32Array[];
  /** Kernel names the forward and backward pass ran (from `tf.profile`). */
  readonly kernels: string[];
}

/**
 * Runs `loss(...inputs)` and its gradients with respect to every input on `backend` (through `initBackend`, so wasm
 * has the fused kernels) and asserts the engine's tensor count and the backend's data ids are unchanged afterwards.
 */
export async function runLayer(
  backend: 'cpu' | 'wasm',
  inputs: ReadonlyArray<{ readonly values: Float32Array; readonly shape: readonly number[] }>,
  loss: (...xs: tf.Tensor[]) => tf.Tensor,
): Promise<LayerRun> {
  await initBackend(backend, { log: null });
  const xs = inputs.map((i) => tf.tensor(i.values, [...i.shape]));
  const tensors = tf.memory().numTensors;
  const dataIds = tf.backend().numDataIds();
  let result: { value: Float32Array; grads: Float32Array[] } | undefined;
  const profile = await tf.profile(() => {
    const { value, grads } = tf.valueAndGrads((...args: tf.Tensor[]) => loss(...args) as tf.Scalar)(xs);
    result = { value: Float32Array.from(value.dataSync()), grads: grads.map((g) => Float32Array.from(g.dataSync())) };
    tf.dispose([value, ...grads]);
  });
  expect(tf.memory().numTensors, 'numTensors').toBe(tensors);
  expect(tf.backend().numDataIds(), 'backend data ids').toBe(dataIds);
  tf.dispose(xs);
  if (result === undefined) throw new Error('runLayer: nothing computed');
  return { ...result, kernels: profile.kernels.map((k) => k.name) };
}

/** Seeded N(mean, std²) values of `shape`. */
export function normalData(shape: readonly number[], seed: number, label: string, std = 1, mean = 0): { values: Float32Array; shape: readonly number[] } {
  const random = SeededRandom.fromSeed(seed, 'layers-test', label);
  const size = shape.reduce((a, b) => a * b, 1);
  return { values: random.normalArray(size, mean, std), shape };
}

/** `|a − e| ≤ atol + rtol·|e|` element-wise. */
export function expectClose(actual: Float32Array, expected: Float32Array, rtol: number, atol: number, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i += 1) {
    const e = expected[i] as number;
    const a = actual[i] as number;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) expect.fail(`${what} element ${i}: got ${a}, expected ${e}`);
  }
}
