import { disposeBatch, initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { forecastWorkload, type ForecastWorkload } from './forecast-workload.js';
import { FREQUENCY_ROW_WEIGHTS_MEMBER, REGRESSION_BASELINE, regressionMembers, type RegressionMembers } from './regression-members.js';

let workload: ForecastWorkload;
let owned: RegressionMembers;
beforeAll(async () => {
  await initBackend('wasm', { log: null });
  workload = forecastWorkload({ seed: 4, batchSize: 32, batches: 2 });
  owned = regressionMembers(workload);
});
afterAll(() => {
  owned.dispose();
  workload.dispose();
});

/** The gradient of a member's loss on the first 32 rows with respect to every trainable variable of its model. */
function memberGradients(name: string): { loss: number; grads: Map<string, Float32Array | Int32Array | Uint8Array> } {
  const member = owned.members.find((m) => m.name === name);
  if (member === undefined) throw new Error(`no member ${name}`);
  const model = member.model ?? workload.model;
  const batch = workload.data.gather(Int32Array.from({ length: 32 }, (_, i) => i));
  try {
    const { value, grads } = tf.variableGrads(() =>
      member.loss({ predictions: model.predict(batch.inputs, { training: true }), targets: batch.targets, sampleWeights: batch.weights, extras: batch.extras }),
    );
    const byName = new Map(model.variables.filter((v) => v.variable.trainable).map((v) => [v.name, grads[v.variable.name]?.dataSync() ?? new Float32Array()]));
    const loss = value.dataSync()[0] ?? Number.NaN;
    tf.dispose([value, ...Object.values(grads)]);
    return { loss, grads: byName };
  } finally {
    disposeBatch(batch);
  }
}

const nonZero = (values: ArrayLike<number> | undefined): boolean => values !== undefined && Array.from(values).some((v) => v !== 0);

describe('regression members', () => {
  it('every member gives a finite loss whose gradient reaches every variable its model trains, without leaking', () => {
    expect(owned.members[0]?.name).toBe(REGRESSION_BASELINE);
    expect(new Set(owned.members.map((m) => m.name)).size).toBe(owned.members.length);
    for (const member of owned.members) {
      const tensors = tf.memory().numTensors;
      const { loss, grads } = memberGradients(member.name);
      expect(tf.memory().numTensors, member.name).toBe(tensors);
      expect(Number.isFinite(loss) && loss > -1e6, member.name).toBe(true);
      for (const [variable, g] of grads) {
        expect(Array.from(g).every((v) => Number.isFinite(v)), `${member.name}: ${variable}`).toBe(true);
        if (variable.endsWith('/kernel')) expect(nonZero(g), `${member.name}: ${variable}`).toBe(true);
      }
      const variables = [...grads.keys()];
      if (member.name.startsWith('pinball')) expect(variables).toContain('quantile/kernel');
      if (member.name.startsWith('classificationAided')) expect(variables).toEqual(expect.arrayContaining(['point/kernel', 'classes/kernel']));
      if (member.name === 'balancedMseLoss (learnable σ)') {
        const sigmas = variables.filter((n) => n.startsWith('balancedMse/sigma'));
        expect(sigmas).toHaveLength(3);
        for (const s of sigmas) expect(nonZero(grads.get(s)), s).toBe(true);
      }
      if (member.name === 'taskWeighter: uncertainty' || member.name === 'taskWeighter: softmax') {
        const own = variables.filter((n) => !n.startsWith('dense') && !n.startsWith('point'));
        expect(own.length, member.name).toBe(1);
        expect(nonZero(grads.get(own[0] as string)), member.name).toBe(true);
      }
    }
  });

  it('the LDS member reads the per-sample weights: uniform weights give plain MAE, the LDS weights do not', () => {
    const lds = owned.members.find((m) => m.name === 'meanAbsoluteError + LDS weights');
    const mae = owned.members.find((m) => m.name === REGRESSION_BASELINE);
    if (lds === undefined || mae === undefined) throw new Error('members missing');
    const batch = workload.data.gather(Int32Array.from({ length: 32 }, (_, i) => i));
    const values = tf.tidy(() => {
      const predictions = workload.model.predict(batch.inputs, { training: false });
      const base = { predictions, targets: batch.targets, extras: {} };
      return [
        mae.loss({ ...base, sampleWeights: undefined }),
        lds.loss({ ...base, sampleWeights: tf.ones<tf.Rank.R1>([32]) }),
        lds.loss({ ...base, sampleWeights: batch.weights }),
      ].map((t) => t.dataSync()[0] ?? Number.NaN);
    });
    disposeBatch(batch);
    expect(values[1]).toBeCloseTo(values[0] ?? Number.NaN, 5);
    expect(Math.abs((values[2] ?? 0) - (values[0] ?? 0))).toBeGreaterThan(1e-4);
    expect(() => tf.tidy(() => lds.loss({ predictions: tf.zeros([2, 3]), targets: tf.zeros([2, 3]), sampleWeights: undefined, extras: {} }))).toThrow(/per-sample/);
  });

  it('the per-row fMAE member reads the data set\'s frequency weights: it equals frequency-weighted MAE with target bins', () => {
    const rows = owned.members.find((m) => m.name === FREQUENCY_ROW_WEIGHTS_MEMBER);
    const onTheFly = owned.members.find((m) => m.name === 'frequencyWeightedMae (target bins)');
    const mae = owned.members.find((m) => m.name === REGRESSION_BASELINE);
    if (rows === undefined || onTheFly === undefined || mae === undefined) throw new Error('members missing');
    // rows 32..63: a second batch, in the data set's order (the extra column must follow the rows)
    const batch = workload.data.gather(Int32Array.from({ length: 32 }, (_, i) => 63 - i));
    const tensors = tf.memory().numTensors;
    const values = tf.tidy(() => {
      const predictions = workload.model.predict(batch.inputs, { training: false });
      const base = { predictions, targets: batch.targets, sampleWeights: batch.weights };
      return [rows.loss({ ...base, extras: batch.extras }), onTheFly.loss({ ...base, extras: {} }), mae.loss({ ...base, extras: {} })].map((t) => t.dataSync()[0] ?? Number.NaN);
    });
    expect(tf.memory().numTensors).toBe(tensors);
    disposeBatch(batch);
    const [perRow = Number.NaN, fly = Number.NaN, plain = Number.NaN] = values;
    expect(Math.abs(perRow - fly)).toBeLessThanOrEqual(1e-5 * Math.abs(fly));
    expect(Math.abs(perRow - plain)).toBeGreaterThan(1e-3 * plain); // the weights are not all 1
    expect(() => tf.tidy(() => rows.loss({ predictions: tf.zeros([2, 3]), targets: tf.zeros([2, 3]), sampleWeights: undefined, extras: {} }))).toThrow(/frequencyWeights/);
  });
});
