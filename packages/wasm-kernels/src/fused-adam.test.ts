import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { FUSED_ADAM_LOOP_MAX_SIZE, FUSED_ADAM_UPDATE, type FusedAdamAttrs } from './fused-adam.js';
import { KernelInputError } from './kernel-input-error.js';
import { expectNoLeak, normal, tensorOf } from './test-support/compare.js';
import { useWasm } from './test-support/compare.js';

beforeAll(useWasm);

const SHAPES: readonly (readonly number[])[] = [[3], [5, 7], [FUSED_ADAM_LOOP_MAX_SIZE + 1], [128, 512]];

interface Hyper {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** AdamW λ and which variables decay; undefined: plain Adam. */
  readonly decay?: { readonly weightDecay: number; readonly only: 'all' | 'matrices' };
}

function decays(hyper: Hyper, rank: number): boolean {
  return hyper.decay !== undefined && (hyper.decay.only === 'all' || rank >= 2);
}

/** Gradients of step `step` for every shape (seeded). */
function gradients(step: number): tf.Tensor[] {
  return SHAPES.map((shape, i) => tensorOf(normal(shape, 300 + step, 'g', i)));
}

/** Initial variable values (seeded). */
function initial(): tf.Tensor[] {
  return SHAPES.map((shape, i) => tensorOf(normal(shape, 31, 'x', i)));
}

/** `steps` steps of `tf.train.adam` (after the runtime's AdamW decay `assign(mul(x, 1 − lr·λ))`): final values. */
function referenceRun(hyper: Hyper, steps: number): Float32Array[] {
  const variables = tf.tidy(() => initial().map((t, i) => tf.variable(t, true, `adamRef${i}`)));
  const optimizer = tf.train.adam(hyper.learningRate, hyper.beta1, hyper.beta2, hyper.epsilon);
  for (let step = 0; step < steps; step += 1) {
    const grads = gradients(step);
    if (hyper.decay !== undefined) {
      const factor = 1 - hyper.learningRate * hyper.decay.weightDecay;
      tf.tidy(() => {
        for (const v of variables) if (decays(hyper, v.rank)) v.assign(tf.mul(v, factor));
      });
    }
    optimizer.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: grads[i] as tf.Tensor })));
    tf.dispose(grads);
  }
  const out = variables.map((v) => Float32Array.from(v.dataSync()));
  tf.dispose(variables);
  optimizer.dispose();
  return out;
}

/** The same run with {@link FUSED_ADAM_UPDATE}: final values, moments included. */
function fusedRun(hyper: Hyper, steps: number): { x: Float32Array[]; m: Float32Array[]; v: Float32Array[] } {
  let xs = initial();
  let ms = xs.map((x) => tf.zerosLike(x));
  let vs = xs.map((x) => tf.zerosLike(x));
  let accBeta1 = Math.fround(hyper.beta1);
  let accBeta2 = Math.fround(hyper.beta2);
  for (let step = 0; step < steps; step += 1) {
    const grads = gradients(step);
    const next = xs.map((x, i) => {
      const attrs: FusedAdamAttrs = {
        learningRate: hyper.learningRate,
        beta1: hyper.beta1,
        beta2: hyper.beta2,
        epsilon: hyper.epsilon,
        accBeta1,
        accBeta2,
        ...(decays(hyper, x.rank) ? { decayFactor: 1 - hyper.learningRate * (hyper.decay?.weightDecay ?? 0) } : {}),
      };
      return fusedUpdate({ x, g: grads[i] as tf.Tensor, m: ms[i] as tf.Tensor, v: vs[i] as tf.Tensor }, attrs);
    });
    tf.dispose([...grads, ...xs, ...ms, ...vs]);
    xs = next.map((n) => n[0]);
    ms = next.map((n) => n[1]);
    vs = next.map((n) => n[2]);
    // tfjs: accBeta.assign(mul(accBeta, beta)), one float32 product.
    accBeta1 = Math.fround(accBeta1 * Math.fround(hyper.beta1));
    accBeta2 = Math.fround(accBeta2 * Math.fround(hyper.beta2));
  }
  const read = (ts: tf.Tensor[]) => ts.map((t) => Float32Array.from(t.dataSync()));
  const out = { x: read(xs), m: read(ms), v: read(vs) };
  tf.dispose([...xs, ...ms, ...vs]);
  return out;
}

function fusedUpdate(inputs: { x: tf.Tensor; g: tf.Tensor; m: tf.Tensor; v: tf.Tensor }, attrs: FusedAdamAttrs): [tf.Tensor, tf.Tensor, tf.Tensor] {
  return tf.engine().runKernel(FUSED_ADAM_UPDATE, inputs, { ...attrs }) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
}

/** Asserts bitwise equality (compares the float32 bit patterns, so −0 ≠ 0 and NaN payloads count). */
function expectBitwiseEqual(actual: Float32Array, expected: Float32Array, what: string): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < e.length; i += 1) {
    if (a[i] !== e[i]) expect.fail(`${what} element ${i}: got ${actual[i]}, expected ${expected[i]}`);
  }
}

