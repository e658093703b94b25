import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { maskedDiffusionLoss } from './md4-loss.js';
import { md4MaskTokens } from './md4-masking.js';
import { md4Schedule } from './md4-schedule.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { checkGradientAgainst64 } from './test-support/gradient-check.js';
import { expectNoLeak, stepAndEvaluation } from './test-support/leak-check.js';
import { intArray, makeRandom, maxRelativeError, uniformArray } from './test-support/random-inputs.js';
import { crossEntropy64, rowOf } from './test-support/reference64.js';
import { scalarOf } from './test-support/tensors.js';

const B = 3;
const L = 4;
const V = 5;
const random = makeRandom(17);
const Z = uniformArray(random, B * L * V, -3, 3).map(Math.fround);
const X = intArray(random, B * L, V);
const M = [1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 1];
const W = [12.5, 2, 0.75].map(Math.fround);
const PAD = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0];
/** A flat [B·L] array as B rows of L. */
const grid = (a: readonly number[]): number[][] => Array.from({ length: B }, (_, b) => a.slice(b * L, b * L + L));

/** float64 −log softmax(z_bn)[x_bn] for every token, row-major [B·L]. */
function tokenCe(z: ArrayLike<number>, x: readonly number[], vocab: number): number[] {
  return x.map((target, i) => crossEntropy64(rowOf(z, i, vocab), target));
}

/** float64 l_b = w_b·Σ_n m_bn·pad_bn·CE_bn (md4.py lines 216–236), optionally ÷ L·ln 2 (utils.py loss2bpt). */
function reference(z: ArrayLike<number>, pad: readonly number[] = M.map(() => 1), bits = true): number[] {
  const ce = tokenCe(z, X, V);
  return W.map((w, b) => {
    let sum = 0;
    for (let n = 0; n < L; n += 1) sum += (M[b * L + n] ?? 0) * (pad[b * L + n] ?? 0) * (ce[b * L + n] ?? 0);
    return (w * sum) / (bits ? L * Math.LN2 : 1);
  });
}
const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

