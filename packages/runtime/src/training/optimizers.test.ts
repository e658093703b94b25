import { MOMO_GLOBAL_STATE } from '@counterweight/core-losses';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { TrainingError } from '../errors.js';
import { OPTIMIZER_GLOBAL_STATE, createOptimizer, type OptimizerConfig, type TrainingOptimizer } from './optimizers.js';
import { TEST_BACKENDS, useBackend } from './test-support/backends.js';
import { expectAllClose } from './test-support/close.js';

function step(optimizer: TrainingOptimizer, variable: tf.Variable, gradient: number[], loss = 1): void {
  const g = tf.tensor(gradient, variable.shape);
  optimizer.applyGradients([{ variable, gradient: g }], { loss });
  g.dispose();
}

/** One step of `loss = sum((w - target)^2)`; the loss goes along (the loss-aware optimisers need it). */
function quadraticStep(optimizer: TrainingOptimizer, variable: tf.Variable, target: tf.Tensor): number {
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(tf.sub(variable, target))), [variable]);
  const loss = value.dataSync()[0] as number;
  optimizer.applyGradients([{ variable, gradient: grads[variable.name] as tf.Tensor }], { loss });
  tf.dispose([value, grads]);
  return loss;
}

describe.each(TEST_BACKENDS)('optimizers on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('sgd follows the learning rate set before each step', () => {
    const w = tf.variable(tf.tensor1d([1, 1]));
    const sgd = createOptimizer({ name: 'sgd', learningRate: 0.1 });
    step(sgd, w, [1, 2]);
    expectAllClose(w.dataSync(), [0.9, 0.8], 6);
    sgd.setLearningRate(0.5);
    expect(sgd.learningRate).toBe(0.5);
    step(sgd, w, [1, 2]);
    expectAllClose(w.dataSync(), [0.4, -0.2], 6);
    sgd.dispose();
    w.dispose();
  });

  it.each<OptimizerConfig>([
    { name: 'sgd', learningRate: 0.05 },
    { name: 'momentum', learningRate: 0.05 },
    { name: 'adam', learningRate: 0.05 },
    { name: 'adamw', learningRate: 0.05, weightDecay: 0.1 },
    { name: 'momo', learningRate: 1 },
    { name: 'momo-adam', learningRate: 1e-2, adaptLowerBound: true },
  ])('$name: create, step, change the rate and dispose leaves no tensor behind', (config) => {
    const w = tf.variable(tf.tensor1d([1, 2]));
    const before = tf.memory().numTensors;
    const opt = createOptimizer(config);
    const g = tf.tensor1d([0.5, -0.5]);
    opt.applyGradients([{ variable: w, gradient: g }], { loss: 2 });
    opt.setLearningRate(0.01);
    opt.applyGradients([{ variable: w, gradient: g }], { loss: 1.5 });
    g.dispose();
    opt.dispose();
    expect(tf.memory().numTensors).toBe(before);
    w.dispose();
  });

  it('momentum accumulates velocity', () => {
    const w = tf.variable(tf.tensor1d([0]));
    const opt = createOptimizer({ name: 'momentum', learningRate: 0.1, momentum: 0.5 });
    step(opt, w, [1]); // v = 1, w = -0.1
    step(opt, w, [1]); // v = 1.5, w = -0.25
    expect(w.dataSync()[0]).toBeCloseTo(-0.25, 6);
    opt.dispose();
    w.dispose();
  });

  it('adam reads the learning rate set with setLearningRate on the next step', () => {
    const w = tf.variable(tf.tensor1d([0, 0]));
    const adam = createOptimizer({ name: 'adam', learningRate: 0.1 });
    adam.setLearningRate(0.5);
    step(adam, w, [3, -2]); // first Adam step moves by ~lr * sign(g)
    expectAllClose(w.dataSync(), [-0.5, 0.5], 5);
    adam.dispose();
    w.dispose();
  });

  it('adamw decays weights by (1 - lr * wd) before the Adam update; "matrices" spares vectors', () => {
    const kernel = tf.variable(tf.tensor2d([[2, -4]]));
    const bias = tf.variable(tf.tensor1d([2, -4]));
    const opt = createOptimizer({ name: 'adamw', learningRate: 0.1, weightDecay: 0.5, decay: 'matrices' });
    // A zero gradient leaves Adam's update at exactly 0, so only the decay acts.
    opt.applyGradients([
      { variable: kernel, gradient: tf.zerosLike(kernel) },
      { variable: bias, gradient: tf.zerosLike(bias) },
    ]);
    expectAllClose(kernel.dataSync(), [1.9, -3.8], 6);
    expect(Array.from(bias.dataSync())).toEqual([2, -4]);
    const all = createOptimizer({ name: 'adamw', learningRate: 0.1, weightDecay: 0.5 });
    all.applyGradients([{ variable: bias, gradient: tf.zerosLike(bias) }]);
    expectAllClose(bias.dataSync(), [1.9, -3.8], 6);
    opt.dispose();
    all.dispose();
    tf.dispose([kernel, bias]);
  });

  it.each<OptimizerConfig>([
    { name: 'sgd', learningRate: 0.05 },
    { name: 'momentum', learningRate: 0.05, nesterov: true },
    { name: 'adam', learningRate: 0.05 },
    { name: 'adamw', learningRate: 0.05, weightDecay: 0.1 },
    { name: 'momo', learningRate: 1, weightDecay: 0.01, adaptLowerBound: true },
    { name: 'momo-adam', learningRate: 0.05, weightDecay: 0.01, weightDecayMode: 'decoupled', adaptLowerBound: true },
  ])('$name: state copied with getState/setState continues bitwise identically, without leaks', async (config) => {
    const target = tf.tensor1d([1, -2, 3]);
    const a = tf.variable(tf.tensor1d([0.3, 0.1, -0.7]));
    const original = createOptimizer(config);
    for (let i = 0; i < 50; i += 1) quadraticStep(original, a, target);

    const b = tf.variable(tf.clone(a));
    const restored = createOptimizer(config);
    quadraticStep(restored, b, target); // give it slots of its own, which setState must release
    b.assign(a);
    const state = await original.getState();
    const before = tf.memory().numTensors;
    await restored.setState(state);
    expect(tf.memory().numTensors).toBe(before);
    const copied = await restored.getState();
    expect(copied.map((s) => s.name)).toEqual(state.map((s) => s.name));
    copied.forEach((s, i) => {
      const bits = (t: tf.Tensor) => Buffer.from(t.dataSync().buffer);
      expect(bits(s.tensor), s.name).toEqual(bits(state[i]?.tensor as tf.Tensor));
    });
    tf.dispose([...state, ...copied].map((s) => s.tensor));

    for (let i = 0; i < 7; i += 1) {
      quadraticStep(original, a, target);
      quadraticStep(restored, b, target);
    }
    expect(Buffer.from(b.dataSync().buffer)).toEqual(Buffer.from(a.dataSync().buffer));
    expect(restored.optimizer?.iterations).toBe(original.optimizer?.iterations);
    original.dispose();
    restored.dispose();
    tf.dispose([a, b, target]);
  });
});

