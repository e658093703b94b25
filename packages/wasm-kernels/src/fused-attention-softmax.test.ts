import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { FUSED_ATTENTION_SOFTMAX, FUSED_ATTENTION_SOFTMAX_GRAD } from './fused-attention-softmax.js';
import { expectClose, expectNoLeak, normal, runOn, tensorOf, useWasm, type Data } from './test-support/compare.js';

beforeAll(useWasm);

/** The composed scale, additive −1e9 causal mask and softmax (tfjs ops), the reference on cpu. */
function composed(scores: tf.Tensor, scale: number, causal: boolean): tf.Tensor {
  let s = tf.mul(scores, scale);
  if (causal) {
    const t = scores.shape[scores.rank - 1] ?? 1;
    s = tf.add(s, tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([t, t]), -1, 0)), -1e9));
  }
  return tf.softmax(s);
}

function fused(scores: tf.Tensor, scale: number, causal: boolean): tf.Tensor {
  return tf.engine().runKernel<tf.Tensor>(FUSED_ATTENTION_SOFTMAX, { scores }, { scale, causal });
}

function fusedGrad(dp: tf.Tensor, scores: tf.Tensor, scale: number, causal: boolean): tf.Tensor {
  const p = fused(scores, scale, causal);
  const ds = tf.engine().runKernel<tf.Tensor>(FUSED_ATTENTION_SOFTMAX_GRAD, { dp, p }, { scale, causal });
  p.dispose();
  return ds;
}

function scaled(data: Data, factor: number): Data {
  return { values: data.values.map((v) => v * factor), shape: data.shape };
}

describe('fused attention softmax on wasm', () => {
  it.each([
    ['causal [12, 4, 64, 64] (nanoGPT attention)', [12, 4, 64, 64], true, 1],
    ['bidirectional [2, 3, 5, 7]', [2, 3, 5, 7], false, 1],
    ['causal [1, 2, 9, 9] with logits up to ±50 after scaling', [1, 2, 9, 9], true, 25],
  ])('matches the composed cpu softmax in values and gradients: %s', async (_, shape, causal, magnitude) => {
    const scale = 1 / Math.sqrt(32);
    const scores = scaled(normal(shape, 31, 's'), magnitude / scale / 2);
    const dp = normal(shape, 31, 'dp');
    const cpuP = await runOn('cpu', () => composed(tensorOf(scores), scale, causal));
    const cpuDs = await runOn('cpu', () => tf.grad((s: tf.Tensor) => tf.sum(tf.mul(composed(s, scale, causal), tensorOf(dp))))(tensorOf(scores)));
    const wasmP = await runOn('wasm', () => fused(tensorOf(scores), scale, causal));
    const wasmDs = await runOn('wasm', () => fusedGrad(tensorOf(dp), tensorOf(scores), scale, causal));
    expectClose(wasmP.values[0] as Float32Array, cpuP.values[0] as Float32Array, { rtol: 1e-5, atol: 1e-6 }, 'p');
    expectClose(wasmDs.values[0] as Float32Array, cpuDs.values[0] as Float32Array, { rtol: 1e-5, atol: 1e-5 }, 'dscores');
    const p = wasmP.values[0] as Float32Array;
    expect(p.every(Number.isFinite)).toBe(true);
    if (causal) {
      const t = shape[3] as number;
      for (let i = 0; i < t; i += 1) for (let j = i + 1; j < t; j += 1) expect(p[i * t + j]).toBe(0);
    }
  });

  it('has a gradient that agrees with central finite differences', async () => {
    const shape = [1, 1, 4, 4];
    const scores = normal(shape, 32, 's');
    const dp = normal(shape, 32, 'dp');
    await tf.setBackend('wasm');
    const loss = (values: Float32Array): number =>
      tf.tidy(() => tf.sum(tf.mul(fused(tf.tensor(values, shape), 0.7, true), tensorOf(dp))).dataSync()[0] as number);
    const analytic = (await runOn('wasm', () => fusedGrad(tensorOf(dp), tensorOf(scores), 0.7, true))).values[0] as Float32Array;
    const h = 1e-2;
    const numeric = Array.from(scores.values, (v, i) => {
      const plus = Float32Array.from(scores.values);
      const minus = Float32Array.from(scores.values);
      plus[i] = v + h;
      minus[i] = v - h;
      return (loss(plus) - loss(minus)) / (2 * h);
    });
    expectClose(analytic, numeric, { rtol: 2e-2, atol: 2e-3 }, 'dscores');
  });

  it('rejects non-square scores with causal and int32 scores', async () => {
    await tf.setBackend('wasm');
    const s = tf.zeros([1, 3, 4]);
    expect(() => fused(s, 1, true)).toThrow(/CounterweightAttentionSoftmax\.causal/);
    const si = tf.zeros([2, 2], 'int32');
    expect(() => fused(si, 1, false)).toThrow(/CounterweightAttentionSoftmax\.scores: must be float32/);
    tf.dispose([s, si]);
  });

  it('leaves no tensors or heap buffers behind', async () => {
    await tf.setBackend('wasm');
    const s = tensorOf(normal([2, 2, 8, 8], 33, 's'));
    expectNoLeak(() => tf.dispose([fused(s, 0.5, true), fusedGrad(s, s, 0.5, true)]));
    s.dispose();
  });
});