describe('fused Adam update on wasm', () => {
  it.each<[string, Hyper]>([
    ['Adam (tfjs defaults but ε 1e-8)', { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }],
    ['Adam, large rate, β 0.8/0.95, ε 1e-7', { learningRate: 0.3, beta1: 0.8, beta2: 0.95, epsilon: 1e-7 }],
    ['AdamW, decay of all', { learningRate: 3e-3, beta1: 0.9, beta2: 0.99, epsilon: 1e-8, decay: { weightDecay: 0.1, only: 'all' } }],
    ['AdamW, decay of matrices', { learningRate: 3e-3, beta1: 0.9, beta2: 0.99, epsilon: 1e-8, decay: { weightDecay: 0.1, only: 'matrices' } }],
  ])('is bitwise equal to tf.train.adam over 6 steps: %s', async (_, hyper) => {
    await tf.setBackend('wasm');
    const steps = 6;
    const reference = referenceRun(hyper, steps);
    const fused = fusedRun(hyper, steps);
    SHAPES.forEach((shape, i) => expectBitwiseEqual(fused.x[i] as Float32Array, reference[i] as Float32Array, `x [${shape.join(',')}]`));
    // The run moved the variables (a test of equality between two no-ops would prove nothing).
    const start = initial();
    expect(Array.from(start[0]?.dataSync() ?? [])).not.toEqual(Array.from(fused.x[0] ?? []));
    tf.dispose(start);
  });

  it('matches the moments of tf.train.adam bitwise (read through getWeights)', async () => {
    await tf.setBackend('wasm');
    const hyper: Hyper = { learningRate: 1e-2, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
    const variables = tf.tidy(() => initial().map((t, i) => tf.variable(t, true, `adamMoments${i}`)));
    const optimizer = tf.train.adam(hyper.learningRate, hyper.beta1, hyper.beta2, hyper.epsilon);
    for (let step = 0; step < 3; step += 1) {
      const grads = gradients(step);
      optimizer.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: grads[i] as tf.Tensor })));
      tf.dispose(grads);
    }
    const weights = await optimizer.getWeights();
    const fused = fusedRun(hyper, 3);
    SHAPES.forEach((_, i) => {
      expectBitwiseEqual(fused.m[i] as Float32Array, weights[1 + i]?.tensor.dataSync() as Float32Array, `m ${i}`);
      expectBitwiseEqual(fused.v[i] as Float32Array, weights[1 + SHAPES.length + i]?.tensor.dataSync() as Float32Array, `v ${i}`);
    });
    weights[0]?.tensor.dispose();
    tf.dispose(variables);
    optimizer.dispose();
  });

  it('leaves no tensors or heap buffers behind (loop and kernel paths, with decay)', async () => {
    await tf.setBackend('wasm');
    const attrs: FusedAdamAttrs = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, accBeta1: 0.9, accBeta2: 0.999, decayFactor: 0.999 };
    for (const shape of [[5, 7], [128, 512]]) {
      const x = tensorOf(normal(shape, 5, 'x'));
      const g = tensorOf(normal(shape, 5, 'g'));
      expectNoLeak(() => tf.dispose(fusedUpdate({ x, g, m: g, v: x }, attrs)));
      tf.dispose([x, g]);
    }
  });

  it('rejects missing, non-float32 and misshapen inputs and non-finite attributes, naming them', async () => {
    await tf.setBackend('wasm');
    const attrs: FusedAdamAttrs = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, accBeta1: 0.9, accBeta2: 0.999 };
    const x = tf.zeros([4]);
    const xi = tf.zeros([4], 'int32');
    const wide = tf.zeros([5]);
    const run = (inputs: tf.NamedTensorMap, a: tf.NamedAttrMap = { ...attrs }) => () => tf.engine().runKernel(FUSED_ADAM_UPDATE, inputs, a);
    const before = tf.memory().numTensors;
    expect(run({ x, g: x, m: x, v: xi })).toThrow(KernelInputError);
    expect(run({ x, g: x, m: x, v: xi })).toThrow(/CounterweightAdamUpdate\.v: must be float32, got int32/);
    expect(run({ x, g: wide, m: x, v: x })).toThrow(/CounterweightAdamUpdate\.g: must have x's shape \[4\], got \[5\]/);
    expect(run({ x, g: x, v: x })).toThrow(/CounterweightAdamUpdate\.m: is missing/);
    expect(run({ x, g: x, m: x, v: x }, { ...attrs, accBeta2: Number.NaN })).toThrow(/CounterweightAdamUpdate\.accBeta2: must be a finite number/);
    expect(run({ x, g: x, m: x, v: x }, { ...attrs, learningRate: 'fast' })).toThrow(/CounterweightAdamUpdate\.learningRate/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, xi, wide]);
  });
});
