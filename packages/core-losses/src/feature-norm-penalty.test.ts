import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { LossArgumentError } from './errors.js';
import { featureNormPenalty } from './feature-norm-penalty.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { checkGradient } from './test-support/gradient-check.js';
import { expectNoLeak, stepAndEvaluation } from './test-support/leak-check.js';
import { makeRandom, maxRelativeError, uniformArray } from './test-support/random-inputs.js';

const B = 5;
const D = 4;
const H = uniformArray(makeRandom(4), B * D, -3, 3);
/** λ · mean_i ‖h_i‖² / 2 in float64. */
const reference = (lambda: number) => (lambda * H.reduce((s, v) => s + v * v, 0)) / B / 2;

describe.each(TEST_BACKENDS)('featureNormPenalty on %s', (backend) => {
  it('is λ·mean‖h‖²/2 (default λ = 1e-2) with the gradient λh/B', async () => {
    await useBackend(backend);
    const [byDefault, custom] = tf.tidy(() => [
      featureNormPenalty(tf.tensor2d(H, [B, D])).dataSync()[0] ?? Number.NaN,
      featureNormPenalty(tf.tensor2d(H, [B, D]), { lambda: 0.3 }).dataSync()[0] ?? Number.NaN,
    ]);
    expect(maxRelativeError([byDefault, custom], [reference(1e-2), reference(0.3)])).toBeLessThan(1e-6);
    const check = checkGradient((h) => featureNormPenalty(h, { lambda: 0.3 }), H, [B, D]);
    expect(check.worstExcess).toBeLessThanOrEqual(0);
    expect(maxRelativeError(check.analytic, H.map((v) => (0.3 * v) / B))).toBeLessThan(1e-5);
  });

  it('leaves no tensors behind after a gradient step and an evaluation (outside tf.tidy)', async () => {
    await useBackend(backend);
    const h = tf.tensor2d(H, [B, D]);
    const h3 = tf.tensor3d(H, [B, 2, 2]);
    expectNoLeak(() => [...stepAndEvaluation((v) => featureNormPenalty(v, { lambda: 0.3 }), h), featureNormPenalty(h3)]);
    tf.dispose([h, h3]);
  });

  it('norms over every non-batch axis of rank-3 features', async () => {
    await useBackend(backend);
    const value = tf.tidy(() => featureNormPenalty(tf.tensor3d(H, [B, 2, 2])).dataSync()[0] ?? Number.NaN);
    expect(maxRelativeError([value], [reference(1e-2)])).toBeLessThan(1e-6);
  });
});

describe('featureNormPenalty arguments', () => {
  it('rejects rank-1 features, NaN and negative λ', async () => {
    await useBackend('cpu');
    expect(() => featureNormPenalty([1, 2])).toThrow(LossArgumentError);
    expect(() => featureNormPenalty([1, 2])).toThrow("featureNormPenalty: argument 'features' must have rank >= 2");
    expect(() => featureNormPenalty([[1, Number.NaN]])).toThrow("argument 'features' must be finite, got NaN at flat index 1");
    expect(() => featureNormPenalty([[1, 2]], { lambda: -1 })).toThrow("argument 'options.lambda'");
  });
});
