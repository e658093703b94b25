import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { asymmetricLoss, type AsymmetricLossOptions } from './asl.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { checkGradient } from './test-support/gradient-check.js';
import { expectNoLeak, stepAndEvaluation } from './test-support/leak-check.js';
import { makeRandom, maxRelativeError, uniformArray } from './test-support/random-inputs.js';

const B = 6;
const C = 5;
const SHAPE: [number, number] = [B, C];
const random = makeRandom(11);
// Logits in [-5, 5], kept 0.05 away from logit(clip) = −2.944 so finite differences never straddle the shift kink.
const X = uniformArray(random, B * C, -5, 5).map((v) => (Math.abs(v + 2.944) < 0.05 ? v + 0.1 : v));
const Y = uniformArray(random, B * C, 0, 1).map((v) => (v > 0.6 ? 1 : 0));

interface RefOptions {
  readonly gammaPos: number;
  readonly gammaNeg: number;
  readonly clip: number;
  readonly eps: number;
}
const REPO_DEFAULT: RefOptions = { gammaPos: 1, gammaNeg: 4, clip: 0.05, eps: 1e-8 };
const PAPER: RefOptions = { gammaPos: 0, gammaNeg: 4, clip: 0.05, eps: 1e-8 };

const sig = (v: number): number => 1 / (1 + Math.exp(-v));

/** The reference's one_sided_w = (1 − pt)^{γ+·y + γ−·(1 − y)}, pt = xs_pos·y + xs_neg·(1 − y) (1 without focusing). */
function focusingWeight(xi: number, yi: number, o: RefOptions): number {
  if (!(o.gammaPos > 0 || o.gammaNeg > 0)) return 1;
  const xsPos = sig(xi);
  const xsNeg = o.clip > 0 ? Math.min(1 - xsPos + o.clip, 1) : 1 - xsPos;
  const pt = xsPos * yi + xsNeg * (1 - yi);
  return (1 - pt) ** (o.gammaPos * yi + o.gammaNeg * (1 - yi));
}

/**
 * Float64 transcription of `AsymmetricLoss.forward` (Alibaba-MIIL/ASL), element by element, written from the
 * reference code: xs_pos = σ(x), xs_neg = min(1 − σ(x) + clip, 1), log(clamp(·, eps)), times one_sided_w.
 * `frozenAt` evaluates the focusing weight at other logits (the detached weight of a finite-difference step).
 */
function reference(x: readonly number[], y: readonly number[], o: RefOptions, frozenAt: readonly number[] = x): number[] {
  return x.map((xi, i) => {
    const yi = y[i] ?? 0;
    const xsPos = sig(xi);
    const xsNeg = o.clip > 0 ? Math.min(1 - xsPos + o.clip, 1) : 1 - xsPos;
    const loss = yi * Math.log(Math.max(xsPos, o.eps)) + (1 - yi) * Math.log(Math.max(xsNeg, o.eps));
    return -loss * focusingWeight(frozenAt[i] ?? 0, yi, o);
  });
}

const sum = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0);

/** Float64 central differences of the summed reference; `detached` freezes the focusing weight at `x`. */
function referenceGradient(x: readonly number[], y: readonly number[], o: RefOptions, detached: boolean): number[] {
  const h = 1e-6;
  return x.map((_, i) => {
    const plus = [...x];
    const minus = [...x];
    plus[i] = (plus[i] ?? 0) + h;
    minus[i] = (minus[i] ?? 0) - h;
    const fp = sum(reference(plus, y, o, detached ? x : plus));
    const fm = sum(reference(minus, y, o, detached ? x : minus));
    return (fp - fm) / (2 * h);
  });
}

function lossValues(y: readonly number[], x: readonly number[], options: AsymmetricLossOptions, shape: number[] = SHAPE): Float32Array {
  return tf.tidy(() => asymmetricLoss(tf.tensor(y, shape), tf.tensor(x, shape), options).dataSync() as Float32Array);
}

function lossGradient(y: readonly number[], x: readonly number[], options: AsymmetricLossOptions, shape: number[] = SHAPE): Float32Array {
  return tf.tidy(
    () => tf.grad((v: tf.Tensor) => asymmetricLoss(tf.tensor(y, shape), v, options))(tf.tensor(x, shape)).dataSync() as Float32Array,
  );
}

