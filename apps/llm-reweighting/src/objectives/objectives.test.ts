import { ConfigError, initBackend, type LossFunction } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { OBJECTIVES, OBJECTIVE_NAMES, createObjective, type ObjectiveName } from './objectives.js';
import { expectNoLeak } from './test-support/leak-check.js';
import {
  ceWithNtl,
  logPartition,
  md4Elbo,
  meanCe,
  numericGradient,
  reshape3,
  reweighted,
  sequenceLosses,
  sowWeights,
  sphericalZ,
  testValues,
} from './test-support/reference64.js';
import { WeightRecorder } from './weight-recorder.js';

beforeAll(() => initBackend('cpu', { log: null }));

const B = 4;
const T = 3;
const V = 12;
/** Digit d is token id d + 2 (ids 0 and 1 are letters). */
const DIGITS = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const TARGETS = [
  [3, 0, -100],
  [5, 11, 1],
  [-100, 2, 7],
  [4, -100, -100],
];
const BASE = testValues(B * T * V, 7, 2);
const MASKED = [
  [1, 0, 1],
  [0, 0, 1],
  [1, 1, 1],
  [0, 1, 0],
];
const ELBO = [3.5, 1.25, 0.5, 2];
const F = {
  linupper: (h: number) => Math.min(h + 1, 1),
  quadratic: (h: number) => 1 - h * h,
  extremes: (h: number) => Math.abs(h),
};

function extrasFor(name: ObjectiveName): Record<string, tf.Tensor> {
  return name === 'md4' ? { maskedTokens: tf.tensor2d(MASKED), elboWeights: tf.tensor1d(ELBO) } : {};
}

const md4Targets = TARGETS.map((row) => row.map((v) => (v === -100 ? 0 : v)));

/** The float64 reference of each objective at its defaults (reweighting: weights held at the base point). */
function reference(name: ObjectiveName): (values: number[]) => number {
  const base = reshape3(BASE, B, T, V);
  switch (name) {
    case 'uniform':
      return (v) => meanCe(reshape3(v, B, T, V), TARGETS);
    case 'linupper':
    case 'quadratic':
    case 'extremes': {
      const r = name === 'quadratic' ? 1 : 0.4;
      const w = sowWeights(sequenceLosses(base, TARGETS).losses, F[name], r);
      return (v) => reweighted(reshape3(v, B, T, V), TARGETS, w);
    }
    case 'ntl-was':
      return (v) => ceWithNtl(reshape3(v, B, T, V), TARGETS, DIGITS, 0.3, 'was');
    case 'ntl-mse':
      return (v) => ceWithNtl(reshape3(v, B, T, V), TARGETS, DIGITS, 0.3, 'mse');
    case 'z-loss':
      return (v) => sphericalZ(reshape3(v, B, T, V), TARGETS, 1, 0);
    case 'log-partition':
      return (v) => logPartition(reshape3(v, B, T, V), TARGETS, 1e-4);
    case 'md4':
      return (v) => md4Elbo(reshape3(v, B, T, V), md4Targets, MASKED, ELBO);
  }
}

