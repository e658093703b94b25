import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { sampleReweightedLoss, sampleReweightingWeights, type SampleReweightingStrategy } from './sample-reweighting.js';
import { argumentOf } from './test-support/argument-errors.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { checkGradientAgainst64 } from './test-support/gradient-check.js';
import { expectNoLeak, stepAndEvaluation } from './test-support/leak-check.js';
import { intArray, makeRandom, maxRelativeError, uniformArray } from './test-support/random-inputs.js';
import { crossEntropy64, rowOf } from './test-support/reference64.js';
import { scalarOf } from './test-support/tensors.js';

// A batch in the reference's layout: Hugging Face labels (= inputs, shifted inside the loss), −100 = padding.
const B = 6;
const T = 7;
const V = 9;
const random = makeRandom(41);
const LOGITS = uniformArray(random, B * T * V, -3, 3).map(Math.fround);
const PAD_FROM = [7, 5, 7, 3, 6, 4]; // sequence i has labels at positions < PAD_FROM[i], −100 after
const LABELS = intArray(random, B * T, V).map((v, k) => (k % T < (PAD_FROM[Math.floor(k / T)] ?? 0) ? v : -100));

/**
 * Float64 transcription of sowmaster/Sample-Level-Loss-Reweighting-ICLR-2025 `src/trainer.py` (81a9377):
 * `batch_losses_from_logits` (lines 1048–1069): shift (1053–1054), active counts (1056), CE per token (1058–1065),
 * sum / count (1066); `len_norms / len_norms.sum()` (1186).
 */
function batchLosses64(logits: ArrayLike<number>, labels: readonly number[], b: number, t: number, v: number): { losses: number[]; lenNorms: number[] } {
  const losses: number[] = [];
  const active: number[] = [];
  for (let i = 0; i < b; i += 1) {
    let sum = 0;
    let n = 0;
    for (let s = 0; s < t - 1; s += 1) {
      const label = labels[i * t + s + 1] ?? -100; // shift_labels = labels[..., 1:]
      if (label === -100) continue; // CrossEntropyLoss(reduction='none') gives 0 at ignore_index
      sum += crossEntropy64(rowOf(logits, i * t + s, v), label); // shift_logits = logits[..., :-1, :]
      n += 1;
    }
    losses.push(sum / n);
    active.push(n);
  }
  const total = active.reduce((a, n) => a + n, 0);
  return { losses, lenNorms: active.map((n) => n / total) };
}

/** `h_func`, `f_func_*`, `g_func` (lines 121–140) and the weighting of `training_step` (lines 1215–1222), float64. */
function weights64(losses: readonly number[], fName: 'linupper' | 'mid' | 'extremes', klReg: number): number[] {
  const lmin = Math.min(...losses); // 1216
  const lmax = Math.max(...losses); // 1217
  const den = Math.max(lmax - lmin, 1e-6);
  const h = losses.map((l) => (2 * 1 * l) / den - (1 * (lmax + lmin)) / den); // h_func, delta = 1 (1219)
  const f = h.map((x) => (fName === 'mid' ? 1 - x ** 2 / 1 : fName === 'linupper' ? Math.min(x + 1, 1) : Math.abs(x))); // 1220
  const fMax = Math.max(...f);
  const g = f.map((x) => Math.exp((x - fMax) / klReg)); // g_func (1221)
  const sum = g.reduce((a, x) => a + x, 0);
  return g.map((x) => x / sum); // 1222
}

/** `loss = sum(device_weights * len_norms * losses) * world_size * len(device_weights)` (line 1226), one device. */
function reweighted64(logits: ArrayLike<number>, fName: 'linupper' | 'mid' | 'extremes', klReg: number, frozen?: number[]): number {
  const { losses, lenNorms } = batchLosses64(logits, LABELS, B, T, V);
  const w = frozen ?? weights64(losses, fName, klReg);
  return losses.reduce((a, l, i) => a + (w[i] ?? 0) * (lenNorms[i] ?? 0) * l, 0) * 1 * w.length;
}

