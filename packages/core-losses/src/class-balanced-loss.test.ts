import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { classBalancedLoss, type ClassBalancedLossOptions, type ClassBalancedLossType } from './class-balanced-loss.js';
import { softmaxCrossEntropy } from './softmax-cross-entropy.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { checkGradient } from './test-support/gradient-check.js';
import { expectNoLeak, stepAndEvaluation } from './test-support/leak-check.js';
import { intArray, makeRandom, maxRelativeError, uniformArray } from './test-support/random-inputs.js';

const B = 6;
const C = 4;
const SHAPE: [number, number] = [B, C];
const random = makeRandom(31);
const X = uniformArray(random, B * C, -4, 4);
const Y = intArray(random, B, C);
const COUNTS = [900, 120, 30, 7];
const TYPES: readonly ClassBalancedLossType[] = ['softmax', 'sigmoid', 'focal'];
const sum = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0);

/** Effective-number weights, written out: (1 − β)/(1 − β^n), rescaled to sum to C. */
function cbWeights(beta: number): number[] {
  const raw = COUNTS.map((n) => (1 - beta) / (1 - beta ** n));
  return raw.map((w) => (w * C) / sum(raw));
}

/**
 * Float64 transcription of the official TF code (`_tower_fn`, `focal_loss`): per-element (sigmoid/focal) or
 * per-sample (softmax) weighted terms, using TF's sigmoid_cross_entropy_with_logits max(x, 0) − x·z + log1p(e^{−|x|})
 * and the stable modulator exp(−γ·z·x − γ·log1p(e^{−x})).
 */
function terms(x: readonly number[], type: ClassBalancedLossType, beta: number, gamma: number): number[] {
  const w = cbWeights(beta);
  if (type === 'softmax') {
    return Y.map((label, i) => {
      const row = x.slice(i * C, (i + 1) * C);
      const max = Math.max(...row);
      const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
      return (w[label] ?? 0) * (lse - (row[label] ?? 0));
    });
  }
  return x.map((xi, k) => {
    const i = Math.floor(k / C);
    const z = k % C === Y[i] ? 1 : 0;
    const bce = Math.max(xi, 0) - xi * z + Math.log1p(Math.exp(-Math.abs(xi)));
    const modulator = type === 'focal' && gamma !== 0 ? Math.exp(-gamma * z * xi - gamma * Math.log1p(Math.exp(-xi))) : 1;
    return (w[Y[i] ?? 0] ?? 0) * modulator * bce;
  });
}

/** The official scalar: Σ terms / B (softmax: batch; sigmoid/focal: Σ onehot = B). */
const official = (x: readonly number[], type: ClassBalancedLossType, beta: number, gamma: number): number => sum(terms(x, type, beta, gamma)) / B;

function referenceGradient(type: ClassBalancedLossType, beta: number, gamma: number): number[] {
  const h = 1e-6;
  return X.map((_, i) => {
    const plus = [...X];
    const minus = [...X];
    plus[i] = (plus[i] ?? 0) + h;
    minus[i] = (minus[i] ?? 0) - h;
    return (official(plus, type, beta, gamma) - official(minus, type, beta, gamma)) / (2 * h);
  });
}

function run(options: Omit<ClassBalancedLossOptions, 'samplesPerClass'>, x: readonly number[] = X): Float32Array {
  return tf.tidy(() => classBalancedLoss(Y, tf.tensor2d([...x], SHAPE), { samplesPerClass: COUNTS, ...options }).dataSync() as Float32Array);
}