describe.each(TEST_BACKENDS)('maskedDiffusionLoss on %s', (backend) => {
  it('matches the float64 definition: bits per token (default), nats, per sequence, padding, sequence weights', async () => {
    await useBackend(backend);
    const [bpt, nats, perSeq, padded, weighted] = tf.tidy(() => {
      const z = tf.tensor3d(Z, [B, L, V]);
      const x = tf.tensor2d(X, [B, L], 'int32');
      const common = { maskedTokens: tf.tensor2d(M, [B, L]), elboWeights: W };
      return [
        scalarOf(maskedDiffusionLoss(x, z, common)),
        scalarOf(maskedDiffusionLoss(x, z, { ...common, normalization: 'none' })),
        Array.from(maskedDiffusionLoss(x, z, { ...common, reduction: 'none' }).dataSync()),
        scalarOf(maskedDiffusionLoss(x, z, { ...common, mask: tf.tensor2d(PAD, [B, L]), reduction: 'sum' })),
        scalarOf(maskedDiffusionLoss(x, z, { ...common, weights: [1, 0, 2], reduction: 'sumOverWeights' })),
      ];
    });
    const ref = reference(Z);
    expect(maxRelativeError([bpt, nats], [mean(ref), mean(reference(Z, undefined, false))])).toBeLessThan(2e-6);
    expect(maxRelativeError(perSeq, ref)).toBeLessThan(2e-6);
    expect(maxRelativeError([padded], [reference(Z, PAD).reduce((a, b) => a + b, 0)])).toBeLessThan(2e-6);
    expect(maxRelativeError([weighted], [((ref[0] ?? 0) + 2 * (ref[2] ?? 0)) / 3])).toBeLessThan(2e-6);
  });

  it('reads [B] targets with [B, V] logits as B sequences of one token', async () => {
    await useBackend(backend);
    const [flat, seq] = tf.tidy(() => {
      const z = tf.tensor2d(Z, [B * L, V]);
      const x = tf.tensor1d(X, 'int32');
      const w = Array.from({ length: B * L }, (_, i) => W[Math.floor(i / L)] ?? 0);
      return [
        Array.from(maskedDiffusionLoss(x, z, { maskedTokens: M, elboWeights: w, mask: PAD, reduction: 'none', normalization: 'none' }).dataSync()),
        Array.from(maskedDiffusionLoss(tf.reshape(x, [B, L]), tf.reshape(z, [B, L, V]), { maskedTokens: grid(M), elboWeights: W, mask: grid(PAD), reduction: 'none', normalization: 'none' }).dataSync()),
      ];
    });
    const summed = Array.from({ length: B }, (_, b) => flat.slice(b * L, b * L + L).reduce((a, v) => a + v, 0));
    expect(maxRelativeError(summed, seq)).toBeLessThan(2e-6);
  });

  it('is exact and finite at logits of ±50', async () => {
    await useBackend(backend);
    const big = Z.map((v) => (v > 0 ? 50 : -50));
    const [value, grad] = tf.tidy(() => {
      const x = tf.tensor2d(X, [B, L], 'int32');
      const opts = { maskedTokens: grid(M), elboWeights: W, reduction: 'none' as const };
      const g = tf.grad((z: tf.Tensor) => maskedDiffusionLoss(x, z, { ...opts, reduction: 'sum' }))(tf.tensor3d(big, [B, L, V]));
      return [Array.from(maskedDiffusionLoss(x, tf.tensor3d(big, [B, L, V]), opts).dataSync()), Array.from(g.dataSync())];
    });
    expect(maxRelativeError(value, reference(big))).toBeLessThan(2e-6);
    expect(grad.every(Number.isFinite)).toBe(true);
  });

  it('passes a gradient check against float64 central differences', async () => {
    await useBackend(backend);
    const { worstExcess } = checkGradientAgainst64(
      (z) => maskedDiffusionLoss(grid(X), z, { maskedTokens: grid(M), elboWeights: W, mask: grid(PAD), weights: [1, 2, 0.5] }),
      Z,
      [B, L, V],
      (z) => {
        const r = reference(z, PAD);
        return ((r[0] ?? 0) + 2 * (r[1] ?? 0) + 0.5 * (r[2] ?? 0)) / B;
      },
    );
    expect(worstExcess).toBeLessThanOrEqual(0);
  });

  it('leaves no tensors behind after a gradient step and an evaluation', async () => {
    await useBackend(backend);
    const z = tf.tensor3d(Z, [B, L, V]);
    const x = tf.tensor2d(X, [B, L], 'int32');
    const m = tf.tensor2d(M, [B, L]);
    const w = tf.tensor1d(W);
    expectNoLeak(() => [
      ...stepAndEvaluation((v) => maskedDiffusionLoss(x, v, { maskedTokens: m, elboWeights: w, mask: grid(PAD) }), z),
      maskedDiffusionLoss(x, z, { maskedTokens: m, elboWeights: w, reduction: 'none' }),
    ]);
    tf.dispose([z, x, m, w]);
  });
});