const STRATEGIES: Array<[SampleReweightingStrategy, 'linupper' | 'mid' | 'extremes']> = [
  ['linUpper', 'linupper'],
  ['quadratic', 'mid'],
  ['extremes', 'extremes'],
];

describe.each(TEST_BACKENDS)('sampleReweightedLoss on %s', (backend) => {
  it.each(STRATEGIES)('%s matches a float64 transcription of the reference trainer within 1e-6 (weights, losses, loss)', async (strategy, fName) => {
    await useBackend(backend);
    const ref = batchLosses64(LOGITS, LABELS, B, T, V);
    for (const r of [0.4, 1]) {
      const [w, loss] = tf.tidy(() => {
        const x = tf.tensor3d(LOGITS, [B, T, V]);
        const y = tf.tensor2d(LABELS, [B, T], 'int32');
        const l = tf.tensor1d(ref.losses.map(Math.fround));
        return [Array.from(sampleReweightingWeights(l, { strategy, temperature: r }).dataSync()), scalarOf(sampleReweightedLoss(y, x, { strategy, temperature: r, shiftLabels: true }))];
      });
      const expected = weights64(ref.losses, fName, r);
      expect(Math.max(...w.map((v, i) => Math.abs(v - (expected[i] ?? 0))))).toBeLessThan(1e-6);
      expect(w.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 6);
      expect(Math.abs(loss - reweighted64(LOGITS, fName, r)) / reweighted64(LOGITS, fName, r)).toBeLessThan(1e-6);
    }
    const perSequence = tf.tidy(() =>
      Array.from(sampleReweightedLoss(tf.tensor2d(LABELS, [B, T], 'int32'), tf.tensor3d(LOGITS, [B, T, V]), { strategy: 'uniform', shiftLabels: true, reduction: 'none' }).dataSync()),
    );
    // uniform: terms B·(1/B)·(n_i/Σn)·l_i
    expect(maxRelativeError(perSequence, ref.losses.map((l, i) => (ref.lenNorms[i] ?? 0) * l))).toBeLessThan(1e-6);
  });

  it('LinUpper with r → ∞ and uniform give the plain average (token mean; mean of sequences with sequenceShare equal)', async () => {
    await useBackend(backend);
    const { losses, lenNorms } = batchLosses64(LOGITS, LABELS, B, T, V);
    const tokenMean = losses.reduce((a, l, i) => a + (lenNorms[i] ?? 0) * l, 0);
    const sequenceMean = losses.reduce((a, l) => a + l, 0) / B;
    const values = tf.tidy(() => {
      const x = tf.tensor3d(LOGITS, [B, T, V]);
      const y = tf.tensor2d(LABELS, [B, T], 'int32');
      const at = (options: Parameters<typeof sampleReweightedLoss>[2]): number => scalarOf(sampleReweightedLoss(y, x, { shiftLabels: true, ...options }));
      return [
        at({ strategy: 'linUpper', temperature: Number.POSITIVE_INFINITY }),
        at({ strategy: 'linUpper', temperature: 1e9 }),
        at({ strategy: 'uniform' }),
        at({ strategy: 'linUpper', temperature: Number.POSITIVE_INFINITY, sequenceShare: 'equal' }),
        at({ strategy: 'linUpper', temperature: 0.4 }),
      ];
    });
    expect(maxRelativeError(values.slice(0, 3), [tokenMean, tokenMean, tokenMean])).toBeLessThan(1e-6);
    expect(Math.abs((values[3] ?? 0) - sequenceMean) / sequenceMean).toBeLessThan(1e-6);
    // a real reweighting is not the mean (LinUpper down-weights low losses: the value rises)
    expect((values[4] ?? 0) - tokenMean).toBeGreaterThan(1e-3);
  });

  it('Extremes puts the largest weights on the lowest and highest losses, Quadratic on the middle, LinUpper caps above the mid-range', async () => {
    await useBackend(backend);
    const losses = [0.5, 1.1, 2.0, 3.0, 3.5, 1.4, 2.6];
    const w = (strategy: SampleReweightingStrategy): number[] => tf.tidy(() => Array.from(sampleReweightingWeights(losses, { strategy, temperature: 0.4 }).dataSync()));
    const order = (ws: number[]): number[] => ws.map((_, i) => i).sort((a, b) => (ws[b] ?? 0) - (ws[a] ?? 0));
    expect(order(w('extremes')).slice(0, 2).sort()).toEqual([0, 4]); // losses 0.5 (lowest) and 3.5 (highest)
    expect(order(w('quadratic'))[0]).toBe(2); // 2.0, the mid-range
    const lin = w('linUpper');
    expect(order(lin).at(-1)).toBe(0); // the lowest loss gets the least
    expect(lin[3]).toBeCloseTo(lin[4] ?? 0, 7); // 3.0 and 3.5 are above the mid-range (2.0): equal, capped
    expect(Math.max(...lin) / Math.min(...lin)).toBeCloseTo(Math.exp(1 / 0.4), 4); // the bound e^{1/r} is reached
  });

  it('the weights carry no gradient: differentiating through them gives exactly zero', async () => {
    await useBackend(backend);
    const coefficients = uniformArray(makeRandom(3), B, -1, 1);
    const [gradWeights, gradLoss] = tf.tidy(() => {
      const x = tf.tensor3d(LOGITS, [B, T, V]);
      const y = tf.tensor2d(LABELS, [B, T], 'int32');
      const c = tf.tensor1d(coefficients);
      // Σ c_i·w_i as a function of the logits (through the per-sequence losses)
      const throughWeights = tf.grad((v: tf.Tensor) => {
        const l = tf.sum(tf.mul(tf.neg(tf.logSoftmax(v)), tf.oneHot(tf.tensor2d(LABELS.map((k) => Math.max(k, 0)), [B, T], 'int32'), V)), [1, 2]);
        return tf.sum(tf.mul(sampleReweightingWeights(l, { strategy: 'extremes', temperature: 0.4 }), c));
      })(x);
      const full = tf.grad((v: tf.Tensor) => sampleReweightedLoss(y, v, { strategy: 'extremes', temperature: 0.4, shiftLabels: true }))(x);
      return [Array.from(throughWeights.dataSync()), Array.from(full.dataSync())];
    });
    expect(gradWeights.every((g) => g === 0)).toBe(true);
    expect(gradLoss.some((g) => g !== 0)).toBe(true);
  });

  it('passes a gradient check against float64 central differences with the weights held at their value', async () => {
    await useBackend(backend);
    const frozen = weights64(batchLosses64(LOGITS.map(Math.fround), LABELS, B, T, V).losses, 'linupper', 0.4);
    const { worstExcess } = checkGradientAgainst64(
      (v) => sampleReweightedLoss(tf.tensor2d(LABELS, [B, T], 'int32'), v, { strategy: 'linUpper', temperature: 0.4, shiftLabels: true }),
      LOGITS,
      [B, T, V],
      (x) => reweighted64(x, 'linupper', 0.4, frozen),
    );
    expect(worstExcess).toBeLessThanOrEqual(0);
  });

  it('is stable at logits of ±50; a token mask, one sequence, and a sequence without tokens behave', async () => {
    await useBackend(backend);
    const extreme = LOGITS.map((v, i) => (i % 5 === 0 ? 50 : i % 7 === 0 ? -50 : v));
    const [value, grad, single, masked, maskedRef] = tf.tidy(() => {
      const x = tf.tensor3d(extreme, [B, T, V]);
      const y = tf.tensor2d(LABELS, [B, T], 'int32');
      const { value: v, grad: g } = tf.valueAndGrad((l: tf.Tensor) => sampleReweightedLoss(y, l, { strategy: 'extremes', temperature: 0.4, shiftLabels: true }) as tf.Scalar)(x);
      const one = scalarOf(sampleReweightingWeights([2.5], { strategy: 'linUpper' }));
      // Padding given by a mask instead of −100; sequence 3 fully masked: weight 0, the rest as without it.
      const mask = LABELS.map((k, i) => (k === -100 || Math.floor(i / T) === 3 ? 0 : 1));
      const yFilled = tf.tensor2d(LABELS.map((k) => Math.max(k, 0)), [B, T], 'int32');
      const m = scalarOf(sampleReweightedLoss(yFilled, x, { mask: tf.tensor2d(mask, [B, T]), shiftLabels: true, ignoreIndex: null }));
      const keep = [0, 1, 2, 4, 5];
      const rows = tf.gather(x, keep);
      const ref = scalarOf(sampleReweightedLoss(tf.gather(y, keep), rows, { shiftLabels: true }));
      return [scalarOf(v), Array.from(g.dataSync()), one, m, ref];
    });
    expect(Number.isFinite(value)).toBe(true);
    expect(grad.every(Number.isFinite)).toBe(true);
    expect(value).toBeCloseTo(reweighted64(extreme, 'extremes', 0.4), 3);
    expect(Math.abs(value - reweighted64(extreme, 'extremes', 0.4)) / value).toBeLessThan(1e-5);
    expect(single).toBe(1);
    expect(Math.abs(masked - maskedRef) / maskedRef).toBeLessThan(1e-6);
  });

  it('leaves no tensors behind after a gradient step and an evaluation (counted outside tidy)', async () => {
    await useBackend(backend);
    const x = tf.tensor3d(LOGITS, [B, T, V]);
    const y = tf.tensor2d(LABELS, [B, T], 'int32');
    expectNoLeak(() => [
      ...stepAndEvaluation((v) => sampleReweightedLoss(y, v, { shiftLabels: true }), x),
      sampleReweightedLoss(y, x, { strategy: 'quadratic', shiftLabels: true }),
      sampleReweightingWeights([1, 2, 3]),
    ]);
    tf.dispose([x, y]);
  });
});