describe.each(TEST_BACKENDS)('classBalancedLoss on %s', (backend) => {
  it.each(TYPES)('%s: matches the official definition (weighted terms, normalised value, sum)', async (lossType) => {
    await useBackend(backend);
    for (const [beta, gamma] of [[0.9999, 1], [0.99, 2]] as const) {
      const options = { lossType, beta, ...(lossType === 'focal' ? { gamma } : {}) };
      const ref = terms(X, lossType, beta, lossType === 'focal' ? gamma : 0);
      expect(maxRelativeError(run({ ...options, reduction: 'none' }), ref)).toBeLessThan(1e-5);
      expect(maxRelativeError(run(options), [sum(ref) / B])).toBeLessThan(1e-5);
      expect(maxRelativeError(run({ ...options, reduction: 'sum' }), [sum(ref)])).toBeLessThan(1e-5);
    }
  });

  it('uses the documented defaults: softmax, beta 0.9999, focal gamma 1', async () => {
    await useBackend(backend);
    expect(maxRelativeError(run({}), [official(X, 'softmax', 0.9999, 0)])).toBeLessThan(1e-5);
    expect(maxRelativeError(run({ lossType: 'focal' }), [official(X, 'focal', 0.9999, 1)])).toBeLessThan(1e-5);
  });

  it('is unweighted with beta 0; focal with gamma 0 is the sigmoid loss; avgFactor, sample weights, sumOverWeights', async () => {
    await useBackend(backend);
    const ce = tf.tidy(() => softmaxCrossEntropy(Y, tf.tensor2d(X, SHAPE)).dataSync()[0] ?? Number.NaN);
    expect(maxRelativeError(run({ beta: 0 }), [ce])).toBeLessThan(1e-6);
    expect(maxRelativeError(run({ lossType: 'focal', gamma: 0 }), run({ lossType: 'sigmoid' }))).toBeLessThan(1e-6);
    const sigmoidTerms = terms(X, 'sigmoid', 0.9999, 0);
    expect(maxRelativeError(run({ lossType: 'sigmoid', reduction: 'mean', avgFactor: 10 }), [sum(sigmoidTerms) / 10])).toBeLessThan(1e-5);
    // Sample weights multiply the class-balanced weights: [B] weights whole rows, [B, C] single elements.
    const rows = [1, 0, 2, 1, 0.5, 3];
    const elements = X.map((_, k) => (k % 3) * 0.5);
    const byRow = sum(sigmoidTerms.map((t, k) => t * (rows[Math.floor(k / C)] ?? 0))) / B;
    const byElement = sum(sigmoidTerms.map((t, k) => t * (elements[k] ?? 0))) / B;
    expect(maxRelativeError(run({ lossType: 'sigmoid', weights: rows }), [byRow])).toBeLessThan(1e-5);
    expect(maxRelativeError(run({ lossType: 'sigmoid', weights: tf.tensor2d(elements, SHAPE) }), [byElement])).toBeLessThan(1e-5);
    const softmaxTerms = terms(X, 'softmax', 0.9999, 0);
    const w = cbWeights(0.9999);
    const pytorchMean = sum(softmaxTerms) / sum(Y.map((label) => w[label] ?? 0));
    expect(maxRelativeError(run({ reduction: 'sumOverWeights' }), [pytorchMean])).toBeLessThan(1e-5);
    expect(maxRelativeError(run({ weights: rows }), [sum(softmaxTerms.map((t, i) => t * (rows[i] ?? 0))) / B])).toBeLessThan(1e-5);
  });

  it.each(TYPES)('%s: gradient matches the reference and passes a finite-difference check', async (lossType) => {
    await useBackend(backend);
    const gamma = lossType === 'focal' ? 2 : 0;
    const options = { samplesPerClass: COUNTS, lossType, beta: 0.999, ...(lossType === 'focal' ? { gamma } : {}) };
    const grad = tf.tidy(() => tf.grad((v: tf.Tensor) => classBalancedLoss(Y, v, options))(tf.tensor2d(X, SHAPE)).dataSync());
    expect(maxRelativeError(grad, referenceGradient(lossType, 0.999, gamma), 1e-4)).toBeLessThan(1e-4);
    const { worstExcess } = checkGradient((v) => classBalancedLoss(Y, v, { ...options, reduction: 'sum' }), X, SHAPE);
    expect(worstExcess).toBeLessThanOrEqual(0);
  });

  it.each(TYPES)('%s: finite values and gradients at logits of ±50', async (lossType) => {
    await useBackend(backend);
    const x = X.map((v, k) => (k % 2 === 0 ? 50 : -50) * Math.sign(v + 0.5));
    const options = { samplesPerClass: COUNTS, lossType };
    const [values, grad] = tf.tidy(() => [
      classBalancedLoss(Y, tf.tensor2d(x, SHAPE), { ...options, reduction: 'none' }).dataSync(),
      tf.grad((v: tf.Tensor) => classBalancedLoss(Y, v, options))(tf.tensor2d(x, SHAPE)).dataSync(),
    ]);
    expect(Array.from(values).every(Number.isFinite)).toBe(true);
    expect(Array.from(grad).every(Number.isFinite)).toBe(true);
    expect(maxRelativeError(values, terms(x, lossType, 0.9999, lossType === 'focal' ? 1 : 0), 1e-30)).toBeLessThan(1e-4);
  });

  it('leaves no tensors behind after a gradient step and an evaluation (outside tf.tidy)', async () => {
    await useBackend(backend);
    const x = tf.tensor2d(X, SHAPE);
    for (const lossType of TYPES) {
      expectNoLeak(() => stepAndEvaluation((v) => classBalancedLoss(Y, v, { samplesPerClass: COUNTS, lossType, weights: [1, 2, 3, 4, 5, 6] }), x));
    }
    x.dispose();
  });
});

