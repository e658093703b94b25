import { createDataset, createOptimizer, fromVariables, initBackend, rowCouplingOf, train, type LossFunction } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { buildReweightingObjective, DEFAULT_TEMPERATURES, REWEIGHTING_METHODS } from './reweighting.js';
import { shakespeareIds } from './test-support/shakespeare.js';
import { meanCe, reshape3, sequenceLosses, sowWeights, testValues } from './test-support/reference64.js';
import { buildUniformObjective, plainCrossEntropy } from './uniform.js';
import { WeightRecorder } from './weight-recorder.js';

beforeAll(() => initBackend('cpu', { log: null }));

const B = 4;
const T = 3;
const V = 6;
const TARGETS = [
  [1, 0, 5],
  [2, 2, -100],
  [4, 3, 1],
  [-100, 0, 0],
];
/** Four sequences with clearly different losses (scaled logits). */
const BASE = testValues(B * T * V, 11, 3);
const F = { linupper: (h: number) => Math.min(h + 1, 1), quadratic: (h: number) => 1 - h * h, extremes: (h: number) => Math.abs(h) };

function evaluateLoss(loss: LossFunction<string>, values: readonly number[] = BASE, targets: number[][] = TARGETS, shape: [number, number, number] = [B, T, V]): number {
  return tf.tidy(() => loss({ predictions: tf.tensor3d([...values], shape), targets: tf.tensor2d(targets, undefined, 'int32'), sampleWeights: undefined, extras: {} }).dataSync()[0] ?? Number.NaN);
}

/** One training-style call (inside a gradient pass); returns the value. */
function stepLoss(loss: LossFunction<string>): number {
  return tf.tidy(() => {
    const x = tf.tensor3d(BASE, [B, T, V]);
    const y = tf.tensor2d(TARGETS, undefined, 'int32');
    const { value } = tf.valueAndGrad((z: tf.Tensor) => loss({ predictions: z, targets: y, sampleWeights: undefined, extras: {} }))(x);
    return value.dataSync()[0] ?? Number.NaN;
  });
}

