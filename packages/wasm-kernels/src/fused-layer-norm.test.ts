import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { FUSED_LAYER_NORM, FUSED_LAYER_NORM_GRAD } from './fused-layer-norm.js';
import { KernelInputError } from './kernel-input-error.js';
import { expectBitwise, expectClose, expectNoLeak, normal, runOn, tensorOf, useWasm, type Data } from './test-support/compare.js';

beforeAll(useWasm);

const EPS = 1e-5;

/** The composed LayerNorm (tfjs ops), the reference on cpu. */
function composed(x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  const mean = tf.mean(x, -1, true);
  const centred = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centred), -1, true);
  return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, EPS))), gain), bias);
}

function fused(x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor): tf.Tensor[] {
  return tf.engine().runKernel(FUSED_LAYER_NORM, { x, gain, bias }, { epsilon: EPS }) as unknown as tf.Tensor[];
}

function fusedGrad(dy: tf.Tensor, x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor): tf.Tensor[] {
  const [y, mean, rstd] = fused(x, gain, bias) as [tf.Tensor, tf.Tensor, tf.Tensor];
  const grads = tf.engine().runKernel(FUSED_LAYER_NORM_GRAD, { dy, x, mean, rstd, gain }, {}) as unknown as tf.Tensor[];
  tf.dispose([y, mean, rstd]);
  return grads;
}

/** `x` scaled by `scale` and shifted by `shift` (LayerNorm must be stable at large offsets and magnitudes). */
function inputs(shape: [number, number], seed: number, scale = 1, shift = 0): { x: Data; gain: Data; bias: Data; dy: Data } {
  const x = normal(shape, seed, 'x');
  return {
    x: { values: x.values.map((v) => v * scale + shift), shape },
    gain: { values: normal([shape[1]], seed, 'g').values.map((v) => 1 + 0.3 * v), shape: [shape[1]] },
    bias: normal([shape[1]], seed, 'b'),
    dy: normal(shape, seed, 'dy'),
  };
}