describe('classBalancedLoss argument checks', () => {
  it('names the loss and the argument', async () => {
    await useBackend('cpu');
    const x = [[0, 1, 2]];
    const counts = [10, 5, 1];
    const name = 'classBalancedLoss: argument';
    expect(() => classBalancedLoss([0], x, undefined as unknown as ClassBalancedLossOptions)).toThrow(`${name} 'options.samplesPerClass' is required`);
    expect(() => classBalancedLoss([0], x, { samplesPerClass: [10, 0, 1] })).toThrow(
      `${name} 'options.samplesPerClass' holds 0 for class 1; every count must be a positive integer`,
    );
    expect(() => classBalancedLoss([0], x, { samplesPerClass: [10, 5] })).toThrow(`${name} 'options.samplesPerClass' lists 2 classes but 'logits' has 3`);
    expect(() => classBalancedLoss([0], x, { samplesPerClass: [] })).toThrow(`${name} 'options.samplesPerClass' must list at least one class`);
    expect(() => classBalancedLoss([0], x, { samplesPerClass: counts, beta: -0.1 })).toThrow(`${name} 'options.beta' must lie in [0, 1), got -0.1`);
    expect(() => classBalancedLoss([0], x, { samplesPerClass: counts, beta: 1 })).toThrow(`${name} 'options.beta' must lie in [0, 1), got 1`);
    expect(() => classBalancedLoss([0], x, { samplesPerClass: counts, lossType: 'bce' as 'sigmoid' })).toThrow(
      `${name} 'options.lossType' must be one of 'softmax', 'sigmoid', 'focal', got 'bce'`,
    );
    expect(() => classBalancedLoss([0], x, { samplesPerClass: counts, lossType: 'focal', gamma: -1 })).toThrow(
      `${name} 'options.gamma' must be a finite number >= 0, got -1`,
    );
    expect(() => classBalancedLoss([0], x, { samplesPerClass: counts, gamma: 2 })).toThrow(`${name} 'options.gamma' only applies to lossType 'focal', not 'softmax'`);
    expect(() => classBalancedLoss([0], [0, 1, 2], { samplesPerClass: counts })).toThrow(`${name} 'logits' must have shape [B, C], got [3]`);
    expect(() => classBalancedLoss([0, 1], x, { samplesPerClass: counts })).toThrow(`${name} 'targets' must hold 1 class ids (shape [1]), got shape [2]`);
    expect(() => classBalancedLoss([3], x, { samplesPerClass: counts })).toThrow(`${name} 'targets' holds class id 3 at flat index 0, outside [0, 2]`);
    expect(() => classBalancedLoss([0], [[0, Number.POSITIVE_INFINITY, 1]], { samplesPerClass: counts })).toThrow(`${name} 'logits' must be finite, got Infinity`);
    expect(() => classBalancedLoss([0], x, { samplesPerClass: counts, lossType: 'sigmoid', weights: [-2] })).toThrow(
      `${name} 'options.weights' must be non-negative, got -2 at flat index 0`,
    );
    expect(() => classBalancedLoss([0], x, { samplesPerClass: counts, reduction: 'sum', avgFactor: 3 })).toThrow(
      `${name} 'options.avgFactor' only applies to reduction 'mean', not 'sum'`,
    );
  });
});
