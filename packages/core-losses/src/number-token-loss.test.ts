import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { crossEntropyWithNumberTokenLoss, digitTokenIdsOf, expectedDigitValue, numberTokenLoss, type NumberTokenLossOptions } from './number-token-loss.js';
import { argumentOf } from './test-support/argument-errors.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { checkGradientAgainst64 } from './test-support/gradient-check.js';
import { valueAndGradientWithoutLeak } from './test-support/leak-check.js';
import { intArray, makeRandom, maxRelativeError, uniformArray } from './test-support/random-inputs.js';
import { crossEntropy64, rowOf } from './test-support/reference64.js';
import { scalarOf } from './test-support/tensors.js';

const B = 3;
const T = 5;
const V = 16;
// A permuted layout: digit d is token DIGITS[d]; token 0 is the digit 4 (to tell the −100 handlings apart).
const DIGITS = [7, 2, 12, 9, 0, 15, 4, 11, 1, 5];
const random = makeRandom(23);
const LOGITS = uniformArray(random, B * T * V, -3, 3).map(Math.fround);
const LABELS = intArray(random, B * T, V).map((v, k) => (k === 4 || k === 11 ? -100 : k % 3 === 0 ? (DIGITS[v % 10] ?? 0) : v));

/** Per-position NTL in float64 from the definition; `null` where the position does not count. */
function ntl64(logits: ArrayLike<number>, labels: readonly number[], variant: 'was' | 'mse', minus100: 'mask' | number): Array<number | null> {
  return labels.map((label0, k) => {
    const label = label0 === -100 ? (minus100 === 'mask' ? -1 : minus100) : label0;
    const y = DIGITS.indexOf(label);
    if (y < 0) return null;
    const z = DIGITS.map((id) => logits[k * V + id] ?? 0);
    const max = Math.max(...z);
    const e = z.map((v) => Math.exp(v - max));
    const sum = e.reduce((a, v) => a + v, 0);
    const p = e.map((v) => v / sum);
    if (variant === 'was') return p.reduce((a, pk, d) => a + pk * Math.abs(d - y), 0);
    const yhat = p.reduce((a, pk, d) => a + pk * d, 0);
    return (yhat - y) ** 2;
  });
}
const meanOf = (v: Array<number | null>): number => {
  const kept = v.filter((x): x is number => x !== null);
  return kept.length === 0 ? 0 : kept.reduce((a, x) => a + x, 0) / kept.length;
};

