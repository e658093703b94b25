import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { LossArgumentError } from './errors.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { checkGradient } from './test-support/gradient-check.js';
import { expectNoLeak, stepAndEvaluation } from './test-support/leak-check.js';
import { pilotGeneratorA, welfareRatio } from './test-support/pilot-auctions.js';
import { makeRandom, maxRelativeError, uniformArray } from './test-support/random-inputs.js';
import { rows } from './test-support/reference64.js';
import { welfare64, welfareGradient64, welfarePerAuction64, type Welfare64Options } from './test-support/welfare64.js';
import { scalarOf } from './test-support/tensors.js';
import { combinedWelfareLoss, ecpmDifferences, welfarePairWeights, welfareRankLoss, type WelfareRankLossOptions } from './welfare-rank.js';

const A = 4;
const S = 5;
const random = makeRandom(23);
const LOGITS = rows(uniformArray(random, A * S, -3, 1), S);
const BIDS = rows(uniformArray(random, A * S, 0.2, 3), S);
const TEACHER = rows(uniformArray(random, A * S, 0.01, 0.4), S);
// Clicks with ties, an auction without any click (no weighted pair), and padding in auction 2 (the last slots).
const CLICKS = [
  [1, 0, 0, 1, 0],
  [0, 0, 0, 0, 0],
  [0, 1, 1, 0, 0],
  [1, 0, 1, 0, 1],
];
const MASK = [
  [1, 1, 1, 1, 1],
  [1, 1, 1, 1, 1],
  [1, 1, 1, 0, 0],
  [1, 1, 1, 1, 1],
];
const PADDED_BIDS = BIDS.map((row, q) => row.map((b, i) => (MASK[q]?.[i] === 1 ? b : 0)));

const CONFIGS: readonly { name: string; options: Omit<Welfare64Options, 'bids'> }[] = [
  { name: 'default (gap, logistic, eCPM, τ 0.05 mean-bid units, mean)', options: {} },
  { name: 'linear weights, hinge, absolute τ 0.3', options: { pairWeighting: 'linear', surrogate: 'hinge', temperature: 0.3, temperatureUnit: 'absolute' } },
  { name: 'log-eCPM space, pair-count normalisation, sum', options: { scoreSpace: 'logEcpm', normalization: 'pairCount', reduction: 'sum' } },
  { name: 'total-weight normalisation, τ 0.5', options: { normalization: 'totalWeight', temperature: 0.5 } },
  { name: 'batch-weight normalisation, auction weights, sumOverWeights', options: { normalization: 'batchWeight', weights: [1, 2, 0.5, 0], reduction: 'sumOverWeights' } },
  { name: 'teacher mix 0.3', options: { teacher: TEACHER, teacherMix: 0.3, temperature: 0.2 } },
];

function tfOptions(o: Omit<Welfare64Options, 'bids'>): WelfareRankLossOptions {
  return { ...o, bids: PADDED_BIDS, mask: MASK };
}

