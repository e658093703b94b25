import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { densityNormalizedLoss } from './density-normalized.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { checkGradient } from './test-support/gradient-check.js';
import { expectNoLeak, stepAndEvaluation } from './test-support/leak-check.js';
import { makeRandom, maxRelativeError, uniformArray } from './test-support/random-inputs.js';
import { crossEntropy64, rows, sum64 } from './test-support/reference64.js';

const K = 4;
// 14 edges in 3 graphs; group 1 has no foreground edge (label 0 = background); group 3 is empty.
const LABELS = [0, 2, 0, 0, 1, 0, 0, 0, 0, 3, 0, 1, 0, 2];
const GROUPS = [0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 2];
const M = LABELS.length;
const random = makeRandom(55);
const X = uniformArray(random, M * K, -3, 3);
const CE = rows(X, K).map((row, e) => crossEntropy64(row, LABELS[e] ?? 0));

/** Float64 transcription of bknyaz/sgg edge_losses for the edges `idx` (alpha, beta; gamma = 1): Σ w_e·l_e. */
function edgeLosses64(idx: number[], mode: 'dnorm' | 'dnorm-fgbg', alpha = 1, beta = 1, bgClass = 0): number[] {
  const fg = idx.filter((e) => LABELS[e] !== bgClass);
  const bg = idx.filter((e) => LABELS[e] === bgClass);
  const w = new Map<number, number>(idx.map((e) => [e, 1]));
  if (fg.length > 0) fg.forEach((e) => w.set(e, alpha / fg.length));
  if (mode === 'dnorm') {
    if (bg.length > 0 && fg.length > 0) bg.forEach((e) => w.set(e, beta / fg.length));
  } else if (bg.length > 0) {
    bg.forEach((e) => w.set(e, beta / bg.length));
  }
  return idx.map((e) => (w.get(e) ?? Number.NaN) * (CE[e] ?? Number.NaN));
}
const ALL = Array.from({ length: M }, (_, e) => e);
const groupIdx = (g: number): number[] => ALL.filter((e) => GROUPS[e] === g);

const run = (options: Parameters<typeof densityNormalizedLoss>[2]): Float32Array =>
  tf.tidy(() => densityNormalizedLoss(LABELS, tf.tensor2d(X, [M, K]), options).dataSync() as Float32Array);