describe.each(TEST_BACKENDS)('numberTokenLoss on %s', (backend) => {
  it.each(['was', 'mse'] as const)('NTL-%s matches its float64 definition over a permuted digit layout, −100 masked', async (variant) => {
    await useBackend(backend);
    const ref = ntl64(LOGITS, LABELS, variant, 'mask');
    const [mean, none, sum] = tf.tidy(() => {
      const x = tf.tensor3d(LOGITS, [B, T, V]);
      const y = tf.tensor2d(LABELS, [B, T], 'int32');
      const options: NumberTokenLossOptions = { digitTokenIds: DIGITS, variant };
      return [
        scalarOf(numberTokenLoss(y, x, options)),
        Array.from(numberTokenLoss(y, x, { ...options, reduction: 'none' }).dataSync()),
        scalarOf(numberTokenLoss(y, x, { ...options, reduction: 'sum' })),
      ];
    });
    expect(ref.filter((v) => v !== null).length).toBeGreaterThan(3);
    expect(maxRelativeError([mean], [meanOf(ref)])).toBeLessThan(2e-6);
    expect(maxRelativeError(none, ref.map((v) => v ?? 0))).toBeLessThan(2e-6);
    expect(maxRelativeError([sum], [ref.reduce<number>((a, v) => a + (v ?? 0), 0)])).toBeLessThan(2e-6);
  });

  it("'reference' keeps the reference's −100 handling: WAS reads token 0 (here the digit 4), MSE wraps to token V − 100", async () => {
    await useBackend(backend);
    const wasRef = meanOf(ntl64(LOGITS, LABELS, 'was', 0));
    const wasMask = meanOf(ntl64(LOGITS, LABELS, 'was', 'mask'));
    const big = 120; // MSE wraps −100 to token 20 of a 120-token vocabulary; make token 20 the digit 3
    const digitsBig = [...DIGITS.slice(0, 3), 20, ...DIGITS.slice(4)];
    const logitsBig = Array.from({ length: B * T * big }, (_, i) => Math.fround(Math.sin(i * 0.37) * 3));
    const labelsBig = LABELS;
    const [was, wasMasked, mseRef, mseMask] = tf.tidy(() => {
      const x = tf.tensor3d(LOGITS, [B, T, V]);
      const y = tf.tensor2d(LABELS, [B, T], 'int32');
      const xb = tf.tensor3d(logitsBig, [B, T, big]);
      const yb = tf.tensor2d(labelsBig, [B, T], 'int32');
      return [
        scalarOf(numberTokenLoss(y, x, { digitTokenIds: DIGITS, ignoredLabels: 'reference' })),
        scalarOf(numberTokenLoss(y, x, { digitTokenIds: DIGITS })),
        scalarOf(numberTokenLoss(yb, xb, { digitTokenIds: digitsBig, variant: 'mse', ignoredLabels: 'reference' })),
        scalarOf(numberTokenLoss(yb, xb, { digitTokenIds: digitsBig, variant: 'mse' })),
      ];
    });
    expect(Math.abs(wasRef - wasMask)).toBeGreaterThan(1e-3);
    expect(maxRelativeError([was, wasMasked], [wasRef, wasMask])).toBeLessThan(2e-6);
    // with the wrap-around, the two −100 positions count as the digit 3; masked, they do not
    const positions = labelsBig.map((l) => (l === -100 ? 20 : l)).filter((l) => digitsBig.includes(l)).length;
    const maskedPositions = labelsBig.filter((l) => digitsBig.includes(l)).length;
    expect(positions - maskedPositions).toBe(2);
    expect(mseRef).not.toBeCloseTo(mseMask, 4);
  });

  it('CE + λ·NTL is the mean token cross-entropy plus λ times the mean NTL; no digit target gives 0, not NaN', async () => {
    await useBackend(backend);
    const ce = LABELS.map((label, k) => {
      if (label === -100) return null;
      return crossEntropy64(rowOf(LOGITS, k, V), label);
    });
    const [total, empty, digitValue] = tf.tidy(() => {
      const x = tf.tensor3d(LOGITS, [B, T, V]);
      return [
        scalarOf(crossEntropyWithNumberTokenLoss(tf.tensor2d(LABELS, [B, T], 'int32'), x, { digitTokenIds: DIGITS, lambda: 0.3 })),
        scalarOf(numberTokenLoss(tf.fill([B, T], 3, 'int32'), x, { digitTokenIds: DIGITS })),
        Array.from(expectedDigitValue(x, { digitTokenIds: DIGITS }).dataSync()),
      ];
    });
    expect(maxRelativeError([total], [meanOf(ce) + 0.3 * meanOf(ntl64(LOGITS, LABELS, 'was', 'mask'))])).toBeLessThan(2e-6);
    expect(empty).toBe(0);
    const onesDigit = LABELS.map(() => DIGITS[0] ?? 0);
    const yhat64 = ntl64(LOGITS, onesDigit, 'mse', 'mask').map((v) => Math.sqrt(v ?? 0)); // (ŷ − 0)² → ŷ
    expect(maxRelativeError(digitValue, yhat64)).toBeLessThan(2e-6);
  });

  it.each(['was', 'mse'] as const)('NTL-%s passes a gradient check; non-digit vocabulary entries and positions get exactly zero', async (variant) => {
    await useBackend(backend);
    const labels = tf.tensor2d(LABELS, [B, T], 'int32');
    const { worstExcess, analytic } = checkGradientAgainst64(
      (v) => numberTokenLoss(labels, v, { digitTokenIds: DIGITS, variant }),
      LOGITS,
      [B, T, V],
      (x) => meanOf(ntl64(x, LABELS, variant, 'mask')),
    );
    expect(worstExcess).toBeLessThanOrEqual(0);
    analytic.forEach((g, i) => {
      const counted = ntl64(LOGITS, LABELS, variant, 'mask')[Math.floor(i / V)] !== null;
      if (!counted || !DIGITS.includes(i % V)) expect(g).toBe(0);
    });
    labels.dispose();
  });

  it('is stable at logits of ±50 and leaves no tensors behind (counted outside tidy)', async () => {
    await useBackend(backend);
    const extreme = LOGITS.map((v, i) => (i % 4 === 0 ? 50 : i % 5 === 0 ? -50 : v));
    const x = tf.tensor3d(extreme, [B, T, V]);
    const y = tf.tensor2d(LABELS, [B, T], 'int32');
    const { value: v, gradient: g } = valueAndGradientWithoutLeak(
      (t) => crossEntropyWithNumberTokenLoss(y, t, { digitTokenIds: DIGITS }),
      x,
      () => [numberTokenLoss(y, x, { digitTokenIds: DIGITS, variant: 'mse', reduction: 'none' })],
    );
    expect(Number.isFinite(v)).toBe(true);
    expect(g.every(Number.isFinite)).toBe(true);
    const was = tf.tidy(() => scalarOf(numberTokenLoss(y, x, { digitTokenIds: DIGITS })));
    expect(maxRelativeError([was], [meanOf(ntl64(extreme, LABELS, 'was', 'mask'))])).toBeLessThan(1e-5);
    tf.dispose([x, y]);
  });
});