describe('OBJECTIVES', () => {
  it('lists every method, uniform first, each with a description, a reference with a year, and JSON defaults', () => {
    expect(Object.keys(OBJECTIVES)).toEqual([...OBJECTIVE_NAMES]);
    expect(OBJECTIVE_NAMES[0]).toBe('uniform');
    for (const entry of Object.values(OBJECTIVES)) {
      expect(entry.description.length).toBeGreaterThan(20);
      expect(entry.reference).toMatch(/(19|20)\d\d/);
      expect(JSON.parse(JSON.stringify(entry.defaults))).toEqual(entry.defaults);
    }
    expect(OBJECTIVES.quadratic.defaults.temperature).toBe(1);
    expect(OBJECTIVES.linupper.defaults.temperature).toBe(0.4);
    expect(OBJECTIVES.extremes.defaults.temperature).toBe(0.4);
  });

  it('rejects an unknown name with a ConfigError listing the valid ones', () => {
    const run = (): unknown => createObjective('focal' as ObjectiveName);
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(`objective: unknown objective "focal"; valid: ${OBJECTIVE_NAMES.join(', ')}`);
  });

  it('names the bad option in its ConfigError', () => {
    const cases: Array<[ObjectiveName, Record<string, unknown>, string]> = [
      ['ntl-was', {}, 'options.digitTokenIds'],
      ['ntl-mse', { digitTokenIds: null }, 'options.digitTokenIds'],
      ['ntl-was', { digitTokenIds: [1, 2, 3] }, 'options.digitTokenIds'],
      ['ntl-was', { digitTokenIds: DIGITS, vocabularySize: 11 }, 'options.digitTokenIds'],
      ['ntl-was', { digitTokenIds: DIGITS, lambda: -1 }, 'options.lambda'],
      ['linupper', { temperature: 0 }, 'options.temperature'],
      ['extremes', { warmupSteps: 1.5 }, 'options.warmupSteps'],
      ['z-loss', { a: 0 }, 'options.a'],
      ['z-loss', { b: Number.NaN }, 'options.b'],
      ['log-partition', { coef: -1e-4 }, 'options.coef'],
      ['md4', { schedule: { eps: 0.7 } }, 'options.schedule.eps'],
      ['md4', { schedule: { type: 'cubic' } }, 'options.schedule.type'],
    ];
    for (const [name, options, option] of cases) {
      let error: unknown;
      try {
        createObjective(name, options);
      } catch (e) {
        error = e;
      }
      expect(error, `${name} ${JSON.stringify(options)}`).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).option).toBe(option);
    }
  });

  it('names the tensor that does not fit: logits not [B, T, V], targets of another shape', () => {
    const loss = createObjective('uniform').loss(0);
    const call = (x: tf.Tensor, y: tf.Tensor) => (): unknown => tf.tidy(() => loss({ predictions: x, targets: y, sampleWeights: undefined, extras: {} }));
    expect(call(tf.zeros([4, 12]), tf.zeros([4], 'int32'))).toThrow('uniform.predictions: must be logits [B, T, V], got shape [4, 12]');
    expect(call(tf.zeros([4, 3, 12]), tf.zeros([4, 2], 'int32'))).toThrow('uniform.targets: must be token ids [4, 3]');
  });
});

describe.each(OBJECTIVE_NAMES)('objective %s', (name) => {
  const options = { digitTokenIds: DIGITS, vocabularySize: V, recorder: new WeightRecorder({ every: 1 }) };

  it('matches an independent float64 computation in value and gradient, and is causal except md4', () => {
    const objective = createObjective(name, options);
    expect(objective.name).toBe(name);
    expect(objective.causal).toBe(name !== 'md4');
    const extras = extrasFor(name);
    const f = lossOfObjective(objective.loss(0), extras, name);
    const x = tf.tensor3d(BASE, [B, T, V]);
    const { value, grad } = tf.valueAndGrad(f)(x);
    const ref = reference(name);
    expect(value.dataSync()[0]).toBeCloseTo(ref(BASE), 5);
    const expected = numericGradient(ref, BASE);
    const got = Array.from(grad.dataSync());
    got.forEach((g, i) => expect(g, `gradient ${i}`).toBeCloseTo(expected[i] ?? Number.NaN, 5));
    tf.dispose([x, value, grad, ...Object.values(extras)]);
  });

  it('leaves no tensor behind in a loss + gradient step and a forward evaluation', () => {
    const objective = createObjective(name, { ...options, recorder: new WeightRecorder({ every: 1 }) });
    const extras = extrasFor(name);
    const x = tf.tensor3d(BASE, [B, T, V]);
    expectNoLeak(() => {
      const f = lossOfObjective(objective.loss(0), extras, name);
      const { value, grad } = tf.valueAndGrad(f)(x);
      return [value, grad, f(x)];
    });
    if (objective.recorder !== undefined) expect(objective.recorder.total).toBe(1);
    tf.dispose([x, ...Object.values(extras)]);
  });
});

/** The loss function as a function of the logits (md4 targets: clean ids, no −100). */
function lossOfObjective(loss: LossFunction<string>, extras: Record<string, tf.Tensor>, name: ObjectiveName): (x: tf.Tensor) => tf.Scalar {
  const targets = name === 'md4' ? md4Targets : TARGETS;
  return (x) => {
    const y = tf.tensor2d(targets, undefined, 'int32');
    try {
      return loss({ predictions: x, targets: y, sampleWeights: undefined, extras });
    } finally {
      y.dispose();
    }
  };
}
