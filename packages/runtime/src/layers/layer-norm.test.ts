import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { initBackend } from '../backend.js';
import { layerNorm } from './layer-norm.js';
import { expectClose, normalData, runLayer } from './test-support/layer-runs.js';

describe('layerNorm', () => {
  it('normalises the last axis and applies gain and bias (cpu, composed)', async () => {
    await initBackend('cpu', { log: null });
    const y = tf.tidy(() => layerNorm(tf.tensor2d([[1, 2, 3, 4], [-2, 0, 2, 8]]), tf.tensor1d([1, 1, 2, 2]), tf.tensor1d([0, 0, 1, 1]), 0).arraySync() as number[][]);
    const row0 = [-3, -1, 1, 3].map((v) => v / Math.sqrt(5));
    expect(y[0]?.[0]).toBeCloseTo(row0[0] ?? 0, 5);
    expect(y[0]?.[3]).toBeCloseTo(2 * (row0[3] ?? 0) + 1, 5);
  });

  it.each([
    ['a nanoGPT block [12, 64, 128]', [12, 64, 128], 1, 0],
    ['magnitude 50 around 50, [9, 5]', [9, 5], 50, 50],
  ])('on wasm runs the fused kernels and matches the composed cpu op in value and gradients: %s', async (_, shape, std, mean) => {
    const width = shape[shape.length - 1] as number;
    const inputs = [normalData(shape, 1, 'x', std, mean), normalData([width], 1, 'gain', 0.3, 1), normalData([width], 1, 'bias')];
    const weights = normalData(shape, 1, 'w');
    const loss = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(layerNorm(x, g as tf.Tensor1D, b as tf.Tensor1D), tf.tensor(weights.values, [...shape])));
    const cpu = await runLayer('cpu', inputs, loss);
    const wasm = await runLayer('wasm', inputs, loss);
    expect(wasm.kernels).toContain('CounterweightLayerNorm');
    expect(wasm.kernels).toContain('CounterweightLayerNormGrad');
    expect(cpu.kernels).not.toContain('CounterweightLayerNorm');
    expect(wasm.kernels.length).toBeLessThan(cpu.kernels.length);
    expectClose(wasm.value, cpu.value, 1e-5, 1e-3, 'value');
    ['dx', 'dgain', 'dbias'].forEach((name, i) => expectClose(wasm.grads[i] as Float32Array, cpu.grads[i] as Float32Array, 1e-5, 1e-4, name));
  });
});