describe('digitTokenIdsOf', () => {
  it('reads the digit ids off a vocabulary: contiguous, permuted, whitespace-prefixed only when no bare digit exists', () => {
    const t5 = ['<pad>', '</s>', '<unk>', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'the'];
    expect(digitTokenIdsOf(t5)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const permuted = ['<pad>', '7', 'a', ...'3950182 64'.split('').map((c) => (c === ' ' ? '▁6' : c))];
    expect(digitTokenIdsOf(permuted)).toEqual([6, 7, 9, 3, 12, 5, 11, 1, 8, 4]); // "▁6" (id 10) is not a digit token
    const gpt2 = ['!', ...Array.from({ length: 10 }, (_, d) => ` ${d}`), '5'];
    expect(digitTokenIdsOf(gpt2)).toEqual([1, 2, 3, 4, 5, 11, 7, 8, 9, 10]);
  });

  it('names the vocabulary when a digit is missing or ambiguous', () => {
    expect(() => digitTokenIdsOf(['0', '1', '▁2'])).toThrow("digitTokenIdsOf: argument 'vocabulary' has no token for the digit(s) 2, 3, 4, 5, 6, 7, 8, 9");
    const twice = [...Array.from({ length: 10 }, (_, d) => ` ${d}`), '\t3'];
    expect(() => digitTokenIdsOf(twice)).toThrow(/has 2 tokens for the digit 3 \(ids 3, 10\)/);
  });
});

describe('numberTokenLoss argument errors', () => {
  it('names the argument', async () => {
    await useBackend('cpu');
    const x = [[0, 1, 2, 3], [1, 0, 2, 2]];
    const ids = [0, 1, 2];
    expect(argumentOf(() => numberTokenLoss([0, 1], x, {} as NumberTokenLossOptions))).toBe('options.digitTokenIds');
    expect(argumentOf(() => numberTokenLoss([0, 1], x, { digitTokenIds: [0, 0] }))).toBe('options.digitTokenIds');
    expect(argumentOf(() => numberTokenLoss([0, 1], x, { digitTokenIds: [0, 4] }))).toBe('options.digitTokenIds');
    expect(argumentOf(() => numberTokenLoss([0, 1], x, { digitTokenIds: [1] }))).toBe('options.digitTokenIds');
    expect(argumentOf(() => numberTokenLoss([0, 1], x, { digitTokenIds: ids, variant: 'mae' as 'was' }))).toBe('options.variant');
    expect(argumentOf(() => numberTokenLoss([0, 1], x, { digitTokenIds: ids, ignoredLabels: 'keep' as 'mask' }))).toBe('options.ignoredLabels');
    expect(argumentOf(() => numberTokenLoss([0, -100], x, { digitTokenIds: ids, variant: 'mse', ignoredLabels: 'reference' }))).toBe('options.ignoredLabels');
    expect(argumentOf(() => numberTokenLoss([0, 4], x, { digitTokenIds: ids }))).toBe('targets');
    expect(argumentOf(() => numberTokenLoss([0, 1, 2], x, { digitTokenIds: ids }))).toBe('targets');
    expect(argumentOf(() => numberTokenLoss([0, 1], [[0, Number.NaN, 0, 0], [0, 0, 0, 0]], { digitTokenIds: ids }))).toBe('logits');
    expect(argumentOf(() => numberTokenLoss([0, 1], x, { digitTokenIds: ids, weights: [1, -1] }))).toBe('options.weights');
    expect(argumentOf(() => crossEntropyWithNumberTokenLoss([0, 1], x, { digitTokenIds: ids, lambda: -1 }))).toBe('options.lambda');
    expect(argumentOf(() => expectedDigitValue(x, { digitTokenIds: [9, 1] }))).toBe('options.digitTokenIds');
    expect(() => numberTokenLoss([0, 1], x, { digitTokenIds: [0, 0] })).toThrow("numberTokenLoss: argument 'options.digitTokenIds' must not repeat an id");
  });
});