describe('maskedDiffusionLoss with md4MaskTokens', () => {
  it('averages over training steps to the ELBO closed form (1 − 2ε)·Σ_n CE_n of a model that ignores its input', async () => {
    await useBackend('cpu');
    // A "model" whose logits do not depend on z_t: its negative ELBO's diffusion term is
    // ∫ w(t)(1 − α(t)) dt · Σ_n CE_n = (α(0) − α(1))·Σ_n CE_n = (1 − 2ε)·Σ_n CE_n, for every schedule.
    const seqLen = 16;
    const batch = 32;
    const vocab = 7;
    const r = makeRandom(5);
    const sequence = intArray(r, seqLen, vocab);
    const logits = uniformArray(r, seqLen * vocab, -2, 2).map(Math.fround);
    const ce = tokenCe(logits, sequence, vocab).reduce((a, b) => a + b, 0);
    for (const type of ['linear', 'cosine'] as const) {
      const schedule = md4Schedule({ type });
      const x = tf.tensor2d(Array.from({ length: batch }, () => sequence), [batch, seqLen], 'int32');
      const z = tf.tile(tf.tensor3d(logits, [1, seqLen, vocab]), [batch, 1, 1]);
      const stepMeans: number[] = [];
      for (let step = 0; step < 300; step += 1) {
        const drawn = md4MaskTokens(x, { maskTokenId: vocab, seed: 1000 * step + 1, schedule });
        stepMeans.push(scalarOf(tf.tidy(() => maskedDiffusionLoss(x, z, { maskedTokens: drawn.maskedTokens, elboWeights: drawn.elboWeights, normalization: 'none' }))));
        tf.dispose([drawn.noisyTokens, drawn.maskedTokens, drawn.elboWeights]);
      }
      tf.dispose([x, z]);
      const estimate = mean(stepMeans);
      const se = Math.sqrt(stepMeans.reduce((s, v) => s + (v - estimate) ** 2, 0) / (stepMeans.length - 1) / stepMeans.length);
      const expected = (1 - 2 * schedule.eps) * ce;
      expect(se).toBeLessThan(0.02 * expected); // the check below is informative, not vacuous
      expect(Math.abs(estimate - expected)).toBeLessThan(4 * se);
    }
  });
});

describe('maskedDiffusionLoss argument checks', () => {
  it('name the loss and the argument', async () => {
    await useBackend('cpu');
    const z = [[[0, 1], [1, 0]]];
    const ok = { maskedTokens: [[1, 0]], elboWeights: [1] };
    expect(() => maskedDiffusionLoss([0], [0, 1], ok)).toThrow("maskedDiffusionLoss: argument 'logits' must have shape [B, L, V] (or [B, V]: sequences of one token), got [2]");
    expect(() => maskedDiffusionLoss([0, 1], z, ok)).toThrow(/'targets' must be token ids of shape \[1,2\]/);
    expect(() => maskedDiffusionLoss([0, 1], [[0, 1], [1, 0]], ok)).toThrow(/'options.maskedTokens' must have shape \[2\], got \[1,2\]/);
    expect(() => maskedDiffusionLoss([[0, 2]], z, ok)).toThrow(/'targets' holds class id 2 at flat index 1/);
    expect(() => maskedDiffusionLoss([[0, 1]], z, { elboWeights: [1] } as never)).toThrow(/'options.maskedTokens' is required/);
    expect(() => maskedDiffusionLoss([[0, 1]], z, { maskedTokens: [[1, 0]] } as never)).toThrow(/'options.elboWeights' is required/);
    expect(() => maskedDiffusionLoss([[0, 1]], z, { ...ok, maskedTokens: [[1, 0, 1]] })).toThrow(/'options.maskedTokens' must have shape \[1,2\], got \[1,3\]/);
    expect(() => maskedDiffusionLoss([[0, 1]], z, { ...ok, maskedTokens: [[1, 0.5]] })).toThrow(/'options.maskedTokens' must hold 0 or 1, got 0.5/);
    expect(() => maskedDiffusionLoss([[0, 1]], z, { ...ok, elboWeights: [1, 2] })).toThrow(/'options.elboWeights' must have shape \[1\] \(one weight per sequence\), got \[2\]/);
    expect(() => maskedDiffusionLoss([[0, 1]], z, { ...ok, elboWeights: [-1] })).toThrow(/'options.elboWeights' must be finite and >= 0, got -1/);
    expect(() => maskedDiffusionLoss([[0, 1]], z, { ...ok, mask: [[1, 3]] })).toThrow(/'options.mask' must hold 0 or 1, got 3/);
    expect(() => maskedDiffusionLoss([[0, 1]], [[[0, Number.NaN], [1, 0]]], ok)).toThrow(/'logits' must be finite, got NaN/);
    expect(() => maskedDiffusionLoss([[0, 1]], z, { ...ok, normalization: 'bits' as 'none' })).toThrow(/'options.normalization' must be 'bitsPerToken' or 'none'/);
    expect(() => maskedDiffusionLoss([[0, 1]], z, undefined as never)).toThrow(/'options' is required/);
  });
});
