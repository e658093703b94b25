import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { FUSED_GELU_TANH, FUSED_GELU_TANH_GRAD } from './fused-gelu.js';
import { expectBitwise, expectClose, expectNoLeak, normal, runOn, tensorOf, useWasm, type Data } from './test-support/compare.js';

beforeAll(useWasm);

/** The composed tanh-GELU (tfjs ops), the reference on cpu. */
function composed(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(tf.add(x, tf.mul(tf.mul(tf.mul(x, x), x), 0.044715)), Math.sqrt(2 / Math.PI));
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

function fused(x: tf.Tensor): tf.Tensor[] {
  return tf.engine().runKernel(FUSED_GELU_TANH, { x }, {}) as unknown as tf.Tensor[];
}

function fusedGrad(dy: tf.Tensor, x: tf.Tensor): tf.Tensor {
  const [y, s] = fused(x) as [tf.Tensor, tf.Tensor];
  const dx = tf.engine().runKernel<tf.Tensor>(FUSED_GELU_TANH_GRAD, { dy, x, s }, {});
  tf.dispose([y, s]);
  return dx;
}

function scaled(data: Data, scale: number): Data {
  return { values: data.values.map((v) => v * scale), shape: data.shape };
}

describe('fused tanh-GELU on wasm', () => {
  it.each([
    ['[768, 512] (a nanoGPT MLP)', [768, 512], 1],
    ['[7, 9] at magnitude 20 (up to ±50 and beyond)', [7, 9], 20],
  ])('matches the composed cpu GELU in values and gradients: %s', async (_, shape, scale) => {
    const x = scaled(normal(shape, 21, 'x'), scale);
    const dy = normal(shape, 21, 'dy');
    const cpuY = await runOn('cpu', () => composed(tensorOf(x)));
    const cpuDx = await runOn('cpu', () => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(composed(t), tensorOf(dy))))(tensorOf(x)));
    const wasmY = await runOn('wasm', () => fused(tensorOf(x))[0] as tf.Tensor);
    const wasmDx = await runOn('wasm', () => fusedGrad(tensorOf(dy), tensorOf(x)));
    expectClose(wasmY.values[0] as Float32Array, cpuY.values[0] as Float32Array, { rtol: 1e-5, atol: 1e-6 }, 'y');
    expectClose(wasmDx.values[0] as Float32Array, cpuDx.values[0] as Float32Array, { rtol: 1e-5, atol: 1e-5 }, 'dx');
  });

  it('is bitwise the wasm kernels it replaces (Square, Multiply, Add, XNNPACK Sigmoid, Sub), forward and backward', async () => {
    // The kernel's float32 constants: 2√(2/π), 2√(2/π)·0.044715 (forward) and 6√(2/π)·0.044715 (backward).
    const c = Math.sqrt(2 / Math.PI);
    const x = normal([512, 96], 21, 'bitwise', 'x');
    const dy = normal([512, 96], 21, 'bitwise', 'dy');
    const fusedOut = await runOn('wasm', () => {
      const xt = tensorOf(x);
      const [y, s] = fused(xt) as [tf.Tensor, tf.Tensor];
      const dx = tf.engine().runKernel<tf.Tensor>(FUSED_GELU_TANH_GRAD, { dy: tensorOf(dy), x: xt, s }, {});
      return [y, s, dx];
    });
    const kernels = await runOn('wasm', () => {
      const xt = tensorOf(x);
      const s = tf.sigmoid(tf.mul(tf.add(tf.mul(tf.square(xt), 2 * c * 0.044715), 2 * c), xt));
      const slope = tf.add(tf.mul(tf.square(xt), 6 * c * 0.044715), 2 * c);
      const dx = tf.mul(tf.mul(tf.add(tf.mul(tf.mul(tf.sub(1, s), slope), xt), 1), s), tensorOf(dy));
      return [tf.mul(xt, s), s, dx];
    });
    ['y', 's', 'dx'].forEach((name, i) => expectBitwise(fusedOut.values[i] as Float32Array, kernels.values[i] as Float32Array, name));
  });

  it('is finite and exact at ±50: GELU(50) = 50, GELU(−50) = 0 with zero slope', async () => {
    const y = await runOn('wasm', () => fused(tf.tensor1d([50, -50, 0]))[0] as tf.Tensor);
    expect(Array.from(y.values[0] as Float32Array)).toEqual([50, -0, 0]);
    const dx = await runOn('wasm', () => fusedGrad(tf.ones([3]), tf.tensor1d([50, -50, 0])));
    expect(Array.from(dx.values[0] as Float32Array, (v) => v + 0)).toEqual([1, 0, 0.5]); // + 0: −0 and 0 alike
  });

  it('has a gradient that agrees with central finite differences (float64 reference formula)', async () => {
    const xs = [-3, -1.2, -0.3, 0.01, 0.4, 1.1, 2.5];
    const gelu = (v: number) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
    const h = 1e-5;
    const numeric = xs.map((v) => (gelu(v + h) - gelu(v - h)) / (2 * h));
    const dx = await runOn('wasm', () => fusedGrad(tf.ones([xs.length]), tf.tensor1d(xs)));
    expectClose(dx.values[0] as Float32Array, numeric, { rtol: 1e-5, atol: 1e-6 }, 'dx');
  });

  it('rejects int32 input and mismatched shapes', async () => {
    await tf.setBackend('wasm');
    const xi = tf.zeros([3], 'int32');
    expect(() => fused(xi)).toThrow(/CounterweightGeluTanh\.x: must be float32/);
    const x = tf.zeros([3]);
    const dy = tf.zeros([4]);
    expect(() => tf.engine().runKernel(FUSED_GELU_TANH_GRAD, { dy, x, s: x }, {})).toThrow(/CounterweightGeluTanhGrad\.dy/);
    tf.dispose([xi, x, dy]);
  });

  it('leaves no tensors or heap buffers behind', async () => {
    await tf.setBackend('wasm');
    const x = tensorOf(normal([64, 8], 22, 'x'));
    expectNoLeak(() => tf.dispose([...fused(x), fusedGrad(x, x)]));
    x.dispose();
  });
});
