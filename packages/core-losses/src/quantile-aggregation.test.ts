import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { QuantileAggregator, aggregateQuantiles } from './quantile-aggregation.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { checkGradientAgainst64 } from './test-support/gradient-check.js';
import { makeRandom, maxRelativeError, uniformArray } from './test-support/random-inputs.js';

const N = 4;
const M = 3;
const Q = 2;
const random = makeRandom(21);
const BASE = uniformArray(random, N * M * Q, -3, 3);
const LOGITS_MQ = uniformArray(random, M * Q, -2, 2);

/** Float64 reference: out[n][q] = Σ_m softmax_m(logit(n, m, q)) · base[n][m][q]. */
function aggregate64(base: ArrayLike<number>, logit: (n: number, m: number, q: number) => number): number[] {
  const out: number[] = [];
  for (let n = 0; n < N; n += 1) {
    for (let q = 0; q < Q; q += 1) {
      const z = Array.from({ length: M }, (_, m) => logit(n, m, q));
      const max = Math.max(...z);
      const e = z.map((v) => Math.exp(v - max));
      const s = e.reduce((a, b) => a + b, 0);
      out.push(e.reduce((acc, w, m) => acc + (w / s) * (base[(n * M + m) * Q + q] ?? 0), 0));
    }
  }
  return out;
}

/** Pinball loss ρ_τ(y − q̂), mean over samples and levels (Koenker & Bassett 1978), written out for the tests. */
function pinball(y: tf.Tensor, predictions: tf.Tensor, levels: readonly number[]): tf.Scalar {
  const u = tf.sub(tf.reshape(y, [-1, 1]), predictions);
  const tau = tf.tensor1d([...levels]);
  return tf.mean(tf.maximum(tf.mul(tau, u), tf.mul(tf.sub(tau, 1), u)));
}

/** y ~ N(0, 1) (Box–Muller from a seeded uniform). */
function normals(seed: number, n: number): number[] {
  const r = makeRandom(seed);
  return Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(Math.max(r(), 1e-12))) * Math.cos(2 * Math.PI * r()));
}

describe.each(TEST_BACKENDS)('aggregateQuantiles on %s', (backend) => {
  it('matches the float64 convex combination at every granularity of the logits', async () => {
    await useBackend(backend);
    const global = [0.3, -1, 2];
    const perInput = uniformArray(makeRandom(3), N * M, -2, 2);
    const perInputLevel = uniformArray(makeRandom(4), N * M * Q, -2, 2);
    const cases: [number[], number[], (n: number, m: number, q: number) => number][] = [
      [global, [M], (_n, m) => global[m] ?? 0],
      [LOGITS_MQ, [M, Q], (_n, m, q) => LOGITS_MQ[m * Q + q] ?? 0],
      [perInput, [N, M], (n, m) => perInput[n * M + m] ?? 0],
      [perInputLevel, [N, M, Q], (n, m, q) => perInputLevel[(n * M + m) * Q + q] ?? 0],
    ];
    for (const [logits, shape, logit] of cases) {
      const out = tf.tidy(() => aggregateQuantiles(tf.tensor3d(BASE, [N, M, Q]), tf.tensor(logits, shape)).dataSync());
      expect(maxRelativeError(out, aggregate64(BASE, logit), 1e-3)).toBeLessThan(1e-5);
    }
  });

  it('passes finite-difference gradient checks with respect to the logits and the base quantiles', async () => {
    await useBackend(backend);
    const coef = uniformArray(makeRandom(9), N * Q, -1, 1); // a scalar of the output: Σ c·q̂
    const dot = (v: readonly number[]): number => v.reduce((s, x, i) => s + x * (coef[i] ?? 0), 0);
    const c = tf.tensor2d(coef, [N, Q]);
    const byLogits = checkGradientAgainst64(
      (z) => tf.sum(tf.mul(c, aggregateQuantiles(tf.tensor3d(BASE, [N, M, Q]), z))),
      LOGITS_MQ,
      [M, Q],
      (z) => dot(aggregate64(BASE, (_n, m, q) => z[m * Q + q] ?? 0)),
    );
    expect(byLogits.worstExcess).toBeLessThanOrEqual(0);
    const byBase = checkGradientAgainst64(
      (b) => tf.sum(tf.mul(c, aggregateQuantiles(b, tf.tensor2d(LOGITS_MQ, [M, Q])))),
      BASE,
      [N, M, Q],
      (b) => dot(aggregate64(b, (_n, m, q) => LOGITS_MQ[m * Q + q] ?? 0)),
    );
    expect(byBase.worstExcess).toBeLessThanOrEqual(0);
    c.dispose();
  });

  it('stays finite with logits of ±50', async () => {
    await useBackend(backend);
    const [out, grad] = tf.tidy(() => {
      const base = tf.tensor3d(BASE, [N, M, Q]);
      const z = tf.tensor1d([50, -50, 0]);
      return [aggregateQuantiles(base, z).dataSync(), tf.grad((v: tf.Tensor) => tf.sum(aggregateQuantiles(base, v)))(z).dataSync()];
    });
    expect(Array.from(out ?? []).every(Number.isFinite)).toBe(true);
    expect(Array.from(grad ?? []).every(Number.isFinite)).toBe(true);
    expect(maxRelativeError(out ?? [], aggregate64(BASE, (_n, m) => [50, -50, 0][m] ?? 0), 1e-3)).toBeLessThan(1e-5);
  });
});