describe.each(TEST_BACKENDS)('densityNormalizedLoss on %s', (backend) => {
  it('per-batch counting equals the reference code (Σ l_e / M_FG over the batch), dnorm and dnorm-fgbg', async () => {
    await useBackend(backend);
    const dnorm = sum64(edgeLosses64(ALL, 'dnorm'));
    expect(maxRelativeError(run({}), [dnorm])).toBeLessThan(2e-6);
    expect(maxRelativeError(run({ reduction: 'sum' }), [dnorm])).toBeLessThan(2e-6);
    expect(maxRelativeError(run({ reduction: 'none' }), edgeLosses64(ALL, 'dnorm'))).toBeLessThan(2e-6);
    expect(maxRelativeError([sum64(CE) / 5], [dnorm])).toBeLessThan(1e-12); // 5 foreground edges in the batch
    const fgbg = edgeLosses64(ALL, 'dnorm-fgbg', 0.5, 2);
    expect(maxRelativeError(run({ normalization: 'dnormFgBg', alpha: 0.5, beta: 2, reduction: 'none' }), fgbg)).toBeLessThan(2e-6);
    // groupIds with counting 'perBatch' are ignored.
    expect(run({ groupIds: GROUPS, numGroups: 4, counting: 'perBatch' })[0]).toBe(run({})[0]);
  });

  it('per-group counting normalises every graph by its own counts and averages over non-empty graphs', async () => {
    await useBackend(backend);
    const perGroup = [0, 1, 2].map((g) => edgeLosses64(groupIdx(g), 'dnorm'));
    const none = ALL.map((e) => {
      const g = GROUPS[e] ?? 0;
      return perGroup[g]?.[groupIdx(g).indexOf(e)] ?? Number.NaN;
    });
    const groupLoss = perGroup.map(sum64);
    const options = { groupIds: GROUPS, numGroups: 4 };
    expect(maxRelativeError(run({ ...options, reduction: 'none' }), none)).toBeLessThan(2e-6);
    expect(maxRelativeError(run(options), [sum64(groupLoss) / 3])).toBeLessThan(2e-6);
    expect(maxRelativeError(run({ ...options, reduction: 'sum' }), [sum64(groupLoss)])).toBeLessThan(2e-6);
    expect(maxRelativeError(run({ ...options, avgFactor: 2 }), [sum64(groupLoss) / 2])).toBeLessThan(2e-6);
    // Group 1 has no foreground: the reference keeps background weights at 1 there, so its loss is a plain sum.
    expect(groupLoss[1]).toBeCloseTo(sum64(groupIdx(1).map((e) => CE[e] ?? 0)), 12);
    const fgbg = [0, 1, 2].map((g) => sum64(edgeLosses64(groupIdx(g), 'dnorm-fgbg', 2, 0.5)));
    expect(maxRelativeError(run({ ...options, normalization: 'dnormFgBg', alpha: 2, beta: 0.5 }), [sum64(fgbg) / 3])).toBeLessThan(2e-6);
  });

  it('takes the background class and sample weights', async () => {
    await useBackend(backend);
    const bgIs2 = sum64([0, 1, 2].map((g) => sum64(edgeLosses64(groupIdx(g), 'dnorm', 1, 1, 2)))) / 3;
    expect(maxRelativeError(run({ groupIds: GROUPS, numGroups: 4, backgroundClass: 2 }), [bgIs2])).toBeLessThan(2e-6);
    const s = ALL.map((e) => (e % 3) * 0.5);
    const weighted = edgeLosses64(ALL, 'dnorm').map((v, e) => v * (s[e] ?? 0));
    expect(maxRelativeError(run({ weights: s, reduction: 'none' }), weighted)).toBeLessThan(2e-6);
  });

  it('agrees between per-graph and per-batch counting for a batch of identical graphs', async () => {
    await useBackend(backend);
    const labels = [...LABELS.slice(0, 5), ...LABELS.slice(0, 5)];
    const x = [...X.slice(0, 5 * K), ...X.slice(0, 5 * K)];
    const [perGroup, perBatch] = tf.tidy(() => [
      densityNormalizedLoss(labels, tf.tensor2d(x, [10, K]), { groupIds: [0, 0, 0, 0, 0, 1, 1, 1, 1, 1], numGroups: 2 }).dataSync()[0],
      densityNormalizedLoss(labels, tf.tensor2d(x, [10, K])).dataSync()[0],
    ]);
    expect(maxRelativeError([perGroup ?? Number.NaN], [perBatch ?? Number.NaN])).toBeLessThan(1e-6);
    expect(maxRelativeError([perBatch ?? Number.NaN], [sum64(edgeLosses64([0, 1, 2, 3, 4], 'dnorm'))])).toBeLessThan(2e-6);
  });

  it('stays finite at logits of ±50, values and gradients', async () => {
    await useBackend(backend);
    const x = Array.from({ length: M * K }, (_, i) => (i % 3 === 0 ? 50 : i % 3 === 1 ? -50 : 0));
    const options = { groupIds: GROUPS, numGroups: 4 };
    const [values, grad] = tf.tidy(() => [
      densityNormalizedLoss(LABELS, tf.tensor2d(x, [M, K]), { ...options, reduction: 'none' }).dataSync(),
      tf.grad((v: tf.Tensor) => densityNormalizedLoss(LABELS, v, options))(tf.tensor2d(x, [M, K])).dataSync(),
    ]);
    expect(Array.from(values ?? []).every(Number.isFinite)).toBe(true);
    expect(Array.from(grad ?? []).every(Number.isFinite)).toBe(true);
  });

  it('passes a finite-difference gradient check', async () => {
    await useBackend(backend);
    const { worstExcess } = checkGradient(
      (v) => densityNormalizedLoss(LABELS, v, { groupIds: GROUPS, numGroups: 4, normalization: 'dnormFgBg', beta: 0.5 }),
      X,
      [M, K],
    );
    expect(worstExcess).toBeLessThanOrEqual(0);
  });

  it('leaves no tensors behind after a gradient step and an evaluation (outside tf.tidy)', async () => {
    await useBackend(backend);
    const x = tf.tensor2d(X, [M, K]);
    expectNoLeak(() => stepAndEvaluation((v) => densityNormalizedLoss(LABELS, v, { groupIds: GROUPS, numGroups: 4 }), x));
    x.dispose();
  });
});