describe.each(TEST_BACKENDS)('asymmetricLoss on %s', (backend) => {
  it('matches the float64 reference element by element for the repo-default and paper settings', async () => {
    await useBackend(backend);
    for (const o of [REPO_DEFAULT, PAPER]) {
      const none = lossValues(Y, X, { ...o, reduction: 'none' });
      expect(maxRelativeError(none, reference(X, Y, o))).toBeLessThan(2e-5);
    }
  });

  it('defaults to the reference SUM (paper setting), and mean / avgFactor / weights reduce as documented', async () => {
    await useBackend(backend);
    const ref = reference(X, Y, PAPER);
    const total = sum(ref);
    const rowWeights = [1, 0.5, 2, 0, 3, 1];
    const weighted = sum(ref.map((l, i) => l * (rowWeights[Math.floor(i / C)] ?? 0)));
    const [byDefault, mean, avg, sumW, overW] = [
      lossValues(Y, X, {}),
      lossValues(Y, X, { reduction: 'mean' }),
      lossValues(Y, X, { reduction: 'mean', avgFactor: 7 }),
      lossValues(Y, X, { weights: rowWeights }),
      lossValues(Y, X, { weights: rowWeights, reduction: 'sumOverWeights' }),
    ].map((v) => v[0] ?? Number.NaN);
    expect(maxRelativeError([byDefault ?? 0], [total])).toBeLessThan(1e-5);
    expect(maxRelativeError([mean ?? 0, avg ?? 0], [total / (B * C), total / 7])).toBeLessThan(1e-5);
    expect(maxRelativeError([sumW ?? 0, overW ?? 0], [weighted, weighted / (sum(rowWeights) * C)])).toBeLessThan(1e-5);
  });

  it('detached (default) and differentiated focusing weights give equal values and the reference gradients', async () => {
    await useBackend(backend);
    for (const o of [REPO_DEFAULT, PAPER]) {
      const [detachedValue, differentiatedValue] = [true, false].map((d) => lossValues(Y, X, { ...o, detachFocusingWeight: d })[0]);
      expect(detachedValue).toBe(differentiatedValue);
      const detached = lossGradient(Y, X, o);
      const differentiated = lossGradient(Y, X, { ...o, detachFocusingWeight: false });
      expect(maxRelativeError(detached, referenceGradient(X, Y, o, true), 1e-4)).toBeLessThan(1e-4);
      expect(maxRelativeError(differentiated, referenceGradient(X, Y, o, false), 1e-4)).toBeLessThan(1e-4);
      // The two gradients genuinely differ (the weight's derivative is not negligible here).
      expect(maxRelativeError(detached, differentiated, 1e-4)).toBeGreaterThan(0.05);
    }
  });

  it('passes a finite-difference check: differentiated directly, detached against the frozen-weight function', async () => {
    await useBackend(backend);
    const t = tf.tensor2d(Y, SHAPE);
    const differentiated = checkGradient((v) => asymmetricLoss(t, v, { ...REPO_DEFAULT, detachFocusingWeight: false }), X, SHAPE);
    expect(differentiated.worstExcess).toBeLessThanOrEqual(0);
    // The detached gradient is the gradient of Σ L(x)·w(x₀) with w(x₀) constant: the loss with γ = 0, weighted by the
    // reference focusing weights at x₀.
    const frozen = X.map((xi, i) => focusingWeight(xi, Y[i] ?? 0, REPO_DEFAULT));
    const frozenOptions = { ...REPO_DEFAULT, gammaPos: 0, gammaNeg: 0, weights: tf.tensor2d(frozen, SHAPE) };
    const frozenCheck = checkGradient((v) => asymmetricLoss(t, v, frozenOptions), X, SHAPE);
    expect(frozenCheck.worstExcess).toBeLessThanOrEqual(0);
    expect(maxRelativeError(lossGradient(Y, X, REPO_DEFAULT), frozenCheck.analytic, 1e-4)).toBeLessThan(1e-4);
    t.dispose();
    frozenOptions.weights.dispose();
  });

  it('gives exactly zero loss and gradient where the reference clamps', async () => {
    await useBackend(backend);
    // negatives with p < clip (x < −2.944), a positive with p < eps (x = −30), and ordinary elements for contrast.
    const x = [-3.5, -10, -30, -30, 2, 1];
    const y = [0, 0, 1, 1, 1, 0];
    const shape = [6];
    const o = { ...PAPER, reduction: 'none' as const };
    const values = lossValues(y, x, o, shape);
    expect(Array.from(values.slice(0, 2))).toEqual([0, 0]);
    expect(values[2]).toBeCloseTo(-Math.log(1e-8), 5);
    for (const detach of [true, false]) {
      const grad = lossGradient(y, x, { ...PAPER, detachFocusingWeight: detach }, shape);
      expect(Array.from(grad.slice(0, 4))).toEqual([0, 0, 0, 0]);
      expect(Math.abs(grad[4] ?? 0)).toBeGreaterThan(0);
      expect(Math.abs(grad[5] ?? 0)).toBeGreaterThan(0);
    }
    // With gammaPos 1 the differentiated weight (1 − p) still moves a clamped positive, by −log(eps)·σ(x)σ(−x).
    const moving = lossGradient(y, x, { ...REPO_DEFAULT, detachFocusingWeight: false }, shape);
    const s = 1 / (1 + Math.exp(30));
    expect(maxRelativeError([moving[2] ?? 0], [Math.log(1e-8) * -1 * -s * (1 - s)])).toBeLessThan(1e-4);
  });

  it('turns the shift off with clip 0 or null, and the clamp off with eps 0; follows the formula for soft targets', async () => {
    await useBackend(backend);
    const noShift = { ...REPO_DEFAULT, clip: 0 };
    const expected = reference(X, Y, noShift);
    expect(maxRelativeError(lossValues(Y, X, { ...noShift, reduction: 'none' }), expected)).toBeLessThan(2e-5);
    expect(maxRelativeError(lossValues(Y, X, { ...REPO_DEFAULT, clip: null, reduction: 'none' }), expected)).toBeLessThan(2e-5);
    const noClamp = { ...PAPER, eps: 0 };
    expect(maxRelativeError(lossValues(Y, X, { ...noClamp, reduction: 'none' }), reference(X, Y, noClamp))).toBeLessThan(2e-5);
    const soft = Y.map((v, i) => (i % 3 === 0 ? 0.3 : v));
    expect(maxRelativeError(lossValues(soft, X, { ...REPO_DEFAULT, reduction: 'none' }), reference(X, soft, REPO_DEFAULT))).toBeLessThan(2e-5);
    expect(maxRelativeError(lossGradient(soft, X, REPO_DEFAULT), referenceGradient(X, soft, REPO_DEFAULT, true), 1e-4)).toBeLessThan(1e-4);
    // No focusing at all (both gammas 0): the clipped, clamped binary cross-entropy.
    const plain = { ...PAPER, gammaNeg: 0 };
    expect(maxRelativeError(lossValues(Y, X, { ...plain, reduction: 'none' }), reference(X, Y, plain))).toBeLessThan(2e-5);
  });

  it('keeps finite values and gradients, and relative precision, at logits of ±50', async () => {
    await useBackend(backend);
    const x = [50, -50, 50, -50, 30, -30, 90, -90];
    const y = [1, 0, 0, 1, 1, 0, 1, 0];
    const shape = [8];
    for (const o of [REPO_DEFAULT, PAPER, { ...PAPER, clip: 0 }, { ...REPO_DEFAULT, gammaPos: 0.5, gammaNeg: 0.5 }]) {
      for (const detach of [true, false]) {
        const values = lossValues(y, x, { ...o, reduction: 'none', detachFocusingWeight: detach }, shape);
        const grad = lossGradient(y, x, { ...o, detachFocusingWeight: detach }, shape);
        expect(Array.from(values).every(Number.isFinite)).toBe(true);
        expect(Array.from(grad).every(Number.isFinite)).toBe(true);
      }
    }
    // Positive at +50: L = softplus(−50)·σ(−50)^γ+ ≈ 1.9e-22 (paper setting γ+ = 0) — not rounded to 0; its gradient
    // −σ(−50) likewise. Negative at +50 with the shift: −log(0.05 + σ(−50))·0.95⁴.
    const values = lossValues(y, x, { ...PAPER, reduction: 'none' }, shape);
    const grad = lossGradient(y, x, PAPER, shape);
    const tiny = Math.exp(-50);
    expect(maxRelativeError([values[0] ?? 0, grad[0] ?? 0], [tiny, -tiny])).toBeLessThan(1e-5);
    expect(maxRelativeError([values[2] ?? 0], [-Math.log(0.05) * 0.95 ** 4])).toBeLessThan(1e-5);
    // Repo setting (γ+ = 1): positive at +30 has L = softplus(−30)·σ(−30), about 8.8e-27.
    const repo = lossValues(y, x, { ...REPO_DEFAULT, reduction: 'none' }, shape);
    const s30 = 1 / (1 + Math.exp(30));
    expect(maxRelativeError([repo[4] ?? 0], [Math.log1p(Math.exp(-30)) * s30])).toBeLessThan(1e-5);
  });

  it('leaves no tensors behind after a gradient step and an evaluation (outside tf.tidy), in both gradient modes', async () => {
    await useBackend(backend);
    const x = tf.tensor2d(X, SHAPE);
    const y = tf.tensor2d(Y, SHAPE);
    for (const detach of [true, false]) {
      expectNoLeak(() => stepAndEvaluation((v) => asymmetricLoss(y, v, { detachFocusingWeight: detach, weights: [1, 2, 3, 4, 5, 6] }), x));
    }
    tf.dispose([x, y]);
  });
});

