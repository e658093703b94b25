import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { logPartitionPenalty } from './log-partition-penalty.js';
import { softmaxCrossEntropy } from './softmax-cross-entropy.js';
import { argumentOf } from './test-support/argument-errors.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { checkGradient, checkGradientAgainst64 } from './test-support/gradient-check.js';
import { valueAndGradientWithoutLeak } from './test-support/leak-check.js';
import { intArray, makeRandom, maxRelativeError, uniformArray } from './test-support/random-inputs.js';
import { logSumExp64, rowOf } from './test-support/reference64.js';
import { scalarOf } from './test-support/tensors.js';

const B = 3;
const T = 4;
const V = 7;
const random = makeRandom(13);
const LOGITS = uniformArray(random, B * T * V, -2, 6).map(Math.fround); // log Z well away from 0
const TARGETS = intArray(random, B * T, V).map((v, i) => (i === 6 ? -100 : v));
const WEIGHTS = uniformArray(random, B * T, 0.2, 2);

/** CE + c·(log Z)² per token in float64; null at ignored tokens. */
function penalty64(logits: ArrayLike<number>, coef: number): Array<number | null> {
  return TARGETS.map((y, k) => {
    if (y === -100) return null;
    const row = rowOf(logits, k, V);
    const logZ = logSumExp64(row);
    return logZ - (row[y] ?? 0) + coef * logZ * logZ;
  });
}
const weightedMean = (v: Array<number | null>, w?: readonly number[]): number => {
  let num = 0;
  let den = 0;
  v.forEach((x, k) => {
    if (x === null) return;
    num += (w?.[k] ?? 1) * x;
    den += w?.[k] ?? 1;
  });
  return num / den;
};

describe.each(TEST_BACKENDS)('logPartitionPenalty on %s', (backend) => {
  it('is cross-entropy plus coef·(log Z)², averaged over counted tokens (token weights normalised)', async () => {
    await useBackend(backend);
    const [plain, strong, weighted, zero, ce] = tf.tidy(() => {
      const x = tf.tensor3d(LOGITS, [B, T, V]);
      const y = tf.tensor2d(TARGETS, [B, T], 'int32');
      return [
        scalarOf(logPartitionPenalty(y, x)),
        scalarOf(logPartitionPenalty(y, x, { coef: 0.1 })),
        scalarOf(logPartitionPenalty(y, x, { coef: 0.1, weights: tf.tensor2d(WEIGHTS, [B, T]) })),
        scalarOf(logPartitionPenalty(y, x, { coef: 0 })),
        scalarOf(softmaxCrossEntropy(y, x, { ignoreIndex: -100 })),
      ];
    });
    expect(maxRelativeError([plain, strong, weighted], [weightedMean(penalty64(LOGITS, 1e-4)), weightedMean(penalty64(LOGITS, 0.1)), weightedMean(penalty64(LOGITS, 0.1), WEIGHTS)])).toBeLessThan(2e-6);
    expect(maxRelativeError([zero], [ce])).toBeLessThan(1e-6);
    expect(strong - zero).toBeGreaterThan(1); // (log Z)² ≈ 40 here: the penalty is visible
  });

  it('has the gradient of central finite differences (float32 and float64 references)', async () => {
    await useBackend(backend);
    const y = tf.tensor2d(TARGETS, [B, T], 'int32');
    const f = (v: tf.Tensor): tf.Tensor => logPartitionPenalty(y, v, { coef: 0.05 });
    const against64 = checkGradientAgainst64(f, LOGITS, [B, T, V], (x) => weightedMean(penalty64(x, 0.05)));
    expect(against64.worstExcess).toBeLessThanOrEqual(0);
    const finite = checkGradient(f, LOGITS, [B, T, V], { h: 1e-2, atol: 1e-3, rtol: 1e-2 });
    expect(finite.worstExcess).toBeLessThanOrEqual(0);
    // the ignored token (position 6) gets exactly zero
    expect(Array.from(against64.analytic.slice(6 * V, 7 * V)).every((g) => g === 0)).toBe(true);
    y.dispose();
  });

  it('is stable at logits of ±50 and leaves no tensors behind (counted outside tidy)', async () => {
    await useBackend(backend);
    const extreme = LOGITS.map((v, i) => (i % 3 === 0 ? 50 : i % 5 === 0 ? -50 : v));
    const x = tf.tensor3d(extreme, [B, T, V]);
    const y = tf.tensor2d(TARGETS, [B, T], 'int32');
    const { value: v, gradient: g } = valueAndGradientWithoutLeak(
      (t) => logPartitionPenalty(y, t),
      x,
      () => [logPartitionPenalty(y, x, { reduction: 'none' })],
    );
    expect(g.every(Number.isFinite)).toBe(true);
    expect(maxRelativeError([v], [weightedMean(penalty64(extreme, 1e-4))])).toBeLessThan(1e-5);
    tf.dispose([x, y]);
  });
});

describe('logPartitionPenalty argument errors', () => {
  it('names the argument', async () => {
    await useBackend('cpu');
    const x = [[0, 1, 2], [2, 1, 0]];
    expect(argumentOf(() => logPartitionPenalty([0, 1], x, { coef: -1 }))).toBe('options.coef');
    expect(argumentOf(() => logPartitionPenalty([0, 5], x))).toBe('targets');
    expect(argumentOf(() => logPartitionPenalty([0, 1], [[0, Number.POSITIVE_INFINITY, 0], [0, 0, 0]]))).toBe('logits');
    expect(argumentOf(() => logPartitionPenalty([0, 1], x, { weights: [1, -2] }))).toBe('options.weights');
    expect(argumentOf(() => logPartitionPenalty([0, 1], x, { reduction: 'avg' as 'mean' }))).toBe('options.reduction');
    expect(() => logPartitionPenalty([0, -100], x, { ignoreIndex: null })).toThrow(/logPartitionPenalty: argument 'targets' holds class id -100/);
  });
});
