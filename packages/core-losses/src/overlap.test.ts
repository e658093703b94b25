import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { jaccardLoss, softDiceLoss, tverskyLoss } from './overlap.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { checkGradient, checkGradientAgainst64 } from './test-support/gradient-check.js';
import { expectNoLeak, stepAndEvaluation } from './test-support/leak-check.js';
import { intArray, makeRandom, maxRelativeError, uniformArray } from './test-support/random-inputs.js';
import { logSoftmax64, rows, sum64 } from './test-support/reference64.js';

const [B, H, W, C] = [2, 3, 4, 3];
const SHAPE = [B, H, W, C];
const PIXELS = B * H * W;
const random = makeRandom(66);
const X = uniformArray(random, PIXELS * C, -3, 3);
// Rare class 1: two pixels in the whole batch.
const LABELS: number[] = intArray(random, PIXELS, 2).map((v) => (v === 1 ? 2 : 0));
LABELS[5] = 1;
LABELS[17] = 1;
const ONE_HOT = LABELS.flatMap((label) => Array.from({ length: C }, (_, c) => (c === label ? 1 : 0)));
const CW = [0.36, 72, 5.9]; // ClimateNet-style [BG, TC, AR] weights

/** Float64 per-class losses 1 − (k·TP + s)/(k·TP + a·FP + b·FN + s + ε), summed over all pixels or per sample. */
function perClass64(k: number, a: number, b: number, s: number, eps: number, perSample: boolean, probs?: number[]): number[] {
  const p = probs ?? rows(X, C).flatMap((row) => logSoftmax64(row).map(Math.exp));
  const groups = perSample ? B : 1;
  const out: number[] = [];
  for (let g = 0; g < groups; g += 1) {
    for (let c = 0; c < C; c += 1) {
      let tp = 0;
      let fp = 0;
      let fn = 0;
      for (let i = 0; i < PIXELS; i += 1) {
        if (perSample && Math.floor(i / (H * W)) !== g) continue;
        const pc = p[i * C + c] ?? Number.NaN;
        const t = LABELS[i] === c ? 1 : 0;
        tp += pc * t;
        fp += pc * (1 - t);
        fn += (1 - pc) * t;
      }
      out.push(1 - (k * tp + s) / (k * tp + a * fp + b * fn + s + eps));
    }
  }
  return out;
}
const weightedMean = (l: number[], w: number[]): number => sum64(l.map((v, i) => v * (w[i % C] ?? 0))) / sum64(l.map((_, i) => w[i % C] ?? 0));

const LOSSES = [
  { name: 'softDiceLoss', f: softDiceLoss, k: 2, a: 1, b: 1 },
  { name: 'jaccardLoss', f: jaccardLoss, k: 1, a: 1, b: 1 },
  { name: 'tverskyLoss', f: tverskyLoss, k: 1, a: 0.3, b: 0.7 },
] as const;

