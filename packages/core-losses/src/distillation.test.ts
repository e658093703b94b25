import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { distillationKL, dualHeadBinaryKL } from './distillation.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { checkGradient } from './test-support/gradient-check.js';
import { expectNoLeak, stepAndEvaluation } from './test-support/leak-check.js';
import { makeRandom, maxRelativeError, uniformArray } from './test-support/random-inputs.js';
import { logSoftmax64, rows, sum64 } from './test-support/reference64.js';

const B = 6;
const C = 5;
const random = makeRandom(77);
const TEACHER = uniformArray(random, B * C, -6, 6);
const STUDENT = uniformArray(random, B * C, -6, 6);
const S = [1, 0, 2, 0.5, 1, 3];

/** Float64 DistillKL per row: T²·Σ p_t (log p_t − log p_s) on logits / T. */
function kd64(teacher: number[], student: number[], T: number): number[] {
  const st = rows(student, C);
  return rows(teacher, C).map((row, i) => {
    const lt = logSoftmax64(row.map((v) => v / T));
    const ls = logSoftmax64((st[i] ?? []).map((v) => v / T));
    return T * T * sum64(lt.map((l, j) => Math.exp(l) * (l - (ls[j] ?? 0))));
  });
}

/** Float64 transcription of DHKD's BinaryKLNorm per row (clamp 1e-8, KLDivLoss terms), before the /N. */
function binaryKLNorm64(teacher: number[], student: number[], T: number): number[] {
  const st = rows(student, C);
  return rows(teacher, C).map((row, i) =>
    T * T * sum64(row.map((zt, j) => {
      const d = ((st[i]?.[j] ?? 0) - zt) / T;
      const s = Math.min(Math.max(1 / (1 + Math.exp(-d)), 1e-8), 1 - 1e-8);
      return 0.5 * (Math.log(0.5) - Math.log(s)) + 0.5 * (Math.log(0.5) - Math.log(1 - s));
    })),
  );
}

describe.each(TEST_BACKENDS)('distillationKL on %s', (backend) => {
  it('is T²·KL(p_t ‖ p_s) per row and the batch mean by default (T = 4)', async () => {
    await useBackend(backend);
    const l4 = kd64(TEACHER, STUDENT, 4);
    const l2 = kd64(TEACHER, STUDENT, 2);
    const t = (): tf.Tensor => tf.tensor2d(TEACHER, [B, C]);
    const s = (): tf.Tensor => tf.tensor2d(STUDENT, [B, C]);
    const [mean, none, sum, weighted] = tf.tidy(() => [
      distillationKL(t(), s()).dataSync(),
      distillationKL(t(), s(), { temperature: 2, reduction: 'none' }).dataSync(),
      distillationKL(t(), s(), { temperature: 2, reduction: 'sum' }).dataSync(),
      distillationKL(t(), s(), { temperature: 2, weights: S }).dataSync(),
    ]);
    expect(maxRelativeError(mean ?? [], [sum64(l4) / B])).toBeLessThan(2e-5);
    expect(maxRelativeError(none ?? [], l2)).toBeLessThan(2e-5);
    expect(maxRelativeError(sum ?? [], [sum64(l2)])).toBeLessThan(2e-5);
    expect(maxRelativeError(weighted ?? [], [sum64(l2.map((v, i) => v * (S[i] ?? 0))) / B])).toBeLessThan(2e-5);
  });

  it('is 0 for identical logits, accepts [..., C] and stays finite at logits of ±50', async () => {
    await useBackend(backend);
    const same = tf.tidy(() => distillationKL(rows(TEACHER, C), rows(TEACHER, C), { reduction: 'sum' }).dataSync()[0]);
    expect(Math.abs(same ?? Number.NaN)).toBeLessThan(1e-6);
    const rank3 = tf.tidy(() => distillationKL(tf.tensor3d(TEACHER, [2, 3, C]), tf.tensor3d(STUDENT, [2, 3, C]), { temperature: 2, reduction: 'none' }));
    expect(rank3.shape).toEqual([2, 3]);
    expect(maxRelativeError(rank3.dataSync(), kd64(TEACHER, STUDENT, 2))).toBeLessThan(2e-5);
    rank3.dispose();
    const t = [50, -50, 0, 50, -50, -50, 50, 0, -50, 50];
    const s = [-50, 50, 0, -50, 50, 50, -50, 0, 50, -50];
    const [value, grad] = tf.tidy(() => [
      distillationKL(tf.tensor2d(t, [2, C]), tf.tensor2d(s, [2, C]), { temperature: 1 }).dataSync(),
      tf.grad((v: tf.Tensor) => distillationKL(tf.tensor2d(t, [2, C]), v, { temperature: 1 }))(tf.tensor2d(s, [2, C])).dataSync(),
    ]);
    expect(Array.from(grad ?? []).every(Number.isFinite)).toBe(true);
    expect(maxRelativeError(value ?? [], [sum64(kd64(t, s, 1)) / 2])).toBeLessThan(1e-5);
  });

  it('passes a finite-difference gradient check (w.r.t. the student)', async () => {
    await useBackend(backend);
    const teacher = tf.tensor2d(TEACHER, [B, C]);
    const { worstExcess } = checkGradient((v) => distillationKL(teacher, v, { temperature: 2, weights: S }), STUDENT, [B, C]);
    teacher.dispose();
    expect(worstExcess).toBeLessThanOrEqual(0);
  });
});

