import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { SampleReweighter, weightSpread } from './sample-reweighter.js';
import { sampleReweightedLoss, sampleReweightingWeights } from './sample-reweighting.js';
import { argumentOf } from './test-support/argument-errors.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { intArray, makeRandom, maxRelativeError, uniformArray } from './test-support/random-inputs.js';
import { scalarOf } from './test-support/tensors.js';

const B = 5;
const T = 4;
const V = 6;
const random = makeRandom(99);
const LOGITS = uniformArray(random, B * T * V, -3, 3);
const TARGETS = intArray(random, B * T, V).map((v, k) => (k === 3 || k === 7 || k === 6 ? -100 : v));

describe.each(TEST_BACKENDS)('SampleReweighter on %s', (backend) => {
  it('averages plainly during warm-up, then reweights, and reports the weights and their spread every step', async () => {
    await useBackend(backend);
    const reweighter = new SampleReweighter({ strategy: 'linUpper', temperature: 0.4, warmupSteps: 2 });
    expect(reweighter.report()).toMatchObject({ step: 0, reweighted: false, weights: [] });
    const x = tf.tensor3d(LOGITS, [B, T, V]);
    const y = tf.tensor2d(TARGETS, [B, T], 'int32');
    const plain = tf.tidy(() => scalarOf(sampleReweightedLoss(y, x, { strategy: 'uniform' })));
    const reweighted = tf.tidy(() => scalarOf(sampleReweightedLoss(y, x, { strategy: 'linUpper', temperature: 0.4 })));
    const values: number[] = [];
    const reports = [];
    for (let step = 0; step < 4; step += 1) {
      const loss = reweighter.loss(y, x);
      values.push(scalarOf(loss));
      loss.dispose();
      reports.push(reweighter.report());
    }
    expect(maxRelativeError(values, [plain, plain, reweighted, reweighted])).toBeLessThan(1e-6);
    expect(reports.map((r) => [r.step, r.reweighted])).toEqual([[1, false], [2, false], [3, true], [4, true]]);
    const warm = reports[0];
    const late = reports[3];
    if (warm === undefined || late === undefined) throw new Error('unreachable');
    expect(maxRelativeError(warm.weights, new Array<number>(B).fill(1 / B))).toBeLessThan(1e-6);
    expect(warm.spread.maxOverMin).toBeCloseTo(1, 6);
    expect(warm.spread.effectiveSampleSize).toBeCloseTo(B, 4);
    const expected = tf.tidy(() => Array.from(sampleReweightingWeights(late.losses, { strategy: 'linUpper', temperature: 0.4 }).dataSync()));
    expect(maxRelativeError(late.weights, expected)).toBeLessThan(1e-6);
    expect(late.weights.reduce((a, w) => a + w, 0)).toBeCloseTo(1, 6);
    expect(late.spread.maxOverMin).toBeCloseTo(Math.exp(1 / 0.4), 3); // LinUpper's lowest vs capped weights
    expect(late.spread.effectiveSampleSize).toBeLessThan(B);
    expect(late.spread).toEqual(weightSpread(late.weights, late.weights.map(() => true)));
    tf.dispose([x, y]);
  });

  it('leaves no tensors behind after a gradient step and an evaluation (counted outside tidy)', async () => {
    await useBackend(backend);
    const reweighter = new SampleReweighter({ strategy: 'extremes', warmupSteps: 1 });
    const x = tf.tensor3d(LOGITS, [B, T, V]);
    const y = tf.tensor2d(TARGETS, [B, T], 'int32');
    const mask = tf.ones([B, T]);
    const before = tf.memory().numTensors;
    for (let step = 0; step < 2; step += 1) {
      const { value, grad } = tf.valueAndGrad((v: tf.Tensor) => reweighter.loss(y, v, { mask }))(x);
      expect(grad.dataSync().every(Number.isFinite)).toBe(true);
      tf.dispose([value, grad]);
    }
    reweighter.loss(y, x).dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y, mask]);
  });
});

describe('SampleReweighter argument errors and spread', () => {
  it('checks its options at construction, naming them', async () => {
    await useBackend('cpu');
    expect(argumentOf(() => new SampleReweighter({ warmupSteps: -1 }))).toBe('options.warmupSteps');
    expect(argumentOf(() => new SampleReweighter({ warmupSteps: 1.5 }))).toBe('options.warmupSteps');
    expect(argumentOf(() => new SampleReweighter({ temperature: 0 }))).toBe('options.temperature');
    expect(argumentOf(() => new SampleReweighter({ strategy: 'upper' as 'linUpper' }))).toBe('options.strategy');
    expect(argumentOf(() => new SampleReweighter({ sequenceShare: 'x' as 'tokens' }))).toBe('options.sequenceShare');
    expect(argumentOf(() => new SampleReweighter({ shiftLabels: true, sequenceShare: 'equal', ignoreIndex: null }))).toBeUndefined();
  });

  it('weightSpread: inactive sequences are left out; one winner gives an effective size of 1', () => {
    expect(weightSpread([0.5, 0.5, 0], [true, true, false])).toEqual({ min: 0.5, max: 0.5, maxOverMin: 1, std: 0, effectiveSampleSize: 2 });
    expect(weightSpread([1, 0], [true, true]).effectiveSampleSize).toBe(1);
    expect(weightSpread([], []).effectiveSampleSize).toBe(0);
  });
});
