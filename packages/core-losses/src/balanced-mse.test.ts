import { readFileSync } from 'node:fs';

import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { balancedMseLoss } from './balanced-mse.js';
import { meanSquaredError } from './point-losses.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { checkGradientAgainst64 } from './test-support/gradient-check.js';
import { expectNoLeak } from './test-support/leak-check.js';
import { makeRandom, maxRelativeError } from './test-support/random-inputs.js';
import { scalarOf } from './test-support/tensors.js';

interface BmcCase {
  pred: number[];
  target: number[];
  sigma: number;
  loss: number;
  per_sample: number[];
  grad_pred: number[];
  grad_sigma: number;
}

// Written by test-support/regression-references.py (NumPy float64) following jiawei-ren/BalancedMSE (8685916)
// imdb-wiki-dir/balanaced_mse.py bmc_loss, lines 42-47: logits −0.5(pred − target.T)²/σ², cross_entropy(logits,
// arange(B)) with its default mean, × (2σ²).detach(); gradients written out analytically.
const CASES = (JSON.parse(readFileSync(new URL('./test-support/regression-references.json', import.meta.url), 'utf8')) as { bmc: BmcCase[] }).bmc;

/** Float64 BMC loss (mean), the same rule, for finite differences. */
function bmc64(pred: ArrayLike<number>, target: readonly number[], sigma: number, scale = 2 * sigma * sigma): number {
  const n = target.length;
  let total = 0;
  for (let i = 0; i < n; i += 1) {
    const logits = target.map((t) => (-0.5 * ((pred[i] ?? 0) - t) ** 2) / (sigma * sigma));
    const max = Math.max(...logits);
    const lse = max + Math.log(logits.reduce((s, l) => s + Math.exp(l - max), 0));
    total += lse - (logits[i] ?? 0);
  }
  return (total / n) * scale;
}