describe.each(TEST_BACKENDS)('loss-aware optimizers on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each<OptimizerConfig>([{ name: 'momo', learningRate: 1 }, { name: 'momo-adam', learningRate: 0.1 }])(
    '$name: converges on a quadratic, reads the learning rate as the step cap',
    (config) => {
      const w = tf.variable(tf.tensor1d([0.3, 0.1, -0.7]));
      const target = tf.tensor1d([1, -2, 3]);
      const opt = createOptimizer(config);
      expect(opt.requiresLoss).toBe(true);
      expect(opt.optimizer).toBeUndefined();
      expect(opt.learningRate).toBe(config.learningRate);
      const first = quadraticStep(opt, w, target);
      let last = first;
      for (let i = 0; i < 150; i += 1) last = quadraticStep(opt, w, target);
      expect(last).toBeLessThan(1e-4 * first);
      // α = 0 caps every step at 0: nothing moves.
      opt.setLearningRate(0);
      const before = Array.from(w.dataSync());
      quadraticStep(opt, w, target);
      expect(Array.from(w.dataSync())).toEqual(before);
      opt.dispose();
      tf.dispose([w, target]);
    },
  );

  it('plain optimisers ignore the loss', () => {
    const sgd = createOptimizer({ name: 'sgd', learningRate: 0.1 });
    expect(sgd.requiresLoss).toBe(false);
    const w = tf.variable(tf.tensor1d([1]));
    step(sgd, w, [1], Number.NaN);
    expectAllClose(w.dataSync(), [0.9], 6);
    sgd.dispose();
    w.dispose();
  });

  it.each<OptimizerConfig>([{ name: 'momo', learningRate: 1 }, { name: 'momo-adam', learningRate: 1e-2 }])(
    '$name: applyGradients without a finite loss is a TrainingError naming the optimizer',
    (config) => {
      const w = tf.variable(tf.tensor1d([1, 2]));
      const g = tf.tensor1d([0.5, -0.5]);
      const opt = createOptimizer(config);
      const call = (step?: { loss?: number }) => () => opt.applyGradients([{ variable: w, gradient: g }], step);
      expect(call()).toThrow(TrainingError);
      expect(call()).toThrow(`train(): optimizer: "${config.name}" needs the step's loss at the current weights`);
      expect(call({ loss: Number.POSITIVE_INFINITY })).toThrow('got Infinity');
      expect(Array.from(w.dataSync())).toEqual([1, 2]);
      opt.dispose();
      tf.dispose([w, g]);
    },
  );

  it("checkpoints know MoMo's global state names", () => {
    for (const name of MOMO_GLOBAL_STATE) expect(OPTIMIZER_GLOBAL_STATE).toContain(name);
  });
});