describe('fused LayerNorm on wasm', () => {
  it.each([
    ['[768, 128] (a nanoGPT block)', [768, 128] as [number, number], 1, 0],
    ['[5, 3], odd width', [5, 3] as [number, number], 1, 0],
    ['[64, 33] at magnitude 50 around 50', [64, 33] as [number, number], 50, 50],
  ])('matches the composed cpu LayerNorm in values and gradients: %s', async (_, shape, scale, shift) => {
    const d = inputs(shape, 11, scale, shift);
    const cpuY = await runOn('cpu', () => composed(tensorOf(d.x), tensorOf(d.gain), tensorOf(d.bias)));
    const cpuGrads = await runOn('cpu', () => {
      const f = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(composed(x, g, b), tensorOf(d.dy)));
      return tf.grads(f)([tensorOf(d.x), tensorOf(d.gain), tensorOf(d.bias)]);
    });
    const wasmY = await runOn('wasm', () => fused(tensorOf(d.x), tensorOf(d.gain), tensorOf(d.bias)));
    const wasmGrads = await runOn('wasm', () => fusedGrad(tensorOf(d.dy), tensorOf(d.x), tensorOf(d.gain), tensorOf(d.bias)));
    expectClose(wasmY.values[0] as Float32Array, cpuY.values[0] as Float32Array, { rtol: 1e-5, atol: 1e-5 }, 'y');
    expect(wasmY.shapes).toEqual([shape, [shape[0]], [shape[0]]]);
    ['dx', 'dgain', 'dbias'].forEach((name, i) =>
      expectClose(wasmGrads.values[i] as Float32Array, cpuGrads.values[i] as Float32Array, { rtol: 1e-5, atol: 1e-5, rtolOfMax: 1e-5 }, name),
    );
  });

  it('has gradients that agree with central finite differences of the fused forward pass', async () => {
    const d = inputs([3, 6], 12);
    await tf.setBackend('wasm');
    const loss = (x: Float32Array, gain: Float32Array, bias: Float32Array): number =>
      tf.tidy(() => {
        const [y] = fused(tf.tensor(x, [3, 6]), tf.tensor(gain), tf.tensor(bias)) as [tf.Tensor];
        return tf.sum(tf.mul(y, tensorOf(d.dy))).dataSync()[0] as number;
      });
    const analytic = tf.tidy(() => fusedGrad(tensorOf(d.dy), tensorOf(d.x), tensorOf(d.gain), tensorOf(d.bias)).map((t) => Array.from(t.dataSync())));
    const base = [d.x.values, d.gain.values, d.bias.values].map((v) => Float32Array.from(v));
    const h = 1e-2;
    base.forEach((arr, which) => {
      const numeric = Array.from(arr, (_, i) => {
        const plus = base.map((b) => Float32Array.from(b));
        const minus = base.map((b) => Float32Array.from(b));
        (plus[which] as Float32Array)[i] = (arr[i] as number) + h;
        (minus[which] as Float32Array)[i] = (arr[i] as number) - h;
        const [px, pg, pb] = plus as [Float32Array, Float32Array, Float32Array];
        const [mx, mg, mb] = minus as [Float32Array, Float32Array, Float32Array];
        return (loss(px, pg, pb) - loss(mx, mg, mb)) / (2 * h);
      });
      expectClose(analytic[which] as number[], numeric, { rtol: 2e-2, atol: 2e-3 }, `input ${which}`);
    });
  });

  it('is bitwise the wasm kernels it replaces (Mean, Sub, Square, Rsqrt, Multiply, Add; row sums as XNNPACK products)', async () => {
    const d = inputs([96, 40], 17, 3, 1);
    const fusedOut = await runOn('wasm', () => [
      ...fused(tensorOf(d.x), tensorOf(d.gain), tensorOf(d.bias)),
      ...fusedGrad(tensorOf(d.dy), tensorOf(d.x), tensorOf(d.gain), tensorOf(d.bias)),
    ]);
    const kernels = await runOn('wasm', () => {
      const [x, gain, bias, dy] = [d.x, d.gain, d.bias, d.dy].map(tensorOf) as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.Tensor2D];
      const mean = tf.mean(x, 1, true);
      const centred = tf.sub(x, mean);
      const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(centred), 1, true), EPS));
      const y = tf.add(tf.mul(tf.mul(centred, rstd), gain), bias);
      const xhat = tf.mul(tf.sub(x, mean), rstd);
      const ones = tf.ones<tf.Rank.R2>([1, 96]);
      const g = tf.mul(dy, gain);
      const dx = tf.mul(tf.sub(tf.sub(g, tf.mean(g, 1, true)), tf.mul(xhat, tf.mean(tf.mul(g, xhat), 1, true))), rstd);
      // Sums over rows as the original kernel's XNNPACK product with a row of ones (the training kernels' product is
      // bitwise XNNPACK's).
      return [y, tf.reshape(mean, [96]), tf.reshape(rstd, [96]), dx, tf.reshape(tf.matMul(ones, tf.mul(dy, xhat)), [40]), tf.reshape(tf.matMul(ones, dy), [40])];
    });
    ['y', 'mean', 'rstd', 'dx', 'dgain', 'dbias'].forEach((name, i) =>
      expectBitwise(fusedOut.values[i] as Float32Array, kernels.values[i] as Float32Array, name),
    );
  });

  it('gives y = bias for a constant row (variance 0, no NaN)', async () => {
    const out = await runOn('wasm', () => fused(tf.fill([2, 4], 7), tf.ones([4]), tf.tensor1d([1, 2, 3, 4])));
    expect(Array.from(out.values[0] as Float32Array)).toEqual([1, 2, 3, 4, 1, 2, 3, 4]);
  });

  it('rejects a gain of the wrong width and int32 input with a KernelInputError naming the argument', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([2, 4]);
    const gain = tf.ones([3]);
    const bias = tf.zeros([4]);
    expect(() => fused(x, gain, bias)).toThrow(KernelInputError);
    expect(() => fused(x, gain, bias)).toThrow(/CounterweightLayerNorm\.gain/);
    const xi = tf.zeros([2, 4], 'int32');
    expect(() => fused(xi, tf.ones([4]), bias)).toThrow(/CounterweightLayerNorm\.x: must be float32/);
    tf.dispose([x, gain, bias, xi]);
  });

  it('leaves no tensors or heap buffers behind', async () => {
    await tf.setBackend('wasm');
    const d = inputs([16, 8], 13);
    const [x, gain, bias, dy] = [d.x, d.gain, d.bias, d.dy].map(tensorOf) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    expectNoLeak(() => tf.dispose([...fused(x, gain, bias), ...fusedGrad(dy, x, gain, bias)]));
    tf.dispose([x, gain, bias, dy]);
  });
});