describe.each(TEST_BACKENDS)('welfareRankLoss on %s', (backend) => {
  it.each(CONFIGS)('matches the float64 brute force in value and gradient: $name', async ({ options }) => {
    await useBackend(backend);
    const ref64: Welfare64Options = { ...options, bids: PADDED_BIDS, mask: MASK };
    const expected = welfare64(CLICKS, LOGITS, ref64);
    const expectedGrad = welfareGradient64(CLICKS, LOGITS, ref64);
    const [value, grad] = tf.tidy(() => {
      const f = (s: tf.Tensor): tf.Tensor => welfareRankLoss(CLICKS, s, tfOptions(options));
      return [scalarOf(f(tf.tensor(LOGITS))), Array.from(tf.grad(f)(tf.tensor(LOGITS)).dataSync())];
    });
    expect(maxRelativeError([value], [expected])).toBeLessThan(1e-5);
    // Gradient: relative to the largest component (padded slots and clickless auctions have exact zeros).
    const scale = Math.max(...expectedGrad.map(Math.abs));
    expect(scale).toBeGreaterThan(0);
    expect(Math.max(...grad.map((g, k) => Math.abs(g - (expectedGrad[k] ?? 0))))).toBeLessThan(1e-5 * scale + 1e-7);
    // Padded slots get exactly zero gradient.
    expect(grad[2 * S + 3]).toBe(0);
    expect(grad[2 * S + 4]).toBe(0);
  });

  it("gives one loss per auction with reduction 'none'; an auction without value gaps contributes 0", async () => {
    await useBackend(backend);
    const perAuction = tf.tidy(() => Array.from(welfareRankLoss(CLICKS, LOGITS, { bids: PADDED_BIDS, mask: MASK, reduction: 'none' }).dataSync()));
    expect(perAuction).toHaveLength(A);
    expect(perAuction[1]).toBe(0);
    expect(maxRelativeError(perAuction, welfarePerAuction64(CLICKS, LOGITS, { bids: PADDED_BIDS, mask: MASK }))).toBeLessThan(1e-5);
  });

  it('passes a finite-difference gradient check in float32', async () => {
    await useBackend(backend);
    const result = checkGradient((s) => welfareRankLoss(CLICKS, s, { bids: PADDED_BIDS, mask: MASK, temperature: 0.3 }), LOGITS.flat(), [A, S], {
      h: 1e-2,
      atol: 1e-3,
      rtol: 2e-2,
    });
    expect(result.worstExcess).toBeLessThanOrEqual(0);
  });

  it('stays finite with finite gradients at logits of ±50, in both score spaces', async () => {
    await useBackend(backend);
    const extreme = LOGITS.map((row, q) => row.map((_, i) => ((q + i) % 2 === 0 ? 50 : -50)));
    for (const scoreSpace of ['ecpm', 'logEcpm'] as const) {
      const [value, grad] = tf.tidy(() => {
        const f = (s: tf.Tensor): tf.Tensor => welfareRankLoss(CLICKS, s, { bids: PADDED_BIDS, mask: MASK, scoreSpace });
        return [scalarOf(f(tf.tensor(extreme))), Array.from(tf.grad(f)(tf.tensor(extreme)).dataSync())];
      });
      expect(Number.isFinite(value)).toBe(true);
      expect(maxRelativeError([value], [welfare64(CLICKS, extreme, { bids: PADDED_BIDS, mask: MASK, scoreSpace })])).toBeLessThan(1e-5);
      expect(grad.every(Number.isFinite)).toBe(true);
    }
  });

  it('does not depend on the bid currency in mean-bid units, and does in absolute units', async () => {
    await useBackend(backend);
    const scaled = PADDED_BIDS.map((row) => row.map((b) => b * 100));
    const [relative, relativeScaled, absolute, absoluteScaled] = tf.tidy(() => [
      scalarOf(welfareRankLoss(CLICKS, LOGITS, { bids: PADDED_BIDS, mask: MASK })),
      scalarOf(welfareRankLoss(CLICKS, LOGITS, { bids: scaled, mask: MASK })),
      scalarOf(welfareRankLoss(CLICKS, LOGITS, { bids: PADDED_BIDS, mask: MASK, temperatureUnit: 'absolute' })),
      scalarOf(welfareRankLoss(CLICKS, LOGITS, { bids: scaled, mask: MASK, temperatureUnit: 'absolute' })),
    ]);
    expect(maxRelativeError([relativeScaled], [relative])).toBeLessThan(1e-5);
    expect(Math.abs(absoluteScaled - absolute)).toBeGreaterThan(0.1 * absolute);
  });

  it('scales to 256 candidates per auction (memory linear in auctions, quadratic within one) without leaking', async () => {
    await useBackend(backend);
    const big = 256;
    const auctions = 3;
    const r = makeRandom(5);
    const logits = tf.tensor2d(uniformArray(r, auctions * big, -4, 0), [auctions, big]);
    const bids = tf.tensor2d(uniformArray(r, auctions * big, 0.1, 5), [auctions, big]);
    const clicks = tf.tensor2d(uniformArray(r, auctions * big, 0, 1).map((u) => (u < 0.1 ? 1 : 0)), [auctions, big]);
    let grad: number[] = [];
    expectNoLeak(() => {
      const tensors = stepAndEvaluation((s) => welfareRankLoss(clicks, s, { bids, validate: false }), logits);
      grad = Array.from(tensors[1]?.dataSync() ?? []);
      return tensors;
    });
    expect(grad.length).toBe(auctions * big);
    expect(grad.every(Number.isFinite)).toBe(true);
    // The float64 reference on one 256-candidate auction (65,280 pairs).
    const one = (t: tf.Tensor2D): number[][] => [Array.from(tf.tidy(() => tf.slice(t, [1, 0], [1, big]).dataSync()))];
    const value = tf.tidy(() => scalarOf(welfareRankLoss(one(clicks), one(logits), { bids: one(bids) })));
    expect(maxRelativeError([value], [welfare64(one(clicks), one(logits), { bids: one(bids) })])).toBeLessThan(1e-4);
    tf.dispose([logits, bids, clicks]);
  });

  it('does not leak tensors in a gradient step and an evaluation (outside tf.tidy)', async () => {
    await useBackend(backend);
    const logits = tf.tensor2d(LOGITS);
    const bids = tf.tensor2d(BIDS);
    const valid = tf.onesLike(bids);
    expectNoLeak(() => [
      ...stepAndEvaluation((s) => combinedWelfareLoss(CLICKS, s, { bids: PADDED_BIDS, mask: MASK, lambda: 0.3 }), logits),
      ...stepAndEvaluation((s) => welfareRankLoss(CLICKS, s, { bids: BIDS, teacher: TEACHER, scoreSpace: 'logEcpm' }), logits),
      ecpmDifferences(logits, bids, 2, 'logEcpm'),
      welfarePairWeights(bids, valid, 'linear'),
    ]);
    tf.dispose([logits, bids, valid]);
  });

  it('names the argument in its errors', async () => {
    await useBackend(backend);
    const call = (o: Partial<WelfareRankLossOptions>, targets: number[][] = CLICKS): (() => void) => () =>
      tf.tidy(() => {
        welfareRankLoss(targets, LOGITS, { bids: PADDED_BIDS, mask: MASK, ...o });
      });
    expect(() => tf.tidy(() => welfareRankLoss(CLICKS, LOGITS, {} as WelfareRankLossOptions))).toThrow(/'options\.bids' is required/);
    expect(call({ bids: BIDS.map((r) => r.map(() => -1)) })).toThrow(/'options\.bids' must be finite and > 0/);
    expect(call({ mask: MASK.map((r) => r.map(() => 2)) })).toThrow(/'options\.mask' must hold 0\/1/);
    expect(call({}, CLICKS.map((r) => r.map(() => 2)))).toThrow(/'targets' must lie in \[0, 1\]/);
    expect(call({ temperature: 0 })).toThrow(/'options\.temperature'/);
    expect(call({ pairWeighting: 'quadratic' as never })).toThrow(/'options\.pairWeighting' must be one of 'gap', 'linear'/);
    expect(call({ teacherMix: 0.5 })).toThrow(/'options\.teacherMix' is only meaningful with options\.teacher/);
    expect(call({ bids: [[1, 2]] })).toThrow(LossArgumentError);
    expect(() => tf.tidy(() => welfareRankLoss([1, 0], [0.1, 0.2], { bids: [1, 1] }))).toThrow(/'logits' must have shape \[A, S\]/);
  });
});

