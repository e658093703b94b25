import { SeededRandom, VariableBuilder, initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import {
  BATCH_NORM_EPSILON,
  batchNormInference,
  batchNormTraining,
  createBatchNorm,
  foldIntoConvolution,
  updateRunningStatistics,
} from './batch-norm.js';

const SHAPE = [3, 4, 5, 6] as const; // [B, H, W, C]: 60 values per channel

function inputs(seed: number) {
  const random = SeededRandom.fromSeed(seed);
  const x = random.normalArray(SHAPE.reduce((a, b) => a * b, 1), 0.7, 2);
  return {
    x,
    gamma: random.uniformArray(SHAPE[3], 0.5, 1.5),
    beta: random.uniformArray(SHAPE[3], -0.5, 0.5),
    upstream: random.normalArray(x.length),
  };
}

/** Per-channel float64 mean and biased variance of NHWC values. */
function channelStats(x: Float32Array, channels: number): { mean: number[]; variance: number[] } {
  const n = x.length / channels;
  const mean = Array.from({ length: channels }, (_, c) => {
    let s = 0;
    for (let i = 0; i < n; i += 1) s += x[i * channels + c] as number;
    return s / n;
  });
  const variance = mean.map((m, c) => {
    let s = 0;
    for (let i = 0; i < n; i += 1) s += ((x[i * channels + c] as number) - m) ** 2;
    return s / n;
  });
  return { mean, variance };
}

describe.each(['cpu', 'wasm'] as const)('batch norm on %s', (backend) => {
  it('normalises with the batch statistics in training mode (float64 reference)', async () => {
    await initBackend(backend, { log: null });
    const { x, gamma, beta } = inputs(1);
    const channels = SHAPE[3];
    const { mean, variance } = channelStats(x, channels);
    const result = tf.tidy(() => {
      const r = batchNormTraining(tf.tensor4d(x, [...SHAPE]), tf.tensor1d(gamma), tf.tensor1d(beta));
      return { output: r.output, mean: r.batchMean, variance: r.batchVariance, count: r.count };
    });
    const y = result.output.dataSync();
    for (let i = 0; i < x.length; i += 1) {
      const c = i % channels;
      const expected = ((gamma[c] as number) * ((x[i] as number) - (mean[c] as number))) / Math.sqrt((variance[c] as number) + BATCH_NORM_EPSILON) + (beta[c] as number);
      expect(y[i]).toBeCloseTo(expected, 4);
    }
    expect(Array.from(result.mean.dataSync())).toEqual(mean.map((m) => expect.closeTo(m, 5) as unknown));
    expect(Array.from(result.variance.dataSync())).toEqual(variance.map((v) => expect.closeTo(v, 4) as unknown));
    expect(result.count).toBe(60);
    tf.dispose([result.output, result.mean, result.variance]);
  });

  it('has the gradient of the plain formula (autodiff of tf.moments + arithmetic) for x, γ and β', async () => {
    await initBackend(backend, { log: null });
    const { x, gamma, beta, upstream } = inputs(2);
    const [xT, gT, bT, wT] = [tf.tensor4d(x, [...SHAPE]), tf.tensor1d(gamma), tf.tensor1d(beta), tf.tensor4d(upstream, [...SHAPE])];
    const custom = tf.grads((a, g, b) => {
      const r = batchNormTraining(a, g as tf.Tensor1D, b as tf.Tensor1D);
      tf.dispose([r.batchMean, r.batchVariance]);
      return tf.sum(tf.mul(r.output, wT));
    })([xT, gT, bT]);
    const plain = tf.grads((a, g, b) => {
      const { mean, variance } = tf.moments(a, [0, 1, 2]);
      const y = tf.add(tf.mul(tf.div(tf.sub(a, mean), tf.sqrt(tf.add(variance, BATCH_NORM_EPSILON))), g), b);
      return tf.sum(tf.mul(y, wT));
    })([xT, gT, bT]);
    custom.forEach((g, i) => {
      const got = g.dataSync();
      const want = (plain[i] as tf.Tensor).dataSync();
      const scale = Math.max(...Array.from(want, Math.abs));
      for (let j = 0; j < want.length; j += 1) expect(Math.abs((got[j] as number) - (want[j] as number))).toBeLessThan(2e-4 * scale);
    });
    tf.dispose([xT, gT, bT, wT, ...custom, ...plain]);
  });

  it('updates the running statistics (momentum, unbiased variance) and normalises with them at inference', async () => {
    await initBackend(backend, { log: null });
    const { x } = inputs(3);
    const init = new VariableBuilder(SeededRandom.fromSeed(1));
    const layer = createBatchNorm(init, 'bn', SHAPE[3]);
    expect(layer.mean.trainable).toBe(false);
    expect(layer.variance.trainable).toBe(false);
    expect(layer.gamma.trainable).toBe(true);
    const before = tf.memory().numTensors;
    const xT = tf.tensor4d(x, [...SHAPE]);
    const result = batchNormTraining(xT, layer.gamma, layer.beta);
    updateRunningStatistics(layer, result, 0.1);
    tf.dispose([result.output, result.batchMean, result.batchVariance]);
    const { mean, variance } = channelStats(x, SHAPE[3]);
    const runningMean = layer.mean.dataSync();
    const runningVariance = layer.variance.dataSync();
    mean.forEach((m, c) => {
      expect(runningMean[c]).toBeCloseTo(0.1 * m, 5);
      expect(runningVariance[c]).toBeCloseTo(0.9 + 0.1 * (variance[c] as number) * (60 / 59), 5);
    });
    const y = batchNormInference(xT, layer);
    const first = y.dataSync()[0] as number;
    expect(first).toBeCloseTo(((x[0] as number) - (runningMean[0] as number)) / Math.sqrt((runningVariance[0] as number) + BATCH_NORM_EPSILON), 4);
    tf.dispose([xT, y]);
    expect(tf.memory().numTensors).toBe(before);
    init.dispose();
  });

  it('folds into the preceding convolution: conv(x, W·s) + (b − mean)·s + β equals batchNorm(conv(x, W) + b)', async () => {
    await initBackend(backend, { log: null });
    const random = SeededRandom.fromSeed(4);
    const init = new VariableBuilder(random);
    const layer = createBatchNorm(init, 'bn', 4);
    layer.mean.assign(tf.tensor1d(random.normalArray(4)));
    layer.variance.assign(tf.tensor1d(random.uniformArray(4, 0.2, 3)));
    layer.gamma.assign(tf.tensor1d(random.uniformArray(4, 0.5, 2)));
    layer.beta.assign(tf.tensor1d(random.normalArray(4)));
    const [x, kernel, bias] = [
      tf.tensor4d(random.normalArray(2 * 5 * 5 * 3), [2, 5, 5, 3]),
      tf.tensor4d(random.normalArray(3 * 3 * 3 * 4), [3, 3, 3, 4]),
      tf.tensor1d(random.normalArray(4)),
    ];
    for (const b of [bias, undefined]) {
      const [folded, plain] = tf.tidy((): [tf.Tensor, tf.Tensor] => {
        const f = foldIntoConvolution(kernel, b, layer);
        const conv = tf.conv2d(x, kernel, 1, 'same');
        return [
          tf.add(tf.conv2d(x, f.filter, 1, 'same'), f.bias),
          batchNormInference(b === undefined ? conv : tf.add(conv, b), layer),
        ];
      });
      const got = folded.dataSync();
      const want = plain.dataSync();
      for (let i = 0; i < want.length; i += 1) expect(got[i]).toBeCloseTo(want[i] as number, 4);
      tf.dispose([folded, plain]);
    }
    tf.dispose([x, kernel, bias]);
    init.dispose();
  });
});