describe('sampleReweightedLoss argument errors', () => {
  it('names the argument', async () => {
    await useBackend('cpu');
    const x = [[[0, 1], [1, 0]]];
    expect(argumentOf(() => sampleReweightedLoss([[0, 1]], x, { strategy: 'mid' as SampleReweightingStrategy }))).toBe('options.strategy');
    expect(argumentOf(() => sampleReweightedLoss([[0, 1]], x, { temperature: 0 }))).toBe('options.temperature');
    expect(argumentOf(() => sampleReweightedLoss([[0, 1]], x, { sequenceShare: 'none' as 'tokens' }))).toBe('options.sequenceShare');
    expect(argumentOf(() => sampleReweightedLoss([[0, 1]], x, { mask: [[1, 1, 1]] }))).toBe('options.mask');
    expect(argumentOf(() => sampleReweightedLoss([[0, 2]], x))).toBe('targets');
    expect(argumentOf(() => sampleReweightedLoss([[0, 1, 1]], x))).toBe('targets');
    expect(argumentOf(() => sampleReweightedLoss([0], [0, 1]))).toBe('logits');
    expect(argumentOf(() => sampleReweightedLoss([[0, 1]], x, { shiftLabels: true, weights: [-1] }))).toBe('options.weights');
    expect(argumentOf(() => sampleReweightingWeights([[1, 2]]))).toBe('sequenceLosses');
    expect(argumentOf(() => sampleReweightingWeights([1, 2], { active: [1] }))).toBe('options.active');
    expect(() => sampleReweightedLoss([[0, 1]], x, { temperature: -1 })).toThrow("sampleReweightedLoss: argument 'options.temperature' must be a number > 0");
  });
});
