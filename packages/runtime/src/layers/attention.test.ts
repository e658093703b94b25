import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { initBackend } from '../backend.js';
import { scaledDotProductAttention } from './attention.js';
import { expectClose, normalData, runLayer } from './test-support/layer-runs.js';

describe('scaledDotProductAttention', () => {
  it('is causal on cpu and wasm: changing a later key or value leaves earlier outputs unchanged', async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      await initBackend(backend, { log: null });
      const [q, k, v] = ['q', 'k', 'v'].map((l) => normalData([1, 2, 5, 4], 3, l));
      const changed = Float32Array.from(v?.values ?? []);
      changed.fill(9, 4 * 4, 5 * 4); // last position of head 0
      const out = (values: Float32Array) =>
        tf.tidy(() => {
          const t = (d: { values: Float32Array }) => tf.tensor4d(d.values, [1, 2, 5, 4]);
          return Array.from(scaledDotProductAttention(t(q!), t(k!), tf.tensor4d(values, [1, 2, 5, 4])).dataSync());
        });
      const a = out(v?.values ?? new Float32Array());
      const b = out(changed);
      expect(b.slice(0, 16), backend).toEqual(a.slice(0, 16));
      expect(b.slice(16, 20), backend).not.toEqual(a.slice(16, 20));
    }
  });

  it.each([
    ['causal, nanoGPT attention [12, 4, 64, 32]', [12, 4, 64, 32], true, 1],
    ['bidirectional [2, 3, 7, 8]', [2, 3, 7, 8], false, 1],
    ['causal with scores up to ±50, [1, 2, 6, 16]', [1, 2, 6, 16], true, 3.5],
  ])('on wasm runs the fused softmax and matches the composed cpu op in value and gradients: %s', async (_, shape, causal, std) => {
    const inputs = ['q', 'k', 'v'].map((l) => normalData(shape, 4, l, std));
    const weights = normalData(shape, 4, 'w');
    const loss = (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) =>
      tf.sum(tf.mul(scaledDotProductAttention(q as tf.Tensor4D, k as tf.Tensor4D, v as tf.Tensor4D, { causal }), tf.tensor(weights.values, [...shape])));
    const cpu = await runLayer('cpu', inputs, loss);
    const wasm = await runLayer('wasm', inputs, loss);
    expect(wasm.kernels).toEqual(expect.arrayContaining(['CounterweightAttentionSoftmax', 'CounterweightAttentionSoftmaxGrad']));
    expect(wasm.kernels.length).toBeLessThan(cpu.kernels.length);
    expectClose(wasm.value, cpu.value, 1e-5, 1e-3, 'value');
    ['dq', 'dk', 'dv'].forEach((name, i) => expectClose(wasm.grads[i] as Float32Array, cpu.grads[i] as Float32Array, 1e-5, 1e-4, name));
  });
});