describe('createOptimizer validation', () => {
  it.each([
    [{ name: 'rmsprop', learningRate: 0.1 }, 'optimizer.name'],
    [{ name: 'sgd', learningRate: -1 }, 'optimizer.learningRate'],
    [{ name: 'momentum', learningRate: 0.1, momentum: 1.5 }, 'optimizer.momentum'],
    [{ name: 'adam', learningRate: 0.1, beta2: 1 }, 'optimizer.beta2'],
    [{ name: 'adamw', learningRate: 0.1, weightDecay: Number.NaN }, 'optimizer.weightDecay'],
    [{ name: 'momo', learningRate: -1 }, 'optimizer.learningRate'],
    [{ name: 'momo-adam' }, 'optimizer.learningRate: is required'],
    [{ name: 'momo', learningRate: 1, beta: 1 }, 'optimizer.beta'],
    [{ name: 'momo', learningRate: 1, weightDecay: -0.1 }, 'optimizer.weightDecay'],
    [{ name: 'momo', learningRate: 1, lowerBound: Number.NEGATIVE_INFINITY }, 'optimizer.lowerBound'],
    [{ name: 'momo', learningRate: 1, biasCorrection: 'yes' }, 'optimizer.biasCorrection'],
    [{ name: 'momo-adam', learningRate: 0.01, beta1: -0.5 }, 'optimizer.beta1'],
    [{ name: 'momo-adam', learningRate: 0.01, beta2: 1 }, 'optimizer.beta2'],
    [{ name: 'momo-adam', learningRate: 0.01, epsilon: 0 }, 'optimizer.epsilon'],
    [{ name: 'momo-adam', learningRate: 0.01, weightDecayMode: 'adamw' }, 'optimizer.weightDecayMode'],
    [{ name: 'momo-adam', learningRate: 0.01, adaptLowerBound: 1 }, 'optimizer.adaptLowerBound'],
  ])('rejects %j naming %s', (config, argument) => {
    const call = () => createOptimizer(config as OptimizerConfig);
    expect(call).toThrow(TrainingError);
    expect(call).toThrow(argument);
  });
});
