import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { asymmetricLossSingleLabel, type AsymmetricLossSingleLabelOptions } from './asl-single-label.js';
import { softmaxCrossEntropy } from './softmax-cross-entropy.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { checkGradient } from './test-support/gradient-check.js';
import { expectNoLeak, stepAndEvaluation } from './test-support/leak-check.js';
import { intArray, makeRandom, maxRelativeError, uniformArray } from './test-support/random-inputs.js';

const B = 7;
const C = 4;
const SHAPE: [number, number] = [B, C];
const random = makeRandom(23);
const X = uniformArray(random, B * C, -4, 4);
const Y = intArray(random, B, C);

interface RefOptions {
  readonly gammaPos: number;
  readonly gammaNeg: number;
  readonly eps: number;
}
const DEFAULTS: RefOptions = { gammaPos: 0, gammaNeg: 4, eps: 0.1 };

/**
 * Float64 transcription of `ASLSingleLabel.forward` (Alibaba-MIIL/ASL): log_softmax, xs_pos = exp(log p)·t,
 * xs_neg = (1 − exp(log p))·(1 − t), w = (1 − xs_pos − xs_neg)^{γ+·t + γ−·(1 − t)}, smoothed targets, −Σ over classes.
 */
function reference(x: readonly number[], y: readonly number[], o: RefOptions): number[] {
  return y.map((label, i) => {
    const row = x.slice(i * C, (i + 1) * C);
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
    let loss = 0;
    row.forEach((v, j) => {
      const logP = v - lse;
      const t = j === label ? 1 : 0;
      const xsPos = Math.exp(logP) * t;
      const xsNeg = (1 - Math.exp(logP)) * (1 - t);
      const w = (1 - xsPos - xsNeg) ** (o.gammaPos * t + o.gammaNeg * (1 - t));
      const smoothed = t * (1 - o.eps) + o.eps / C;
      loss -= smoothed * logP * w;
    });
    return loss;
  });
}

const sum = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0);

function referenceGradientOfMean(x: readonly number[], o: RefOptions): number[] {
  const h = 1e-6;
  return x.map((_, i) => {
    const plus = [...x];
    const minus = [...x];
    plus[i] = (plus[i] ?? 0) + h;
    minus[i] = (minus[i] ?? 0) - h;
    return (sum(reference(plus, Y, o)) - sum(reference(minus, Y, o))) / (2 * h * B);
  });
}

function run(options: AsymmetricLossSingleLabelOptions, x: readonly number[] = X, y: readonly number[] = Y, shape: number[] = SHAPE): Float32Array {
  return tf.tidy(() => asymmetricLossSingleLabel(y, tf.tensor(x, shape), options).dataSync() as Float32Array);
}

function gradient(options: AsymmetricLossSingleLabelOptions, x: readonly number[] = X, y: readonly number[] = Y, shape: number[] = SHAPE): Float32Array {
  return tf.tidy(() => tf.grad((v: tf.Tensor) => asymmetricLossSingleLabel(y, v, options))(tf.tensor(x, shape)).dataSync() as Float32Array);
}