describe('reweighting objectives', () => {
  const plain = meanCe(reshape3(BASE, B, T, V), TARGETS);
  const { losses } = sequenceLosses(reshape3(BASE, B, T, V), TARGETS);

  it('the test batch has distinct sequence losses, so reweighting changes the value', () => {
    expect(Math.max(...losses) - Math.min(...losses)).toBeGreaterThan(0.3);
    const value = evaluateLoss(buildReweightingObjective('linupper').loss(0));
    expect(Math.abs(value - plain)).toBeGreaterThan(1e-3);
  });

  it.each(REWEIGHTING_METHODS)('%s: a very large temperature gives the plain token mean; the default r is the table\'s', (method) => {
    expect(evaluateLoss(buildReweightingObjective(method, { temperature: 1e9 }).loss(0))).toBeCloseTo(plain, 5);
    expect(evaluateLoss(buildReweightingObjective(method, { temperature: Infinity }).loss(0))).toBeCloseTo(plain, 5);
    expect(buildReweightingObjective(method).description).toContain(`r = ${DEFAULT_TEMPERATURES[method]}`);
  });

  it('uniform is the plain token mean', () => {
    expect(evaluateLoss(buildUniformObjective().loss(0))).toBeCloseTo(plain, 5);
  });

  it.each(REWEIGHTING_METHODS)('%s records B·w from the formula and the sequence losses at the steps it is asked for', (method) => {
    const recorder = new WeightRecorder({ every: 2 });
    const objective = buildReweightingObjective(method, { recorder });
    const loss = objective.loss(0);
    for (let i = 0; i < 5; i += 1) stepLoss(loss);
    const samples = recorder.samples();
    expect(samples.map((s) => s.step)).toEqual([0, 2, 4]);
    const w = sowWeights(losses, F[method], DEFAULT_TEMPERATURES[method]);
    for (const s of samples) {
      s.scaledWeights.forEach((v, i) => expect(v).toBeCloseTo(B * (w[i] ?? 0), 5));
      s.losses.forEach((v, i) => expect(v).toBeCloseTo(losses[i] ?? 0, 5));
    }
    expect(objective.recorder).toBe(recorder);
  });

  it('switches from the plain mean to reweighting exactly at warmupSteps, counting training calls only', () => {
    const objective = buildReweightingObjective('extremes', { warmupSteps: 2, recorder: new WeightRecorder({ every: 1 }) });
    const reweightedValue = evaluateLoss(buildReweightingObjective('extremes').loss(0));
    expect(Math.abs(reweightedValue - plain)).toBeGreaterThan(1e-3);
    // evaluation calls (outside a gradient pass) do not advance the step
    const fromOne = objective.loss(1);
    expect(evaluateLoss(fromOne)).toBeCloseTo(plain, 5);
    expect(evaluateLoss(fromOne)).toBeCloseTo(plain, 5);
    expect(objective.recorder?.total).toBe(0);
    const fromZero = objective.loss(0);
    expect([stepLoss(fromZero), stepLoss(fromZero), stepLoss(fromZero), stepLoss(fromZero)].map((v) => Number(v.toFixed(5)))).toEqual(
      [plain, plain, reweightedValue, reweightedValue].map((v) => Number(v.toFixed(5))),
    );
    expect(evaluateLoss(objective.loss(2))).toBeCloseTo(reweightedValue, 5);
    expect(objective.recorder?.samples().map((s) => s.step)).toEqual([2, 3]);
    expect(() => objective.loss(-1)).toThrow('globalStep: must be an integer >= 0, got -1');
  });

  it('records inside runtime train(): one sample per training step after the warm-up, none from validation', async () => {
    const recorder = new WeightRecorder({ every: 1 });
    const objective = buildReweightingObjective('linupper', { warmupSteps: 3, recorder });
    const rows = 12;
    const ids = Int32Array.from(testValues(rows * (T + 1), 5, 1), (v) => Math.floor((v + 1) * 3) % V);
    const inputs = new Int32Array(rows * T);
    const targets = new Int32Array(rows * T);
    for (let r = 0; r < rows; r += 1) {
      for (let t = 0; t < T; t += 1) {
        inputs[r * T + t] = ids[r * (T + 1) + t] ?? 0;
        targets[r * T + t] = ids[r * (T + 1) + t + 1] ?? 0;
      }
    }
    const table = tf.variable(tf.tensor2d(testValues(V * V, 3, 0.5), [V, V]), true, 'reweighting-test-table');
    const model = fromVariables({ variables: { table }, forward: (x) => tf.gather(table, x as tf.Tensor) });
    const data = createDataset({ inputs: { values: inputs, shape: [T] }, targets: { values: targets, shape: [T] } });
    const optimizer = createOptimizer({ name: 'sgd', learningRate: 0.1 });
    const stepsPerEpoch = rows / B;
    const before = tf.memory().numTensors;
    const history = await train({
      model,
      loss: objective.loss(0),
      lossAtEpoch: (e) => objective.loss(e * stepsPerEpoch),
      train: data,
      validation: data,
      epochs: 2,
      batchSize: B,
      shuffle: false,
      optimizer,
      seed: 3,
      progress: { quiet: true },
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(history.globalStep).toBe(6);
    expect(recorder.drain().map((s) => s.step)).toEqual([3, 4, 5]);
    expect(recorder.drain()).toEqual([]);
    expect(recorder.total).toBe(3);
    optimizer.dispose();
    table.dispose();
  });

  it('TinyShakespeare: uniform logits give exactly ln V for uniform and every reweighting method on real character ids', () => {
    const { vocabulary, ids } = shakespeareIds(4 * 64 + 1);
    const Vs = vocabulary.length;
    expect(Vs).toBe(65);
    const targets = Array.from({ length: 4 }, (_, b) => Array.from(ids.subarray(b * 64 + 1, b * 64 + 65)));
    const zeros = new Array<number>(4 * 64 * Vs).fill(0);
    for (const loss of [buildUniformObjective().loss(0), ...REWEIGHTING_METHODS.map((m) => buildReweightingObjective(m).loss(0))]) {
      expect(evaluateLoss(loss, zeros, targets, [4, 64, Vs])).toBeCloseTo(Math.log(65), 5);
    }
  });
});

describe('reweighting under data-parallel steps', () => {
  it('declares that it couples the rows of a batch, so runtime train() refuses to split its batches', () => {
    const objective = buildReweightingObjective('linupper', { warmupSteps: 0 });
    const coupling = rowCouplingOf(objective.loss(0));
    expect(coupling?.lossName).toBe('linupper');
    expect(coupling?.reason).toMatch(/min–max normalised over the whole batch/);
    expect(rowCouplingOf(plainCrossEntropy())).toBeUndefined();
  });
});