describe.each(TEST_BACKENDS)('dualHeadBinaryKL on %s', (backend) => {
  it('matches DHKD BinaryKLNorm (T = 2, sum over classes / N) and its reductions', async () => {
    await useBackend(backend);
    const l2 = binaryKLNorm64(TEACHER, STUDENT, 2);
    const l3 = binaryKLNorm64(TEACHER, STUDENT, 3);
    const t = (): tf.Tensor => tf.tensor2d(TEACHER, [B, C]);
    const s = (): tf.Tensor => tf.tensor2d(STUDENT, [B, C]);
    const [mean, none, sum, weighted] = tf.tidy(() => [
      dualHeadBinaryKL(t(), s()).dataSync(),
      dualHeadBinaryKL(t(), s(), { temperature: 3, reduction: 'none' }).dataSync(),
      dualHeadBinaryKL(t(), s(), { temperature: 3, reduction: 'sum' }).dataSync(),
      dualHeadBinaryKL(t(), s(), { weights: S, reduction: 'sumOverWeights' }).dataSync(),
    ]);
    expect(maxRelativeError(mean ?? [], [sum64(l2) / B])).toBeLessThan(2e-6);
    expect(maxRelativeError(none ?? [], l3)).toBeLessThan(2e-6);
    expect(maxRelativeError(sum ?? [], [sum64(l3)])).toBeLessThan(2e-6);
    expect(maxRelativeError(weighted ?? [], [sum64(l2.map((v, i) => v * (S[i] ?? 0))) / sum64(S)])).toBeLessThan(2e-6);
  });

  it('keeps its relative precision for a student close to the teacher (log cosh near 0)', async () => {
    await useBackend(backend);
    const diffs = [1e-4, -3e-3, 0.02, -0.4, 0.999, -1.001, 1.5, 7];
    const teacher = diffs.map(() => 0.25);
    const student = diffs.map((d) => 0.25 + d);
    const none = tf.tidy(() => dualHeadBinaryKL(tf.tensor2d(teacher, [8, 1]), tf.tensor2d(student, [8, 1]), { reduction: 'none' }).dataSync());
    const exact = student.map((s, i) => 4 * Math.log(Math.cosh((Math.fround(s) - (teacher[i] ?? 0)) / 4)));
    expect(maxRelativeError(none, exact)).toBeLessThan(3e-6);
  });

  it('is exact where the reference clamps, and stays finite at logits of ±50', async () => {
    await useBackend(backend);
    const t = [50, -50, 0, 50, -50, -50, 50, 0, -50, 50];
    const s = [-50, 50, 0, -50, 50, 50, -50, 0, 50, -50];
    const [none, grad] = tf.tidy(() => [
      dualHeadBinaryKL(tf.tensor2d(t, [2, C]), tf.tensor2d(s, [2, C]), { reduction: 'none' }).dataSync(),
      tf.grad((v: tf.Tensor) => dualHeadBinaryKL(tf.tensor2d(t, [2, C]), v))(tf.tensor2d(s, [2, C])).dataSync(),
    ]);
    expect(Array.from(none ?? []).every(Number.isFinite)).toBe(true);
    expect(Array.from(grad ?? []).every(Number.isFinite)).toBe(true);
    // |d| = 50 per non-zero entry: log cosh(25) = 25 − log 2 + log1p(e^{−50}); 4 such entries per row, times T² = 4.
    const row = 4 * 4 * (25 - Math.LN2);
    expect(maxRelativeError(none ?? [], [row, row])).toBeLessThan(1e-6);
    // The gradient is (T/2)·tanh(d/2)/N = ±(1)·1/2 here (saturated), not the clamp's.
    expect(Math.abs(grad?.[0] ?? 0)).toBeCloseTo(0.5, 6);
  });

  it('passes a finite-difference gradient check (w.r.t. the student)', async () => {
    await useBackend(backend);
    const teacher = tf.tensor2d(TEACHER, [B, C]);
    const { worstExcess } = checkGradient((v) => dualHeadBinaryKL(teacher, v, { weights: S }), STUDENT, [B, C]);
    // Also across the series/large-argument boundary of log cosh (|d/2| = ½ ⇒ |z_s − z_t| = 2 at T = 2).
    const near = STUDENT.map((_, i) => (TEACHER[i] ?? 0) + (i % 2 === 0 ? 1 : -1) * (1.6 + 0.05 * (i % 7)));
    const boundary = checkGradient((v) => dualHeadBinaryKL(teacher, v), near, [B, C], { h: 1e-2, atol: 1e-4, rtol: 1e-3 });
    teacher.dispose();
    expect(worstExcess).toBeLessThanOrEqual(0);
    expect(boundary.worstExcess).toBeLessThanOrEqual(0);
  });

  it('leaves no tensors behind after a gradient step and an evaluation (both losses, outside tf.tidy)', async () => {
    await useBackend(backend);
    const teacher = tf.tensor2d(TEACHER, [B, C]);
    const student = tf.tensor2d(STUDENT, [B, C]);
    expectNoLeak(() => [
      ...stepAndEvaluation((v) => distillationKL(teacher, v, { weights: S }), student),
      ...stepAndEvaluation((v) => dualHeadBinaryKL(teacher, v), student),
      distillationKL(teacher, student, { reduction: 'none' }),
    ]);
    teacher.dispose();
    student.dispose();
  });
});

