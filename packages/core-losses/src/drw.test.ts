import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { drwSchedule } from './drw.js';
import { ldamLoss } from './ldam.js';
import { useBackend } from './test-support/backend.js';
import { maxRelativeError } from './test-support/random-inputs.js';

const COUNTS = [5000, 2997, 1796, 1077, 645, 387, 232, 139, 83, 50];

/** Float64 rule of LDAM-DRW's cifar_train.py: idx = epoch // 160, betas [0, 0.9999], weights summing to C. */
function reference(epoch: number, counts: number[], switchEpoch = 160, beta = 0.9999): number[] {
  const b = [0, beta][Math.floor(epoch / switchEpoch)] ?? Number.NaN;
  const raw = counts.map((n) => (1 - b) / (1 - b ** n));
  const total = raw.reduce((a, v) => a + v, 0);
  return raw.map((w) => (w / total) * counts.length);
}

describe('drwSchedule', () => {
  it('gives no class weights before epoch 160 and the beta = 0.9999 class-balanced weights from 160 on', () => {
    const at = drwSchedule(COUNTS);
    expect(at(0)).toBeUndefined();
    expect(at(159)).toBeUndefined();
    // The reference's beta = 0 weights before the switch are all ones, i.e. no re-weighting.
    expect(reference(159, COUNTS)).toEqual(COUNTS.map(() => 1));
    expect(maxRelativeError(at(160) ?? [], reference(160, COUNTS))).toBeLessThan(1e-14);
    expect(maxRelativeError(at(199) ?? [], reference(199, COUNTS))).toBeLessThan(1e-14);
    expect((at(160) ?? []).reduce((a, b) => a + b, 0)).toBeCloseTo(10, 12);
    // Past 2·switchEpoch the reference fails (betas[2]); the weights stay in force here.
    expect(at(400)).toEqual(at(160));
  });

  it('takes the switch epoch and beta as options and is a pure function of the epoch', () => {
    const at = drwSchedule([30, 3], { switchEpoch: 60, beta: 0.99 });
    expect(at(59)).toBeUndefined();
    expect(maxRelativeError(at(60) ?? [], reference(60, [30, 3], 60, 0.99))).toBeLessThan(1e-14);
    expect(at(61)).toEqual(at(60));
    const first = at(60);
    first?.fill(0);
    expect(at(60)).not.toEqual(first); // callers cannot change the schedule

    expect(drwSchedule([30, 3], { switchEpoch: 0 })(0)).toBeDefined();
  });

  it('feeds classWeights directly; before the switch it equals the reference\'s all-ones (beta 0) weights', async () => {
    await useBackend('cpu');
    const counts = [50, 10, 2];
    const at = drwSchedule(counts, { switchEpoch: 2 });
    const logits = [
      [0.2, -0.4, 0.9],
      [-0.7, 0.1, 0.3],
      [0.5, 0.5, -0.5],
      [0.0, -0.2, 0.8],
    ];
    const labels = [0, 2, 1, 2];
    const [before, ones, after, explicit] = tf.tidy(() => [
      ldamLoss(labels, logits, { classCounts: counts, classWeights: at(1) }).dataSync()[0],
      ldamLoss(labels, logits, { classCounts: counts, classWeights: reference(1, counts, 2) }).dataSync()[0],
      ldamLoss(labels, logits, { classCounts: counts, classWeights: at(2) }).dataSync()[0],
      ldamLoss(labels, logits, { classCounts: counts, classWeights: reference(2, counts, 2) }).dataSync()[0],
    ]);
    expect(before).toBe(ones);
    expect(maxRelativeError([after ?? Number.NaN], [explicit ?? Number.NaN])).toBeLessThan(1e-6);
    expect(Math.abs((after ?? 0) - (before ?? 0))).toBeGreaterThan(0.1);
  });

  it('names the helper and the argument for bad input', () => {
    expect(() => drwSchedule([10, 0])).toThrow(
      "drwSchedule: argument 'classCounts' holds 0 for class 1; every count must be a positive integer",
    );
    expect(() => drwSchedule([])).toThrow(/^drwSchedule: argument 'classCounts' must list at least one class/);
    expect(() => drwSchedule([10, 2], { beta: 1 })).toThrow(/^drwSchedule: argument 'options.beta' must lie in \[0, 1\), got 1/);
    expect(() => drwSchedule([10, 2], { beta: -0.5 })).toThrow(/^drwSchedule: argument 'options.beta' must lie in \[0, 1\), got -0.5/);
    expect(() => drwSchedule([10, 2], { switchEpoch: 1.5 })).toThrow(/^drwSchedule: argument 'options.switchEpoch' must be a non-negative integer/);
    expect(() => drwSchedule([10, 2])(-1)).toThrow(/^drwSchedule: argument 'epoch' must be a non-negative integer \(0-based\), got -1/);
    expect(() => drwSchedule([10, 2])(2.5)).toThrow(/^drwSchedule: argument 'epoch' must be a non-negative integer/);
  });
});