describe.each(TEST_BACKENDS)('QuantileAggregator on %s', (backend) => {
  const levels = [0.1, 0.5, 0.9];
  const z = [-1.2816, 0, 1.2816]; // N(0, 1) quantiles at the levels
  const n = 200;
  const y = normals(77, n);

  /** Trains the aggregator's variables on the pinball loss (Adam, fixed steps) and returns its final weights. */
  function train(aggregator: QuantileAggregator, base: tf.Tensor, features?: tf.Tensor): void {
    const optimizer = tf.train.adam(0.1);
    const target = tf.tensor1d(y);
    for (let step = 0; step < 150; step += 1) {
      optimizer.minimize(() => pinball(target, aggregator.aggregate(base, features), levels), false, [...aggregator.variables]);
    }
    optimizer.dispose();
    target.dispose();
  }

  it('global: learns to weight the calibrated base model (the other is shifted by +2)', async () => {
    await useBackend(backend);
    const aggregator = new QuantileAggregator({ numModels: 2, numQuantiles: 3 });
    expect(aggregator.weights()).toEqual([[0.5, 0.5, 0.5], [0.5, 0.5, 0.5]]);
    const base = tf.tensor3d(y.flatMap(() => [...z, ...z.map((v) => v + 2)]), [n, 2, 3]);
    train(aggregator, base);
    const w = aggregator.weights() as number[][];
    expect(w[0]?.[0]).toBeGreaterThan(0.9);
    expect(w[0]?.every((v) => v === w[0]?.[0])).toBe(true); // one weight for all levels
    base.dispose();
    aggregator.dispose();
  });

  it('perQuantile: picks a different model per level when each is right at one end', async () => {
    await useBackend(backend);
    const aggregator = new QuantileAggregator({ numModels: 2, numQuantiles: 3, granularity: 'perQuantile' });
    // Model 0 is right at τ = 0.1 and 2 too high at τ = 0.9; model 1 the reverse; both right at the median.
    const base = tf.tensor3d(y.flatMap(() => [z[0] ?? 0, 0, (z[2] ?? 0) + 2, (z[0] ?? 0) - 2, 0, z[2] ?? 0]), [n, 2, 3]);
    train(aggregator, base);
    const w = aggregator.weights() as number[][];
    expect(w[0]?.[0]).toBeGreaterThan(0.85);
    expect(w[1]?.[2]).toBeGreaterThan(0.85);
    base.dispose();
    aggregator.dispose();
  });

  it('perInput: switches models with the input (model 0 right for x < ½, model 1 for x > ½)', async () => {
    await useBackend(backend);
    const aggregator = new QuantileAggregator({ numModels: 2, numQuantiles: 3, granularity: 'perInput', numFeatures: 2, hiddenUnits: 0 });
    const xs = uniformArray(makeRandom(5), n, 0, 1);
    const features = tf.tensor2d(xs.flatMap((x) => [x - 0.5, 1]), [n, 2]);
    const base = tf.tensor3d(xs.flatMap((x) => (x < 0.5 ? [...z, ...z.map((v) => v + 3)] : [...z.map((v) => v - 3), ...z])), [n, 2, 3]);
    train(aggregator, base, features);
    const probe = tf.tensor2d([-0.4, 1, 0.4, 1], [2, 2]); // x = 0.1 and x = 0.9
    const w = aggregator.weights(probe) as number[][][];
    expect(w[0]?.[0]?.[1]).toBeGreaterThan(0.8);
    expect(w[1]?.[1]?.[1]).toBeGreaterThan(0.8);
    [probe, features, base].forEach((t) => t.dispose());
    aggregator.dispose();
  });

  it('perInput with the default hidden layer: seeded, starts from equal weights, output [N, Q]', async () => {
    await useBackend(backend);
    const a = new QuantileAggregator({ numModels: 3, numQuantiles: 2, granularity: 'perInput', numFeatures: 4, seed: 5 });
    const b = new QuantileAggregator({ numModels: 3, numQuantiles: 2, granularity: 'perInput', numFeatures: 4, seed: 5 });
    expect(a.variables.map((v) => v.shape)).toEqual([[4, 64], [64], [64, 6], [6]]);
    expect(Array.from(a.variables[0]?.dataSync() ?? [])).toEqual(Array.from(b.variables[0]?.dataSync() ?? []));
    const x = tf.tensor2d(uniformArray(makeRandom(8), N * 4, -1, 1), [N, 4]);
    const w = a.weights(x) as number[][][];
    expect(w.flat(2).every((v) => Math.abs(v - 1 / 3) < 1e-6)).toBe(true);
    const out = a.aggregate(tf.tensor3d(BASE, [N, M, Q]), x);
    expect(out.shape).toEqual([N, Q]);
    [x, out].forEach((t) => t.dispose());
    a.dispose();
    b.dispose();
  });

  it('leaves no tensors behind after a training step and an evaluation (outside tf.tidy)', async () => {
    await useBackend(backend);
    const start = tf.memory().numTensors;
    const aggregator = new QuantileAggregator({ numModels: 2, numQuantiles: 3, granularity: 'perInput', numFeatures: 2, hiddenUnits: 4 });
    const base = tf.tensor3d(uniformArray(makeRandom(6), 5 * 6, -1, 1), [5, 2, 3]);
    const x = tf.tensor2d(uniformArray(makeRandom(7), 10, -1, 1), [5, 2]);
    const target = tf.tensor1d([0, 1, -1, 0.5, 2]);
    const optimizer = tf.train.sgd(0.1);
    optimizer.minimize(() => pinball(target, aggregator.aggregate(base, x), levels), false, [...aggregator.variables]);
    const before = tf.memory().numTensors;
    optimizer.minimize(() => pinball(target, aggregator.aggregate(base, x), levels), false, [...aggregator.variables]);
    aggregator.aggregate(base, x).dispose();
    aggregator.weights(x);
    expect(tf.memory().numTensors).toBe(before);
    [base, x, target].forEach((t) => t.dispose());
    optimizer.dispose();
    aggregator.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});

describe('quantile aggregation argument checks', () => {
  it('name the function and the argument', async () => {
    await useBackend('cpu');
    const base = tf.zeros([N, M, Q]);
    expect(() => aggregateQuantiles(tf.zeros([N, M]), [0, 0, 0])).toThrow("aggregateQuantiles: argument 'baseQuantiles' must have shape [N, M, Q] (samples, base models, levels), got [4,3]");
    expect(() => aggregateQuantiles(base, [0, 0])).toThrow(/'weightLogits' must have shape \[M\], \[M, Q\], \[N, M\] or \[N, M, Q\] with N = 4, M = 3, Q = 2, got \[2\]/);
    expect(() => aggregateQuantiles(base, [0, Number.NaN, 0])).toThrow(/'weightLogits' must be finite, got NaN at flat index 1/);
    expect(() => new QuantileAggregator({ numModels: 0, numQuantiles: 2 })).toThrow("QuantileAggregator: argument 'options.numModels' must be an integer >= 1, got 0");
    expect(() => new QuantileAggregator({ numModels: 2, numQuantiles: 2, numFeatures: 3 })).toThrow(/'options.numFeatures' only applies to granularity 'perInput', not 'global'/);
    expect(() => new QuantileAggregator({ numModels: 2, numQuantiles: 2, granularity: 'perInput' })).toThrow(/'options.numFeatures' must be an integer >= 1, got undefined/);
    expect(() => new QuantileAggregator({ numModels: 2, numQuantiles: 2, granularity: 'fine' as 'global' })).toThrow(/'options.granularity' must be one of/);
    const a = new QuantileAggregator({ numModels: 2, numQuantiles: 2, granularity: 'perInput', numFeatures: 3, hiddenUnits: 0 });
    expect(() => a.logits()).toThrow("QuantileAggregator.logits: argument 'features' is required with granularity 'perInput'");
    expect(() => a.logits([[1, 2]])).toThrow(/'features' must have shape \[N, 3\], got \[1,2\]/);
    a.dispose();
    expect(() => a.logits([[1, 2, 3]])).toThrow("QuantileAggregator: argument 'this' was disposed");
    base.dispose();
  });
});