describe('asymmetricLoss argument checks', () => {
  it('names the loss and the argument', async () => {
    await useBackend('cpu');
    expect(() => asymmetricLoss([1, 0], [0.1])).toThrow("asymmetricLoss: argument 'targets' must have the shape of 'logits' [1], got [2]");
    expect(() => asymmetricLoss(1, 0.1)).toThrow("asymmetricLoss: argument 'logits' must have rank >= 1, got a scalar");
    expect(() => asymmetricLoss([1.5], [0.1])).toThrow(/asymmetricLoss: argument 'targets' must lie in \[0, 1\], got 1.5/);
    expect(() => asymmetricLoss([1], [Number.NaN])).toThrow(/asymmetricLoss: argument 'logits' must be finite, got NaN/);
    expect(() => asymmetricLoss([1], [0], { gammaPos: -1 })).toThrow(/asymmetricLoss: argument 'options.gammaPos' must be a finite number >= 0, got -1/);
    expect(() => asymmetricLoss([1], [0], { gammaNeg: Number.POSITIVE_INFINITY })).toThrow(
      /asymmetricLoss: argument 'options.gammaNeg' must be a finite number >= 0, got Infinity/,
    );
    expect(() => asymmetricLoss([1], [0], { clip: 1 })).toThrow(/asymmetricLoss: argument 'options.clip' must be in \[0, 1\).*got 1$/);
    expect(() => asymmetricLoss([1], [0], { clip: -0.1 })).toThrow(/asymmetricLoss: argument 'options.clip' must be in \[0, 1\)/);
    expect(() => asymmetricLoss([1], [0], { eps: 1 })).toThrow(/asymmetricLoss: argument 'options.eps' must be in \[0, 1\), got 1/);
    expect(() => asymmetricLoss([1], [0], { detachFocusingWeight: 'yes' as unknown as boolean })).toThrow(
      /asymmetricLoss: argument 'options.detachFocusingWeight' must be true or false, got yes/,
    );
    expect(() => asymmetricLoss([1], [0], { reduction: 'avg' as 'mean' })).toThrow(/asymmetricLoss: argument 'options.reduction' must be one of/);
    expect(() => asymmetricLoss([1], [0], { avgFactor: 2 })).toThrow(/asymmetricLoss: argument 'options.avgFactor' only applies to reduction 'mean', not 'sum'/);
    expect(() => asymmetricLoss([1, 0], [0, 0], { weights: [-1, 1] })).toThrow(/asymmetricLoss: argument 'options.weights' must be non-negative/);
    expect(() => asymmetricLoss([[1, 0]], [[0, 0]], { weights: [1, 1, 1] })).toThrow(/asymmetricLoss: argument 'options.weights' of shape \[3,1\] .*does not broadcast/);
  });
});