describe.each(TEST_BACKENDS)('combinedWelfareLoss on %s', (backend) => {
  it('is λ·logloss + (1 − λ)·(pair-weighted mean rank loss), both on the scale of log 2 at zero logits', async () => {
    await useBackend(backend);
    const lambda = 0.3;
    const logloss64 = (logits: number[][]): number => {
      let sum = 0;
      let n = 0;
      logits.forEach((row, q) =>
        row.forEach((s, i) => {
          if (MASK[q]?.[i] !== 1) return;
          const y = CLICKS[q]?.[i] ?? 0;
          sum += Math.max(s, 0) - s * y + Math.log1p(Math.exp(-Math.abs(s)));
          n += 1;
        }),
      );
      return sum / n;
    };
    const rank64 = (logits: number[][], bids = PADDED_BIDS): number =>
      welfare64(CLICKS, logits, { bids, mask: MASK, normalization: 'batchWeight', temperature: 0.2 });
    const value = tf.tidy(() => scalarOf(combinedWelfareLoss(CLICKS, LOGITS, { bids: PADDED_BIDS, mask: MASK, lambda, temperature: 0.2 })));
    expect(maxRelativeError([value], [lambda * logloss64(LOGITS) + (1 - lambda) * rank64(LOGITS)])).toBeLessThan(1e-5);
    const zeros = LOGITS.map((r) => r.map(() => 0));
    expect(logloss64(zeros)).toBeCloseTo(Math.LN2, 10);
    // Equal bids and equal logits: every eCPM difference is 0, so the pair-weighted mean is log(1 + e^0).
    expect(rank64(zeros, PADDED_BIDS.map((r) => r.map(() => 1)))).toBeCloseTo(Math.LN2, 10);
    const [ll, rank] = tf.tidy(() => [
      scalarOf(combinedWelfareLoss(CLICKS, LOGITS, { bids: PADDED_BIDS, mask: MASK, lambda: 1 })),
      scalarOf(combinedWelfareLoss(CLICKS, LOGITS, { bids: PADDED_BIDS, mask: MASK, lambda: 0 })),
    ]);
    expect(maxRelativeError([ll], [logloss64(LOGITS)])).toBeLessThan(1e-5);
    expect(maxRelativeError([rank], [welfare64(CLICKS, LOGITS, { bids: PADDED_BIDS, mask: MASK, normalization: 'batchWeight' })])).toBeLessThan(1e-5);
    expect(() => tf.tidy(() => combinedWelfareLoss(CLICKS, LOGITS, { bids: PADDED_BIDS, lambda: 2 }))).toThrow(/'options\.lambda'/);
    // λ = 1 builds no pair tensors but checks its arguments all the same.
    expect(() => tf.tidy(() => combinedWelfareLoss(CLICKS.map((r) => r.map(() => 3)), LOGITS, { bids: PADDED_BIDS, lambda: 1 }))).toThrow(/'targets' must lie in \[0, 1\]/);
    expect(() => tf.tidy(() => combinedWelfareLoss(CLICKS, [[1, 2]], { bids: PADDED_BIDS, lambda: 1 }))).toThrow(/combinedWelfareLoss: argument 'targets'/);
  });
});