describe.each(TEST_BACKENDS)('balancedMseLoss on %s', (backend) => {
  for (const [k, c] of CASES.entries()) {
    it(`matches the reference rule: value, per-sample terms, gradients in ŷ and σ (case ${k}, σ = ${c.sigma})`, async () => {
      await useBackend(backend);
      const sigma = tf.variable(tf.scalar(c.sigma));
      const [value, perSample, gradPred, gradSigma] = tf.tidy(() => {
        const y = tf.tensor1d(c.target);
        const p = tf.tensor1d(c.pred);
        const g = tf.grad((v: tf.Tensor) => balancedMseLoss(y, v, { noiseSigma: sigma }))(p);
        const { grads } = tf.variableGrads(() => balancedMseLoss(y, p, { noiseSigma: sigma }) as tf.Scalar, [sigma]);
        return [
          scalarOf(balancedMseLoss(y, p, { noiseSigma: c.sigma })),
          Array.from(balancedMseLoss(y, p, { noiseSigma: c.sigma, reduction: 'none' }).dataSync()),
          Array.from(g.dataSync()),
          scalarOf(grads[sigma.name] as tf.Tensor),
        ];
      });
      sigma.dispose();
      expect(maxRelativeError([value], [c.loss])).toBeLessThan(2e-6);
      // terms of 1e-12 (a label far from every other) carry float32 noise of the larger terms: relative to the largest
      expect(maxRelativeError(perSample, c.per_sample, Math.max(...c.per_sample))).toBeLessThan(2e-6);
      const scale = Math.max(...c.grad_pred.map(Math.abs));
      c.grad_pred.forEach((g, i) => expect(Math.abs((gradPred[i] ?? Number.NaN) - g)).toBeLessThan(1e-5 * scale));
      expect(maxRelativeError([gradSigma], [c.grad_sigma])).toBeLessThan(1e-4);
    });
  }

  it('ranks predictors like MSE when σ is small against the label spread and the batch resolves the density', async () => {
    await useBackend(backend);
    const random = makeRandom(41);
    const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const y = Array.from({ length: 512 }, () => normal());
    const noise = Array.from({ length: 512 }, () => normal());
    const levels = [0.15, 0.3, 0.6, 0.9, 1.2];
    const [bmc, mse] = tf.tidy(() => {
      const t = tf.tensor1d(y);
      const values = levels.map((s) => {
        const p = tf.tensor1d(y.map((v, i) => v + s * (noise[i] ?? 0)));
        return [scalarOf(balancedMseLoss(t, p, { noiseSigma: 0.05 })), scalarOf(meanSquaredError(t, p))] as const;
      });
      return [values.map((v) => v[0]), values.map((v) => v[1])];
    });
    const order = (v: number[]): number[] => v.map((_, i) => i).sort((a, b) => (v[a] ?? 0) - (v[b] ?? 0));
    expect(order(bmc)).toEqual(order(mse));
    expect(order(mse)).toEqual([0, 1, 2, 3, 4]);
  });

  it('tends to (ŷ − y)² − min_j (ŷ − y_j)² as σ falls below the label spacing', async () => {
    await useBackend(backend);
    const y = [0, 1, 2, 5];
    const p = [0.3, 2.4, 2.2, 4];
    const limit = p.map((q, i) => (q - (y[i] ?? 0)) ** 2 - Math.min(...y.map((t) => (q - t) ** 2)));
    const values = tf.tidy(() => Array.from(balancedMseLoss(y, p, { noiseSigma: 0.01, reduction: 'none' }).dataSync()));
    values.forEach((v, i) => expect(v).toBeCloseTo(limit[i] ?? Number.NaN, 4));
  });

  it('drops missing targets as rows and as batch labels; stays finite at errors of ±50 and ±1e4', async () => {
    await useBackend(backend);
    const y = [1, Number.NaN, 3, 0.5];
    const p = [1.2, 7, 2.5, 0.1];
    const kept = [0, 2, 3];
    const expected = bmc64(kept.map((i) => p[i] ?? 0), kept.map((i) => y[i] ?? 0), 1);
    const [value, grad] = tf.tidy(() => {
      const g = tf.grad((v: tf.Tensor) => balancedMseLoss(y, v, { mask: [1, 0, 1, 1] }))(tf.tensor1d(p));
      return [scalarOf(balancedMseLoss(y, p, { mask: [1, 0, 1, 1] })), Array.from(g.dataSync())];
    });
    expect(maxRelativeError([value], [expected])).toBeLessThan(2e-6);
    expect(grad[1]).toBe(0);
    const extreme = tf.tidy(() => {
      const g = tf.grad((v: tf.Tensor) => balancedMseLoss([-50, 50, 0, 1e4], v))(tf.tensor1d([50, -50, 1e4, 0]));
      return [...Array.from(g.dataSync()), scalarOf(balancedMseLoss([-50, 50, 0, 1e4], [50, -50, 1e4, 0]))];
    });
    expect(extreme.every(Number.isFinite)).toBe(true);
  });

  it('passes a gradient check against float64 central differences, with sample weights', async () => {
    await useBackend(backend);
    const c = CASES[1] as BmcCase;
    const w = c.pred.map((_, i) => 1 + (i % 3));
    const { worstExcess } = checkGradientAgainst64(
      (v) => balancedMseLoss(c.target, v, { noiseSigma: c.sigma, weights: w, reduction: 'sum' }),
      c.pred,
      [c.pred.length],
      (x) => {
        // Σ_i w_i l_i with l_i the per-sample BMC term (2σ² constant)
        let s = 0;
        for (let i = 0; i < x.length; i += 1) {
          const logits = c.target.map((t) => (-0.5 * ((x[i] ?? 0) - t) ** 2) / c.sigma ** 2);
          const max = Math.max(...logits);
          s += (w[i] ?? 0) * (max + Math.log(logits.reduce((a, l) => a + Math.exp(l - max), 0)) - (logits[i] ?? 0)) * 2 * c.sigma ** 2;
        }
        return s;
      },
    );
    expect(worstExcess).toBeLessThanOrEqual(0);
  });

  it('treats each column of [B, K] as its own BMC: values and gradients equal K one-column calls, with masks', async () => {
    await useBackend(backend);
    const random = makeRandom(11);
    const B = 9;
    const K = 3;
    const y = Array.from({ length: B * K }, () => 4 * random() - 2);
    const p = Array.from({ length: B * K }, () => 4 * random() - 2);
    const m = Array.from({ length: B * K }, (_, i) => (i % 5 === 2 ? 0 : 1));
    y[2] = Number.NaN; // a missing target may be NaN
    const col = (values: readonly number[], k: number): number[] => Array.from({ length: B }, (_, i) => values[i * K + k] ?? 0);
    const sigma = tf.variable(tf.scalar(0.8));
    const [joint, jointGrad, perColumn, columnGrads] = tf.tidy(() => {
      const yt = tf.tensor2d(y, [B, K]);
      const mt = tf.tensor2d(m, [B, K]);
      const loss = (v: tf.Tensor): tf.Tensor => balancedMseLoss(yt, v, { mask: mt, noiseSigma: sigma, reduction: 'sum' });
      const sums = Array.from({ length: K }, (_, k) => balancedMseLoss(col(y, k), col(p, k), { mask: col(m, k), noiseSigma: sigma, reduction: 'sum' }));
      const grads = Array.from({ length: K }, (_, k) =>
        Array.from(tf.grad((v: tf.Tensor) => balancedMseLoss(col(y, k), v, { mask: col(m, k), noiseSigma: sigma, reduction: 'sum' }))(tf.tensor1d(col(p, k))).dataSync()),
      );
      return [scalarOf(loss(tf.tensor2d(p, [B, K]))), Array.from(tf.grad(loss)(tf.tensor2d(p, [B, K])).dataSync()), sums.map(scalarOf), grads];
    });
    sigma.dispose();
    const total = perColumn.reduce((a, b) => a + b, 0);
    expect(maxRelativeError([joint], [total])).toBeLessThan(2e-6);
    for (let k = 0; k < K; k += 1) {
      col(jointGrad, k).forEach((g, i) => expect(Math.abs(g - (columnGrads[k]?.[i] ?? Number.NaN))).toBeLessThan(1e-6 * (1 + Math.abs(g))));
    }
    expect(jointGrad[2]).toBe(0);
  });

  it('leaves no tensors behind after a gradient step (learnable σ) and an evaluation', async () => {
    await useBackend(backend);
    const c = CASES[0] as BmcCase;
    const y = tf.tensor1d(c.target);
    const p = tf.tensor1d(c.pred);
    const sigma = tf.variable(tf.scalar(1.5));
    expectNoLeak(() => {
      const { value, grads } = tf.variableGrads(() => balancedMseLoss(y, p, { noiseSigma: sigma, mask: c.pred.map((_, i) => i % 4 === 0 ? 0 : 1) }) as tf.Scalar, [sigma]);
      return [value, grads, balancedMseLoss(y, p, { noiseSigma: sigma })];
    });
    tf.dispose([y, p, sigma]);
  });
});

describe('balancedMseLoss argument checks', () => {
  it('name the loss and the argument', async () => {
    await useBackend('cpu');
    expect(() => balancedMseLoss([[[1, 2]]], [[[1, 2]]])).toThrow("balancedMseLoss: argument 'predictions' must be [B] or [B, K] (K independent targets per sample), got [1,1,2]");
    expect(() => balancedMseLoss([1], [1], { noiseSigma: 0 })).toThrow(/'options.noiseSigma' must be a finite number > 0, got 0/);
    expect(() => balancedMseLoss([1], [1], { noiseSigma: tf.tensor1d([1, 2]) })).toThrow(/'options.noiseSigma' must be a scalar tensor/);
    expect(() => balancedMseLoss([1], [1], { noiseSigma: tf.scalar(-1) })).toThrow(/'options.noiseSigma' must be finite and > 0, got -1/);
    expect(() => balancedMseLoss([1, 2], [1])).toThrow(/'targets' must have the shape of 'predictions'/);
  });
});