describe('densityNormalizedLoss argument checks', () => {
  it('names the loss and the argument', async () => {
    await useBackend('cpu');
    const x = [
      [0.1, 0.2, 0.3],
      [0.3, 0.2, 0.1],
    ];
    const f = densityNormalizedLoss;
    expect(() => f([0, 3], x)).toThrow("densityNormalizedLoss: argument 'targets' holds class id 3 at flat index 1, outside [0, 2] for 3 classes");
    expect(() => f([0], x)).toThrow(/^densityNormalizedLoss: argument 'targets' must hold 2 class ids/);
    expect(() => f([0, 1], [0.1, 0.2])).toThrow(/^densityNormalizedLoss: argument 'logits' must have shape \[M, K\]/);
    expect(() => f([0, 1], x, { groupIds: [0, 2], numGroups: 2 })).toThrow(
      "densityNormalizedLoss: argument 'options.groupIds' holds group id 2 at index 1, outside [0, 1] for 2 groups",
    );
    expect(() => f([0, 1], x, { groupIds: [0, -1], numGroups: 2 })).toThrow(/^densityNormalizedLoss: argument 'options.groupIds' holds group id -1/);
    expect(() => f([0, 1], x, { groupIds: [0, 0, 1], numGroups: 2 })).toThrow(/^densityNormalizedLoss: argument 'options.groupIds' must hold one group id per element/);
    expect(() => f([0, 1], x, { groupIds: [0, 1] })).toThrow(/^densityNormalizedLoss: argument 'options.numGroups' must be a positive integer/);
    expect(() => f([0, 1], x, { counting: 'perGroup' })).toThrow(/^densityNormalizedLoss: argument 'options.groupIds' are required with counting 'perGroup'/);
    expect(() => f([0, 1], x, { counting: 'perImage' as never })).toThrow(/^densityNormalizedLoss: argument 'options.counting' must be 'perGroup' or 'perBatch'/);
    expect(() => f([0, 1], x, { normalization: 'baseline' as never })).toThrow(/^densityNormalizedLoss: argument 'options.normalization'/);
    expect(() => f([0, 1], x, { alpha: -1 })).toThrow(/^densityNormalizedLoss: argument 'options.alpha' must be a finite number >= 0, got -1/);
    expect(() => f([0, 1], x, { beta: Number.NaN })).toThrow(/^densityNormalizedLoss: argument 'options.beta'/);
    expect(() => f([0, 1], x, { backgroundClass: 3 })).toThrow(/^densityNormalizedLoss: argument 'options.backgroundClass' must be a class id in \[0, 2\]/);
    expect(() => f([0, 1], x, { reduction: 'sumOverWeights' })).toThrow(/^densityNormalizedLoss: argument 'options.reduction' 'sumOverWeights' does not apply/);
    expect(() => f([0, 1], x, { weights: [1, -1] })).toThrow(/^densityNormalizedLoss: argument 'options.weights' must be non-negative/);
    expect(() => f([0, 1], [[0, Number.POSITIVE_INFINITY, 0], [0, 0, 0]])).toThrow(/^densityNormalizedLoss: argument 'logits' must be finite/);
    expect(() => tf.tidy(() => f([0, 1], [[0, Number.POSITIVE_INFINITY, 0], [0, 0, 0]], { validate: false }))).not.toThrow();
  });
});