describe.each(TEST_BACKENDS)('overlap losses on %s', (backend) => {
  it.each(LOSSES)('$name matches float64 soft counts over batch and space, with class weights', async ({ f, k, a, b }) => {
    await useBackend(backend);
    const l = perClass64(k, a, b, 0, 1e-7, false);
    const x = (): tf.Tensor => tf.tensor(X, SHAPE);
    const [byDefault, weighted, none, mean, sum, oneHot] = tf.tidy(() => [
      f(Array.from({ length: B }, (_, b) => rows(LABELS.slice(b * H * W, (b + 1) * H * W), W)), x()).dataSync(), // nested ids
      f(tf.tensor(LABELS, [B, H, W], 'int32'), x(), { classWeights: CW }).dataSync(),
      f(tf.tensor(LABELS, [B, H, W], 'int32'), x(), { classWeights: CW, reduction: 'none' }).dataSync(),
      f(tf.tensor(LABELS, [B, H, W], 'int32'), x(), { classWeights: CW, reduction: 'mean' }).dataSync(),
      f(tf.tensor(LABELS, [B, H, W], 'int32'), x(), { classWeights: CW, reduction: 'sum' }).dataSync(),
      f(tf.tensor(ONE_HOT, SHAPE), x(), { classWeights: CW }).dataSync(),
    ]);
    expect(maxRelativeError(byDefault ?? [], [sum64(l) / C])).toBeLessThan(2e-6);
    expect(maxRelativeError(weighted ?? [], [weightedMean(l, CW)])).toBeLessThan(2e-6);
    expect(maxRelativeError(none ?? [], l.map((v, c) => v * (CW[c] ?? 0)))).toBeLessThan(2e-6);
    expect(maxRelativeError(mean ?? [], [sum64(l.map((v, c) => v * (CW[c] ?? 0))) / C])).toBeLessThan(2e-6);
    expect(maxRelativeError(sum ?? [], [sum64(l.map((v, c) => v * (CW[c] ?? 0)))])).toBeLessThan(2e-6);
    const byFactor = tf.tidy(() => f(tf.tensor(LABELS, [B, H, W], 'int32'), x(), { reduction: 'mean', avgFactor: 2 }).dataSync());
    expect(maxRelativeError(byFactor, [sum64(l) / 2])).toBeLessThan(2e-6);
    expect(maxRelativeError(oneHot ?? [], weighted ?? [])).toBeLessThan(1e-6);
  });

  it.each(LOSSES)('$name: per-sample axes, smoothing and probabilities', async ({ f, k, a, b }) => {
    await useBackend(backend);
    const perSample = perClass64(k, a, b, 1, 1e-7, true);
    const probs = rows(X, C).flatMap((row) => logSoftmax64(row).map(Math.exp));
    const fromProbs = perClass64(k, a, b, 0, 1e-5, false, probs);
    const [none, byDefault, probabilities] = tf.tidy(() => [
      f(tf.tensor(LABELS, [B, H, W], 'int32'), tf.tensor(X, SHAPE), { perSample: true, smooth: 1, reduction: 'none' }).dataSync(),
      f(tf.tensor(LABELS, [B, H, W], 'int32'), tf.tensor(X, SHAPE), { perSample: true, smooth: 1, classWeights: CW }).dataSync(),
      f(tf.tensor(LABELS, [B, H, W], 'int32'), tf.tensor(probs, SHAPE), { fromLogits: false, epsilon: 1e-5 }).dataSync(),
    ]);
    expect(maxRelativeError(none ?? [], perSample)).toBeLessThan(2e-6);
    expect(maxRelativeError(byDefault ?? [], [weightedMean(perSample, CW)])).toBeLessThan(2e-6);
    expect(maxRelativeError(probabilities ?? [], [sum64(fromProbs) / C])).toBeLessThan(2e-6);
  });

  it('tversky(½, ½) is Dice with doubled smoothing, tversky(1, 1) is Jaccard', async () => {
    await useBackend(backend);
    const y = (): tf.Tensor => tf.tensor(LABELS, [B, H, W], 'int32');
    const x = (): tf.Tensor => tf.tensor(X, SHAPE);
    const [t05, dice, t11, jac] = tf.tidy(() => [
      tverskyLoss(y(), x(), { alpha: 0.5, beta: 0.5, smooth: 1, epsilon: 1e-7, reduction: 'none' }).dataSync(),
      softDiceLoss(y(), x(), { smooth: 2, epsilon: 2e-7, reduction: 'none' }).dataSync(),
      tverskyLoss(y(), x(), { alpha: 1, beta: 1, reduction: 'none' }).dataSync(),
      jaccardLoss(y(), x(), { reduction: 'none' }).dataSync(),
    ]);
    expect(maxRelativeError(t05 ?? [], Array.from(dice ?? []))).toBeLessThan(1e-6);
    expect(Array.from(t11 ?? [])).toEqual(Array.from(jac ?? []));
  });

  it.each(LOSSES)('$name stays finite at logits of ±50, values and gradients, and is 0 for a perfect prediction', async ({ f }) => {
    await useBackend(backend);
    const x = LABELS.flatMap((label) => Array.from({ length: C }, (_, c) => (c === label ? 50 : -50)));
    const [value, grad] = tf.tidy(() => [
      f(tf.tensor(LABELS, [B, H, W], 'int32'), tf.tensor(x, SHAPE), { classWeights: CW }).dataSync(),
      tf.grad((v: tf.Tensor) => f(tf.tensor(LABELS, [B, H, W], 'int32'), v, { classWeights: CW }))(tf.tensor(x, SHAPE)).dataSync(),
    ]);
    expect(Array.from(grad ?? []).every(Number.isFinite)).toBe(true);
    // e^{−100} below float32: the soft counts are exact, the loss is ε / (k·TP + ε) ≈ 1e-7 / count.
    expect(value?.[0]).toBeGreaterThanOrEqual(0);
    expect(value?.[0]).toBeLessThan(1e-7);
    const wrong = x.map((v) => -v);
    const [bad, badGrad] = tf.tidy(() => [
      f(tf.tensor(LABELS, [B, H, W], 'int32'), tf.tensor(wrong, SHAPE)).dataSync(),
      tf.grad((v: tf.Tensor) => f(tf.tensor(LABELS, [B, H, W], 'int32'), v))(tf.tensor(wrong, SHAPE)).dataSync(),
    ]);
    expect(bad?.[0]).toBeCloseTo(1, 5);
    expect(Array.from(badGrad ?? []).every(Number.isFinite)).toBe(true);
  });

  // The gradient's entries span 3e-6 … 4e-2 (a third are below 1e-3), so the check is relative to the gradient's scale
  // (max |∂L/∂x|) and to each entry, against central differences of the float64 reference (whose own error is ~1e-10):
  // float32 gradients agree to ~1.5e-7·max and ~1e-5 relative on every entry (cpu and wasm).
  const GRADIENT_TOLERANCE = { scaleTol: 2e-6, rtol: 1e-4 };
  const loss64 = (k: number, a: number, b: number) => (x: Float64Array): number =>
    weightedMean(perClass64(k, a, b, 0.5, 1e-7, false, rows(Array.from(x), C).flatMap((row) => logSoftmax64(row).map(Math.exp))), CW);

  it.each(LOSSES)('$name passes a finite-difference gradient check relative to the gradient\'s scale', async ({ f, k, a, b }) => {
    await useBackend(backend);
    const { worstExcess, scale } = checkGradientAgainst64(
      (v) => f(tf.tensor(LABELS, [B, H, W], 'int32'), v, { classWeights: CW, smooth: 0.5 }),
      X,
      SHAPE,
      loss64(k, a, b),
      GRADIENT_TOLERANCE,
    );
    expect(scale).toBeGreaterThan(1e-2);
    expect(worstExcess).toBeLessThanOrEqual(0);
  });

  it('the gradient check catches a 5 % error confined to the small entries (an absolute 1e-3 tolerance did not)', async () => {
    await useBackend(backend);
    const { f, k, a, b } = LOSSES[0];
    const y = tf.tensor(LABELS, [B, H, W], 'int32');
    // The true loss whose gradient at X (the only point where the checks take the analytic gradient) is scaled by
    // 1.05 wherever |∂L/∂x| < 1e-3.
    const opts = { classWeights: CW, smooth: 0.5 };
    const skewedGrad = tf.tidy(() => {
      const g = tf.grad((v: tf.Tensor) => f(y, v, opts))(tf.tensor(X, SHAPE));
      return tf.where(tf.less(tf.abs(g), 1e-3), tf.mul(g, 1.05), g);
    });
    const skewed = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => ({
      value: f(y, inputs[0] as tf.Tensor, opts),
      gradFunc: (dy: tf.Tensor) => tf.mul(dy, skewedGrad),
    }));
    const wrapped = (v: tf.Tensor): tf.Tensor => skewed(v);
    expect(checkGradientAgainst64(wrapped, X, SHAPE, loss64(k, a, b), GRADIENT_TOLERANCE).worstExcess).toBeGreaterThan(0);
    // The former check (float32 differences, |analytic − numeric| ≤ 1e-3 + 1e-2·|numeric|) let it through.
    expect(checkGradient(wrapped, X, SHAPE, { h: 1e-2, atol: 1e-3, rtol: 1e-2 }).worstExcess).toBeLessThanOrEqual(0);
    tf.dispose([y, skewedGrad]);
  });

  it('leaves no tensors behind after a gradient step and an evaluation (outside tf.tidy)', async () => {
    await useBackend(backend);
    const x = tf.tensor(X, SHAPE);
    const y = tf.tensor(LABELS, [B, H, W], 'int32');
    for (const { f } of LOSSES) expectNoLeak(() => stepAndEvaluation((v) => f(y, v, { classWeights: CW, perSample: true }), x));
    x.dispose();
    y.dispose();
  });
});