describe('welfareRankLoss raises auction welfare over logloss (pilot generator A, fixed seed)', () => {
  // The property the loss exists for: a misspecified linear CTR model trained with the eCPM-space gap form allocates
  // single slots with a higher exact welfare ratio than the same model trained with logloss.
  function train(loss: 'logloss' | 'welfare', seed: number): number {
    const trainSet = pilotGeneratorA(6000, seed);
    const testSet = pilotGeneratorA(6000, seed + 1000);
    const K = trainSet.candidates;
    const x = tf.tensor3d(trainSet.x, [trainSet.auctions, K, 8]);
    const clicks = tf.tensor2d(trainSet.clicks, [trainSet.auctions, K]);
    const bids = tf.tensor2d(trainSet.bids, [trainSet.auctions, K]);
    const theta = tf.variable(tf.zeros([8, 1]));
    const bias = tf.variable(tf.scalar(-2));
    const optimizer = tf.train.adam(0.02);
    const batch = 256;
    const order = makeRandom(seed + 7);
    for (let step = 0; step < 500; step += 1) {
      const start = Math.floor(order() * (trainSet.auctions - batch));
      tf.tidy(() => {
        const xb = tf.slice(x, [start, 0, 0], [batch, K, 8]);
        const yb = tf.slice(clicks, [start, 0], [batch, K]);
        const bb = tf.slice(bids, [start, 0], [batch, K]);
        optimizer.minimize(() => {
          const s = tf.add(tf.reshape(tf.matMul(tf.reshape(xb, [batch * K, 8]), theta), [batch, K]), bias);
          return (
            loss === 'logloss'
              ? combinedWelfareLoss(yb, s, { bids: bb, lambda: 1, validate: false })
              : welfareRankLoss(yb, s, { bids: bb, validate: false })
          ) as tf.Scalar;
        });
      });
    }
    const scores = tf.tidy(() =>
      tf.add(tf.matMul(tf.tensor2d(testSet.x, [testSet.auctions * K, 8]), theta), bias).dataSync(),
    );
    optimizer.dispose();
    tf.dispose([x, clicks, bids, theta, bias]);
    return welfareRatio(testSet, scores);
  }

  it('eCPM-space gap form beats logloss in exact welfare ratio', async () => {
    await useBackend('wasm');
    const logloss = train('logloss', 1);
    const welfare = train('welfare', 1);
    const bidOnly = welfareRatio(pilotGeneratorA(6000, 1001), new Float32Array(60000));
    console.info(`welfare ratio on held-out auctions: bid only ${bidOnly.toFixed(4)}, logloss ${logloss.toFixed(4)}, welfare rank ${welfare.toFixed(4)}`);
    expect(logloss).toBeGreaterThan(bidOnly);
    expect(welfare).toBeGreaterThan(logloss);
  }, 60_000);
});
