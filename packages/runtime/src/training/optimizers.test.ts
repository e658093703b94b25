import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { TrainingError } from '../errors.js';
import { createOptimizer, type OptimizerConfig, type TrainingOptimizer } from './optimizers.js';
import { TEST_BACKENDS, useBackend } from './test-support/backends.js';
import { expectAllClose } from './test-support/close.js';

function step(optimizer: TrainingOptimizer, variable: tf.Variable, gradient: number[]): void {
  const g = tf.tensor(gradient, variable.shape);
  optimizer.applyGradients([{ variable, gradient: g }]);
  g.dispose();
}

/** One step of `loss = sum((w - target)^2)`. */
function quadraticStep(optimizer: TrainingOptimizer, variable: tf.Variable, target: tf.Tensor): void {
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(tf.sub(variable, target))), [variable]);
  optimizer.applyGradients([{ variable, gradient: grads[variable.name] as tf.Tensor }]);
  tf.dispose([value, grads]);
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
  ])('$name: create, step, change the rate and dispose leaves no tensor behind', (config) => {
    const w = tf.variable(tf.tensor1d([1, 2]));
    const before = tf.memory().numTensors;
    const opt = createOptimizer(config);
    const g = tf.tensor1d([0.5, -0.5]);
    opt.applyGradients([{ variable: w, gradient: g }]);
    opt.setLearningRate(0.01);
    opt.applyGradients([{ variable: w, gradient: g }]);
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
    expect(restored.optimizer.iterations).toBe(original.optimizer.iterations);
    original.dispose();
    restored.dispose();
    tf.dispose([a, b, target]);
  });
});

describe('createOptimizer validation', () => {
  it.each([
    [{ name: 'rmsprop', learningRate: 0.1 }, 'optimizer.name'],
    [{ name: 'sgd', learningRate: -1 }, 'optimizer.learningRate'],
    [{ name: 'momentum', learningRate: 0.1, momentum: 1.5 }, 'optimizer.momentum'],
    [{ name: 'adam', learningRate: 0.1, beta2: 1 }, 'optimizer.beta2'],
    [{ name: 'adamw', learningRate: 0.1, weightDecay: Number.NaN }, 'optimizer.weightDecay'],
  ])('rejects %j naming %s', (config, argument) => {
    const call = () => createOptimizer(config as OptimizerConfig);
    expect(call).toThrow(TrainingError);
    expect(call).toThrow(argument);
  });
});