describe('distillation argument checks', () => {
  it.each([
    ['distillationKL', distillationKL],
    ['dualHeadBinaryKL', dualHeadBinaryKL],
  ] as const)('%s names the loss and the argument', async (name, f) => {
    await useBackend('cpu');
    const t = [[0.1, 0.2, 0.3]];
    expect(() => f(t, [[0.1, 0.2]])).toThrow(`${name}: argument 'teacherLogits' must have the shape of 'studentLogits' [1,2], got [1,3]`);
    expect(() => f([0.1, 0.2], [0.1, 0.2])).toThrow(new RegExp(`^${name}: argument 'studentLogits' must have rank >= 2`));
    expect(() => f([[Number.NaN, 0, 0]], t)).toThrow(new RegExp(`^${name}: argument 'teacherLogits' must be finite`));
    expect(() => f(t, [[0, Number.NEGATIVE_INFINITY, 0]])).toThrow(new RegExp(`^${name}: argument 'studentLogits' must be finite`));
    expect(() => f(t, t, { temperature: 0 })).toThrow(new RegExp(`^${name}: argument 'options.temperature' must be a finite number > 0, got 0`));
    expect(() => f(t, t, { temperature: -2 })).toThrow(new RegExp(`^${name}: argument 'options.temperature' must be a finite number > 0, got -2`));
    expect(() => f(t, t, { weights: [-1] })).toThrow(new RegExp(`^${name}: argument 'options.weights' must be non-negative`));
    expect(() => tf.tidy(() => f([[Number.NaN, 0, 0]], t, { validate: false }))).not.toThrow();
    expect(() => f(t, t, { reduction: 'avg' as never })).toThrow(new RegExp(`^${name}: argument 'options.reduction' must be one of`));
  });
});
