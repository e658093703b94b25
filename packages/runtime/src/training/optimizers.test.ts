import { MOMO_GLOBAL_STATE } from '@counterweight/core-losses';
import { FUSED_ADAM_UPDATE } from '@counterweight/wasm-kernels';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { TrainingError } from '../errors.js';
import { SeededRandom } from '../random.js';
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

describe("Adam's fused wasm update (CounterweightAdamUpdate)", () => {
  beforeAll(() => useBackend('wasm'));

  /** Shapes of both of the kernel's paths: a heap loop up to 4,096 elements, wasm kernels above. */
  const SHAPES = [[3], [5, 7], [64, 72]] as const;
  const bits = (t: tf.Tensor) => Buffer.from(t.dataSync().buffer);

  /** Runs `body` with the fused kernel unregistered from wasm (the optimiser then takes tfjs's path). */
  function withoutFusedKernel<T>(body: () => T): T {
    const config = tf.getKernel(FUSED_ADAM_UPDATE, 'wasm') as tf.KernelConfig | undefined;
    if (config === undefined) throw new Error('the fused Adam kernel is not registered on wasm');
    tf.unregisterKernel(FUSED_ADAM_UPDATE, 'wasm');
    try {
      return body();
    } finally {
      tf.registerKernel(config);
    }
  }

  /**
   * `steps` steps on fresh seeded variables; `fused(step)` says whether that step may use the fused kernel.
   * Returns the final variables and the optimiser state (the caller disposes them).
   */
  async function run(config: OptimizerConfig, steps: number, fused: (step: number) => boolean): Promise<{ variables: tf.Variable[]; state: Array<{ name: string; tensor: tf.Tensor }> }> {
    const variables = SHAPES.map((shape, i) => tf.variable(tf.tensor(SeededRandom.fromSeed(4, 'x', i).normalArray(shape.reduce((a, b) => a * b, 1)), [...shape])));
    const optimizer = createOptimizer(config);
    for (let step = 0; step < steps; step += 1) {
      const gradients = SHAPES.map((shape, i) => tf.tensor(SeededRandom.fromSeed(5, 'g', step, i).normalArray(shape.reduce((a, b) => a * b, 1)), [...shape]));
      const apply = () => optimizer.applyGradients(variables.map((variable, i) => ({ variable, gradient: gradients[i] as tf.Tensor })));
      if (fused(step)) apply();
      else withoutFusedKernel(apply);
      tf.dispose(gradients);
    }
    const state = await optimizer.getState();
    expect(optimizer.optimizer?.iterations).toBe(steps);
    optimizer.dispose();
    return { variables, state };
  }

  it.each<OptimizerConfig>([
    { name: 'adam', learningRate: 0.01 },
    { name: 'adamw', learningRate: 0.02, weightDecay: 0.1 },
    { name: 'adamw', learningRate: 0.02, weightDecay: 0.1, decay: 'matrices', beta2: 0.95, epsilon: 1e-8 },
  ])('$name ($decay) with the fused kernel, without it, and alternating: bitwise the same variables and state', async (config) => {
    const steps = 6;
    const runs = [await run(config, steps, () => true), await run(config, steps, () => false), await run(config, steps, (s) => s % 2 === 0)];
    const [fused, tfjs, mixed] = runs as [(typeof runs)[0], (typeof runs)[0], (typeof runs)[0]];
    for (const r of runs) {
      const names = r.variables.map((v) => v.name);
      expect(r.state.map((s) => s.name)).toEqual(['iter', ...names.map((n) => `${n}/m`), ...names.map((n) => `${n}/v`), 'accBeta1', 'accBeta2']);
    }
    for (const other of [tfjs, mixed]) {
      fused.variables.forEach((v, i) => expect(bits(v), `variable ${i}`).toEqual(bits(other.variables[i] as tf.Tensor)));
      fused.state.forEach((s, i) => expect(bits(s.tensor), s.name).toEqual(bits(other.state[i]?.tensor as tf.Tensor)));
    }
    // The variables moved (equality of two no-op runs would prove nothing).
    expect(bits(fused.variables[0] as tf.Tensor)).not.toEqual(Buffer.from(SeededRandom.fromSeed(4, 'x', 0).normalArray(3).buffer));
    for (const r of runs) tf.dispose([...r.variables, ...r.state.map((s) => s.tensor)]);
  });

  it('runs one kernel per variable and leaks no tensors or heap buffers per step', async () => {
    const variables = SHAPES.map((shape) => tf.variable(tf.ones([...shape])));
    const optimizer = createOptimizer({ name: 'adamw', learningRate: 0.01, decay: 'matrices' });
    const gradients = SHAPES.map((shape) => tf.fill([...shape], 0.5));
    const step = () => optimizer.applyGradients(variables.map((variable, i) => ({ variable, gradient: gradients[i] as tf.Tensor })));
    step(); // creates the moment slots
    const tensors = tf.memory().numTensors;
    const dataIds = tf.backend().numDataIds();
    const profile = await tf.profile(step);
    for (let i = 0; i < 5; i += 1) step();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.backend().numDataIds()).toBe(dataIds);
    const kernels = profile.kernels.map((k) => k.name);
    expect(kernels.filter((k) => k === FUSED_ADAM_UPDATE)).toHaveLength(SHAPES.length);
    expect(kernels).toHaveLength(SHAPES.length + 2); // + the two accumulator products
    optimizer.dispose();
    tf.dispose([...variables, ...gradients]);
  });
});
