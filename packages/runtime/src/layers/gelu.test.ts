import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { initBackend } from '../backend.js';
import { geluTanh } from './gelu.js';
import { expectClose, normalData, runLayer } from './test-support/layer-runs.js';

const reference = (v: number) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));

describe('geluTanh', () => {
  it.each(['cpu', 'wasm'] as const)('matches the tanh formula on %s, ±50 included', async (backend) => {
    await initBackend(backend, { log: null });
    const xs = [-50, -3, -1, 0, 0.5, 2, 50];
    const y = tf.tidy(() => Array.from(geluTanh(tf.tensor1d(xs)).dataSync()));
    y.forEach((v, i) => expect(v).toBeCloseTo(reference(xs[i] ?? 0), 5));
  });

  it('on wasm runs the fused kernels and matches the composed cpu op in value and gradient', async () => {
    const inputs = [normalData([768, 512], 2, 'x', 2)];
    const weights = normalData([768, 512], 2, 'w');
    const loss = (x: tf.Tensor) => tf.sum(tf.mul(geluTanh(x), tf.tensor(weights.values, [768, 512])));
    const cpu = await runLayer('cpu', inputs, loss);
    const wasm = await runLayer('wasm', inputs, loss);
    expect(wasm.kernels).toEqual(expect.arrayContaining(['CounterweightGeluTanh', 'CounterweightGeluTanhGrad']));
    expect(wasm.kernels.length).toBeLessThan(cpu.kernels.length);
    expectClose(wasm.value, cpu.value, 1e-5, 1e-2, 'value');
    expectClose(wasm.grads[0] as Float32Array, cpu.grads[0] as Float32Array, 1e-5, 1e-5, 'dx');
  });
});
