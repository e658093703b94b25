import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { sphericalZLoss } from './spherical-z-loss.js';
import { argumentOf } from './test-support/argument-errors.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { checkGradientAgainst64 } from './test-support/gradient-check.js';
import { valueAndGradientWithoutLeak } from './test-support/leak-check.js';
import { intArray, makeRandom, maxRelativeError, uniformArray } from './test-support/random-inputs.js';
import { scalarOf } from './test-support/tensors.js';

const N = 8;
const V = 6;
const random = makeRandom(31);
const LOGITS = uniformArray(random, N * V, -3, 3).map(Math.fround);
const TARGETS = intArray(random, N, V).map((v, i) => (i === 5 ? -100 : v));

/** (1/a)·softplus(a(b − z_c)), z_c = (o_c − μ)/σ (population σ), float64; null at ignored tokens. */
function z64(logits: ArrayLike<number>, targets: readonly number[], a: number, b: number): Array<number | null> {
  return targets.map((c, i) => {
    if (c === -100) return null;
    const o = Array.from({ length: V }, (_, k) => logits[i * V + k] ?? 0);
    const mu = o.reduce((s, v) => s + v, 0) / V;
    const sigma = Math.sqrt(o.reduce((s, v) => s + (v - mu) ** 2, 0) / V);
    const x = a * (b - ((o[c] ?? 0) - mu) / sigma);
    return (Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)))) / a;
  });
}
const sum = (v: Array<number | null>): number => v.reduce<number>((s, x) => s + (x ?? 0), 0);

describe.each(TEST_BACKENDS)('sphericalZLoss on %s', (backend) => {
  it('matches its float64 definition (default a = 1, b = 0, sum; options a, b; mean over counted tokens)', async () => {
    await useBackend(backend);
    const [plain, tuned, mean, none] = tf.tidy(() => {
      const x = tf.tensor2d(LOGITS, [N, V]);
      return [
        scalarOf(sphericalZLoss(TARGETS, x)),
        scalarOf(sphericalZLoss(TARGETS, x, { a: 0.5, b: 3 })),
        scalarOf(sphericalZLoss(TARGETS, x, { a: 2, b: 1, reduction: 'sumOverWeights' })),
        Array.from(sphericalZLoss(TARGETS, x, { reduction: 'none' }).dataSync()),
      ];
    });
    expect(maxRelativeError([plain, tuned, mean], [sum(z64(LOGITS, TARGETS, 1, 0)), sum(z64(LOGITS, TARGETS, 0.5, 3)), sum(z64(LOGITS, TARGETS, 2, 1)) / (N - 1)])).toBeLessThan(2e-6);
    expect(maxRelativeError(none, z64(LOGITS, TARGETS, 1, 0).map((v) => v ?? 0))).toBeLessThan(2e-6);
  });

  it('is invariant to shifting and to positively scaling the logits (property test over 20 random draws)', async () => {
    await useBackend(backend);
    const draw = makeRandom(7);
    for (let trial = 0; trial < 20; trial += 1) {
      const logits = uniformArray(draw, N * V, -5, 5);
      const shift = (draw() - 0.5) * 40;
      const scale = Math.exp((draw() - 0.5) * 6); // 0.05 … 20
      const [base, moved] = tf.tidy(() => {
        const x = tf.tensor2d(logits, [N, V]);
        const options = { a: 0.3 + draw(), b: draw() * 4, reduction: 'none' as const };
        return [
          Array.from(sphericalZLoss(TARGETS, x, options).dataSync()),
          Array.from(sphericalZLoss(TARGETS, tf.add(tf.mul(x, scale), shift), options).dataSync()),
        ];
      });
      expect(maxRelativeError(moved, base, 1e-3)).toBeLessThan(5e-4);
    }
  });

  it('passes a gradient check against float64 central differences', async () => {
    await useBackend(backend);
    const { worstExcess } = checkGradientAgainst64((v) => sphericalZLoss(TARGETS, v, { a: 1.5, b: 2 }), LOGITS, [N, V], (x) => sum(z64(x, TARGETS, 1.5, 2)));
    expect(worstExcess).toBeLessThanOrEqual(0);
  });

  it('is stable at logits of ±50 and with all logits equal; leaves no tensors behind (counted outside tidy)', async () => {
    await useBackend(backend);
    const extreme = LOGITS.map((v, i) => (i % 3 === 0 ? 50 : i % 4 === 0 ? -50 : v));
    const x = tf.tensor2d(extreme, [N, V]);
    const flat = tf.fill([2, V], 7);
    const step = valueAndGradientWithoutLeak((v) => sphericalZLoss(TARGETS, v), x, () => [sphericalZLoss(TARGETS, x, { reduction: 'none' })]);
    const flatStep = valueAndGradientWithoutLeak((v) => sphericalZLoss([0, 3], v), flat);
    const values = [step.value, ...step.gradient, ...flatStep.gradient];
    expect(values.every(Number.isFinite)).toBe(true);
    expect(maxRelativeError([values[0] ?? 0], [sum(z64(extreme, TARGETS, 1, 0))])).toBeLessThan(1e-5);
    tf.dispose([x, flat]);
  });
});

describe('sphericalZLoss argument errors', () => {
  it('names the argument', async () => {
    await useBackend('cpu');
    const x = [[0, 1, 2], [2, 1, 0]];
    expect(argumentOf(() => sphericalZLoss([0, 1], x, { a: 0 }))).toBe('options.a');
    expect(argumentOf(() => sphericalZLoss([0, 1], x, { b: Number.NaN }))).toBe('options.b');
    expect(argumentOf(() => sphericalZLoss([0, 3], x))).toBe('targets');
    expect(argumentOf(() => sphericalZLoss([0], x))).toBe('targets');
    expect(argumentOf(() => sphericalZLoss([0, 1], [1, 2]))).toBe('logits');
    expect(argumentOf(() => sphericalZLoss([0, 1], x, { weights: [[1, 1]] }))).toBe('options.weights');
    expect(argumentOf(() => sphericalZLoss([0, 1], x, { ignoreIndex: 0.5 }))).toBe('options.ignoreIndex');
    expect(() => sphericalZLoss([0, 1], x, { a: -1 })).toThrow("sphericalZLoss: argument 'options.a' must be a finite number > 0, got -1");
  });
});