describe('overlap loss argument checks', () => {
  it.each(LOSSES)('$name names the loss and the argument', async ({ name, f }) => {
    await useBackend('cpu');
    const x = [[[0.1, 0.2, 0.3]]]; // [1, 1, 3]
    expect(() => f([[3]], x)).toThrow(`${name}: argument 'targets' holds class id 3 at flat index 0, outside [0, 2] for 3 classes`);
    expect(() => f([[0, 1]], x)).toThrow(new RegExp(`^${name}: argument 'targets' holds class ids, so it must have shape \\[1,1\\]`));
    expect(() => f([[[1, 0]]], x)).toThrow(new RegExp(`^${name}: argument 'targets' must have the shape of 'predictions' \\[1,1,3\\]`));
    expect(() => f([0], [0.1, 0.2, 0.3])).toThrow(new RegExp(`^${name}: argument 'predictions' must have rank >= 2`));
    expect(() => f([[0]], [[[Number.NaN, 0, 0]]])).toThrow(new RegExp(`^${name}: argument 'predictions' must be finite`));
    expect(() => f([[0]], [[[1.5, 0, 0]]], { fromLogits: false })).toThrow(new RegExp(`^${name}: argument 'predictions' must lie in \\[0, 1\\]`));
    expect(() => f([[0]], x, { classWeights: [1, 2] })).toThrow(new RegExp(`^${name}: argument 'options.classWeights' must be a vector of 3 values`));
    expect(() => f([[0]], x, { classWeights: [1, -2, 1] })).toThrow(new RegExp(`^${name}: argument 'options.classWeights' must hold finite, non-negative`));
    expect(() => f([[0]], x, { smooth: -1 })).toThrow(new RegExp(`^${name}: argument 'options.smooth' must be a finite number >= 0`));
    expect(() => f([[0]], x, { epsilon: -1e-7 })).toThrow(new RegExp(`^${name}: argument 'options.epsilon' must be a finite number >= 0`));
    expect(() => f([[0]], x, { epsilon: 0 })).toThrow(new RegExp(`^${name}: argument 'options.epsilon' and options.smooth must not both be 0`));
    expect(() => tf.tidy(() => f([[0]], [[[1.5, 0, 0]]], { fromLogits: false, validate: false }))).not.toThrow();
    expect(() => f([[0]], x, { perSample: 'yes' as never })).toThrow(new RegExp(`^${name}: argument 'options.perSample' must be true or false`));
  });

  it('tverskyLoss rejects negative alpha and beta', async () => {
    await useBackend('cpu');
    expect(() => tverskyLoss([[0]], [[[0, 0, 0]]], { alpha: -0.3 })).toThrow(/^tverskyLoss: argument 'options.alpha' must be a finite number >= 0, got -0.3/);
    expect(() => tverskyLoss([[0]], [[[0, 0, 0]]], { beta: Number.POSITIVE_INFINITY })).toThrow(/^tverskyLoss: argument 'options.beta'/);
  });
});