describe.each(TEST_BACKENDS)('asymmetricLossSingleLabel on %s', (backend) => {
  it('matches the float64 reference per sample, with the defaults and with every option changed', async () => {
    await useBackend(backend);
    expect(maxRelativeError(run({ reduction: 'none' }), reference(X, Y, DEFAULTS))).toBeLessThan(1e-5);
    const other = { gammaPos: 1.5, gammaNeg: 2, eps: 0.3 };
    const options = { gammaPos: 1.5, gammaNeg: 2, labelSmoothing: 0.3, reduction: 'none' as const };
    expect(maxRelativeError(run(options), reference(X, Y, other))).toBeLessThan(1e-5);
  });

  it('defaults to the batch mean; sum, weights and avgFactor reduce as documented', async () => {
    await useBackend(backend);
    const ref = reference(X, Y, DEFAULTS);
    const w = [1, 0, 2, 0.5, 1, 3, 1];
    const weighted = sum(ref.map((l, i) => l * (w[i] ?? 0)));
    const [mean, total, wMean, wOver, avg] = [
      run({}),
      run({ reduction: 'sum' }),
      run({ weights: w }),
      run({ weights: w, reduction: 'sumOverWeights' }),
      run({ reduction: 'mean', avgFactor: 3 }),
    ].map((v) => v[0] ?? Number.NaN);
    expect(maxRelativeError([mean ?? 0, total ?? 0, avg ?? 0], [sum(ref) / B, sum(ref), sum(ref) / 3])).toBeLessThan(1e-5);
    expect(maxRelativeError([wMean ?? 0, wOver ?? 0], [weighted / B, weighted / sum(w)])).toBeLessThan(1e-5);
  });

  it('is plain cross-entropy without smoothing (gammaNeg then acts on nothing) and with all gammas 0', async () => {
    await useBackend(backend);
    const ce = tf.tidy(() => softmaxCrossEntropy(Y, tf.tensor2d(X, SHAPE)).dataSync()[0] ?? Number.NaN);
    const noSmoothing = run({ labelSmoothing: 0 })[0] ?? Number.NaN;
    expect(maxRelativeError([noSmoothing], [ce])).toBeLessThan(1e-6);
    const smoothedCe = tf.tidy(() => softmaxCrossEntropy(Y, tf.tensor2d(X, SHAPE), { labelSmoothing: 0.1 }).dataSync()[0] ?? Number.NaN);
    expect(maxRelativeError([run({ gammaNeg: 0 })[0] ?? Number.NaN], [smoothedCe])).toBeLessThan(1e-6);
  });

  it('differentiates through the focusing weights: reference gradient and a finite-difference check', async () => {
    await useBackend(backend);
    expect(maxRelativeError(gradient({}), referenceGradientOfMean(X, DEFAULTS), 1e-4)).toBeLessThan(1e-4);
    const other = { gammaPos: 1.5, gammaNeg: 2, eps: 0.3 };
    const grad = gradient({ gammaPos: 1.5, gammaNeg: 2, labelSmoothing: 0.3 });
    expect(maxRelativeError(grad, referenceGradientOfMean(X, other), 1e-4)).toBeLessThan(1e-4);
    const { worstExcess } = checkGradient((v) => asymmetricLossSingleLabel(Y, v, { gammaPos: 1, reduction: 'sum' }), X, SHAPE);
    expect(worstExcess).toBeLessThanOrEqual(0);
  });

  it('keeps finite values and gradients at logits of ±50, and the precision of a tiny loss', async () => {
    await useBackend(backend);
    const x = [50, -50, 0, -50, 50, 50, 0, 0, 50, 50, -50, -50];
    const y = [0, 0, 2, 1];
    const shape = [4, 3];
    for (const gammaPos of [0, 1, 0.5]) {
      const values = tf.tidy(() => asymmetricLossSingleLabel(y, tf.tensor(x, shape), { gammaPos, reduction: 'none' }).dataSync());
      const grad = gradient({ gammaPos }, x, y, shape);
      expect(Array.from(values).every(Number.isFinite)).toBe(true);
      expect(Array.from(grad).every(Number.isFinite)).toBe(true);
    }
    // Every row against the float64 transcription (whose own 1 − exp(log p) rounds the ~1e-22 losses to 0: floor 1e-6).
    const C3 = 3;
    const rows = y.map((label, i) => {
      const row = x.slice(i * C3, (i + 1) * C3);
      const lse = Math.max(...row) + Math.log(row.reduce((acc, v) => acc + Math.exp(v - Math.max(...row)), 0));
      return -row.reduce((acc, v, j) => {
        const logP = v - lse;
        const w = j === label ? 1 : Math.exp(logP) ** 4;
        return acc + ((j === label ? 0.9 : 0) + 0.1 / C3) * w * logP;
      }, 0);
    });
    const values = tf.tidy(() => asymmetricLossSingleLabel(y, tf.tensor(x, shape), { reduction: 'none' }).dataSync());
    expect(maxRelativeError(values, rows, 1e-6)).toBeLessThan(1e-5);
    // Row [50, 0, 0], label 0, ε = 0: loss = −log p_0 = log(1 + 2e^{−50}) ≈ 3.9e-22, not 0.
    const tiny = run({ labelSmoothing: 0, reduction: 'none' }, [50, 0, 0], [0], [1, 3]);
    expect(maxRelativeError(tiny, [Math.log1p(2 * Math.exp(-50))])).toBeLessThan(1e-5);
  });

  it('leaves no tensors behind after a gradient step and an evaluation (outside tf.tidy)', async () => {
    await useBackend(backend);
    const x = tf.tensor2d(X, SHAPE);
    expectNoLeak(() => stepAndEvaluation((v) => asymmetricLossSingleLabel(Y, v, { gammaPos: 1, weights: [1, 2, 3, 4, 5, 6, 7] }), x));
    x.dispose();
  });
});

describe('asymmetricLossSingleLabel argument checks', () => {
  it('names the loss and the argument', async () => {
    await useBackend('cpu');
    const x = [[0, 1, 2]];
    const name = 'asymmetricLossSingleLabel: argument';
    expect(() => asymmetricLossSingleLabel([0], [0, 1, 2])).toThrow(`${name} 'logits' must have shape [B, C], got [3]`);
    expect(() => asymmetricLossSingleLabel([0, 1], x)).toThrow(`${name} 'targets' must hold 1 class ids (shape [1]), got shape [2]`);
    expect(() => asymmetricLossSingleLabel([3], x)).toThrow(`${name} 'targets' holds class id 3 at flat index 0, outside [0, 2] for 3 classes`);
    expect(() => asymmetricLossSingleLabel([0.5], x)).toThrow(`${name} 'targets' must hold integer class ids, got 0.5 at flat index 0`);
    expect(() => asymmetricLossSingleLabel([0], [[0, Number.NaN, 1]])).toThrow(`${name} 'logits' must be finite, got NaN at flat index 1`);
    expect(() => asymmetricLossSingleLabel([0], x, { gammaPos: -0.5 })).toThrow(`${name} 'options.gammaPos' must be a finite number >= 0, got -0.5`);
    expect(() => asymmetricLossSingleLabel([0], x, { gammaNeg: -1 })).toThrow(`${name} 'options.gammaNeg' must be a finite number >= 0, got -1`);
    expect(() => asymmetricLossSingleLabel([0], x, { labelSmoothing: 1.5 })).toThrow(`${name} 'options.labelSmoothing' must be in [0, 1], got 1.5`);
    expect(() => asymmetricLossSingleLabel([0], x, { weights: [-1] })).toThrow(`${name} 'options.weights' must be non-negative, got -1 at flat index 0`);
    expect(() => asymmetricLossSingleLabel([0], x, { reduction: 'sum', avgFactor: 2 })).toThrow(`${name} 'options.avgFactor' only applies to reduction 'mean'`);
  });
});
