import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { classificationAidedRegressionLoss } from './classification-aided-regression.js';
import { parseTargetBins } from './target-bins.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { checkGradientAgainst64 } from './test-support/gradient-check.js';
import { expectNoLeak } from './test-support/leak-check.js';
import { makeRandom, maxRelativeError, uniformArray } from './test-support/random-inputs.js';
import { crossEntropy64 } from './test-support/reference64.js';
import { scalarOf } from './test-support/tensors.js';

const B = 6;
const C = 4;
const BINS = parseTargetBins({ edges: [0, 1, 2, 5, 10] });
const random = makeRandom(13);
const Y = [0.2, 1.5, 4.9, 5, 9.99, 12].map(Math.fround);
const P = Y.map((y) => Math.fround(y + (random() - 0.5) * 3));
const Z = uniformArray(random, B * C, -3, 3).map(Math.fround);
const CLASSES = [0, 1, 2, 3, 3, 3];

/** Float64 per-sample w_reg·(ŷ − y)² + λ·CE(z, class(y)), the reference's two PyTorch terms. */
function reference(p: ArrayLike<number>, z: ArrayLike<number>, lambda: number, regressionWeight: number): number[] {
  return Y.map((y, i) => regressionWeight * ((p[i] ?? 0) - y) ** 2 + lambda * crossEntropy64(Array.from(z).slice(i * C, i * C + C), CLASSES[i] ?? 0));
}
const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

describe.each(TEST_BACKENDS)('classificationAidedRegressionLoss on %s', (backend) => {
  it('is MSE + λ·CE of the binned target (mean, none), and the reference form λ_ref·MSE + CE', async () => {
    await useBackend(backend);
    const [m, none, refForm] = tf.tidy(() => {
      const z = tf.tensor2d(Z, [B, C]);
      return [
        scalarOf(classificationAidedRegressionLoss(Y, P, { classLogits: z, bins: BINS, lambda: 0.3 })),
        Array.from(classificationAidedRegressionLoss(Y, P, { classLogits: z, bins: BINS, lambda: 0.3, reduction: 'none' }).dataSync()),
        scalarOf(classificationAidedRegressionLoss(tf.reshape(tf.tensor1d(Y), [B, 1]), tf.tensor2d(P, [B, 1]), { classLogits: z, bins: BINS, regressionWeight: 100 })),
      ];
    });
    expect(maxRelativeError([m], [mean(reference(P, Z, 0.3, 1))])).toBeLessThan(2e-6);
    expect(maxRelativeError(none, reference(P, Z, 0.3, 1))).toBeLessThan(2e-6);
    expect(maxRelativeError([refForm], [mean(reference(P, Z, 1, 100))])).toBeLessThan(2e-6);
  });

  it('passes gradient checks in the regression output and in the class logits', async () => {
    await useBackend(backend);
    const z = tf.tensor2d(Z, [B, C]);
    const inP = checkGradientAgainst64((v) => classificationAidedRegressionLoss(Y, v, { classLogits: z, bins: BINS, lambda: 2 }), P, [B], (x) => mean(reference(x, Z, 2, 1)));
    const inZ = checkGradientAgainst64((v) => classificationAidedRegressionLoss(Y, P, { classLogits: v, bins: BINS, lambda: 2 }), Z, [B, C], (x) => mean(reference(P, x, 2, 1)));
    z.dispose();
    expect(inP.worstExcess).toBeLessThanOrEqual(0);
    expect(inZ.worstExcess).toBeLessThanOrEqual(0);
  });

  it('drops missing targets from both terms and stays exact at logits and errors of ±50', async () => {
    await useBackend(backend);
    const y = Y.map((v, i) => (i === 2 ? Number.NaN : v));
    const mask = Y.map((_, i) => (i === 2 ? 0 : 1));
    const value = tf.tidy(() => scalarOf(classificationAidedRegressionLoss(y, P, { classLogits: tf.tensor2d(Z, [B, C]), bins: BINS, mask })));
    expect(maxRelativeError([value], [mean(reference(P, Z, 1, 1).filter((_, i) => i !== 2))])).toBeLessThan(2e-6);
    const zExtreme = Z.map((_, k) => (k % C === CLASSES[Math.floor(k / C)] ? -50 : 50));
    const pExtreme = Y.map((v, i) => v + (i % 2 === 0 ? 50 : -50));
    const [extreme, grad] = tf.tidy(() => {
      const zt = tf.tensor2d(zExtreme, [B, C]);
      const g = tf.grad((v: tf.Tensor) => classificationAidedRegressionLoss(Y, pExtreme, { classLogits: v, bins: BINS }))(zt);
      return [scalarOf(classificationAidedRegressionLoss(Y, pExtreme, { classLogits: zt, bins: BINS })), Array.from(g.dataSync())];
    });
    expect(maxRelativeError([extreme], [mean(reference(pExtreme, zExtreme, 1, 1))])).toBeLessThan(2e-6);
    expect(grad.every(Number.isFinite)).toBe(true);
  });

  it('leaves no tensors behind after a gradient step and an evaluation', async () => {
    await useBackend(backend);
    const p = tf.tensor1d(P);
    const z = tf.tensor2d(Z, [B, C]);
    expectNoLeak(() => [
      ...tf.grads((a: tf.Tensor, b: tf.Tensor) => classificationAidedRegressionLoss(Y, a, { classLogits: b, bins: BINS, weights: [1, 2, 1, 2, 1, 2] }))([p, z]),
      classificationAidedRegressionLoss(Y, p, { classLogits: z, bins: BINS, mask: [1, 1, 0, 1, 1, 1] }),
    ]);
    tf.dispose([p, z]);
  });
});

describe('classificationAidedRegressionLoss argument checks', () => {
  it('name the loss and the argument', async () => {
    await useBackend('cpu');
    const z = [[0, 0, 0, 0]];
    const loss = 'classificationAidedRegressionLoss';
    expect(() => classificationAidedRegressionLoss([1], [1], { bins: BINS } as never)).toThrow(`${loss}: argument 'options.classLogits' is required`);
    expect(() => classificationAidedRegressionLoss([1], [1], { classLogits: z } as never)).toThrow(/'options.bins' is required/);
    expect(() => classificationAidedRegressionLoss([1], [1], { classLogits: z, bins: { kind: 'targetBins', edges: [2, 1] } })).toThrow(/'options.bins' is not valid/);
    expect(() => classificationAidedRegressionLoss([1], [1], { classLogits: [[0, 0]], bins: BINS })).toThrow(/'options.classLogits' must have shape \[1, 4\]/);
    expect(() => classificationAidedRegressionLoss([1], [1], { classLogits: z, bins: BINS, lambda: -1 })).toThrow(/'options.lambda' must be a finite number >= 0/);
    expect(() => classificationAidedRegressionLoss([[1, 2]], [[1, 2]], { classLogits: z, bins: BINS })).toThrow(/'predictions' must be \[B\] or \[B, 1\]/);
    expect(() => classificationAidedRegressionLoss([1], [1], { classLogits: [[0, Number.NaN, 0, 0]], bins: BINS })).toThrow(/'options.classLogits' must be finite/);
  });
});
