import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { createOptimizer, type OptimizerConfig, type TrainingOptimizer } from './optimizers.js';
import { TEST_BACKENDS, useBackend } from './test-support/backends.js';
import { useTempDirs } from './test-support/temp-dirs.js';
import { disposeModel, handWrittenMlp, readVariables, classificationSplit, baseTrainOptions } from './test-support/fixtures.js';
import type { WeightPerturbation } from './perturbed-gradients.js';
import type { StepEndInfo, TrainOptions } from './train-options.js';
import { train } from './trainer.js';

const freshDir = useTempDirs('cw-momo-');

const split = classificationSplit();
const REPLICA_MODULE = new URL('./data-parallel/test-support/mlp-replica.ts', import.meta.url).href;

const baseOptions = (seed = 11): Omit<TrainOptions, 'model' | 'optimizer'> => baseTrainOptions(split, seed);

/** Delegates to `inner`, recording the loss every `applyGradients` call receives. */
function recording(inner: TrainingOptimizer, losses: number[]): TrainingOptimizer {
  return {
    config: inner.config,
    optimizer: inner.optimizer,
    requiresLoss: inner.requiresLoss,
    get learningRate() {
      return inner.learningRate;
    },
    setLearningRate: (rate) => inner.setLearningRate(rate),
    applyGradients: (gradients, step) => {
      losses.push(step?.loss ?? Number.NaN);
      inner.applyGradients(gradients, step);
    },
    getState: () => inner.getState(),
    setState: (state) => inner.setState(state),
    dispose: () => inner.dispose(),
  };
}

/** The reference's defaults (MoMo α = 1, MoMo-Adam α = 1e-2; everything else unset). */
const DEFAULTS: OptimizerConfig[] = [{ name: 'momo', learningRate: 1 }, { name: 'momo-adam', learningRate: 1e-2 }];

describe.each(TEST_BACKENDS)('train() with loss-aware optimizers on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each(DEFAULTS.map((c) => [c.name, c] as const))(
    '%s with its defaults lowers the loss, gets each step\'s loss, and leaks no tensors per step',
    async (_name, config) => {
      const model = handWrittenMlp(6, 8, 3);
      const passed: number[] = [];
      const optimizer = recording(createOptimizer(config), passed);
      const steps: StepEndInfo[] = [];
      const counts: number[] = [];
      const history = await train({
        ...baseOptions(),
        model,
        optimizer,
        callbacks: {
          onStepEnd: (info) => {
            steps.push(info);
            counts.push(tf.memory().numTensors);
          },
        },
      });
      expect(passed).toEqual(steps.map((s) => s.loss));
      // The slots appear in step 1; from then on the count must not move, across epochs and validations.
      expect(new Set(counts.slice(1)).size).toBe(1);
      const [first, , last] = history.epochs;
      expect(last?.loss).toBeLessThan(first?.loss as number);
      expect(last?.validationLoss).toBeLessThan(first?.validationLoss as number);
      expect(last?.metrics['accuracy']).toBeGreaterThan(0.75);
      optimizer.dispose();
      disposeModel(model);
    },
  );

  it.each<OptimizerConfig>([
    { name: 'momo', learningRate: 1, weightDecay: 1e-3, biasCorrection: true, adaptLowerBound: true },
    { name: 'momo-adam', learningRate: 0.05, weightDecay: 1e-3, weightDecayMode: 'decoupled', adaptLowerBound: true },
  ])('$name: a crashed run resumes from its checkpoint bitwise equal to an uninterrupted one', async (config) => {
    // batch 8: 25 steps per epoch, 75 in all; the schedule changes α (MoMo's step cap) at every epoch
    const options = (dir: string) => ({
      ...baseOptions(),
      batchSize: 8,
      optimizer: createOptimizer(config),
      schedule: { kind: 'step-decay' as const, learningRate: config.learningRate, milestones: [1, 2], gamma: 0.5 },
      checkpoint: { dir, everySteps: 12, keep: 2 },
    });
    const reference = handWrittenMlp(6, 8, 3);
    const referenceOptions = options(freshDir());
    const expected = await train({ ...referenceOptions, model: reference });

    const dir = freshDir();
    const crashing = handWrittenMlp(6, 8, 3);
    const crashingOptions = options(dir);
    const crash = new Error('simulated crash');
    await expect(
      train({
        ...crashingOptions,
        model: crashing,
        callbacks: {
          onStepEnd: (info) => {
            if (info.globalStep === 63) throw crash; // epoch 3, step 13; last checkpoint at global step 60
          },
        },
      }),
    ).rejects.toBe(crash);
    const resumed = handWrittenMlp(6, 8, 99); // other initial weights: everything must come from the checkpoint
    const resumedOptions = options(dir);
    const history = await train({ ...resumedOptions, model: resumed, resume: true });
    expect(history.resumedFromStep).toBe(60);
    expect(readVariables(resumed)).toEqual(readVariables(reference));
    const strip = (h: typeof history) => h.epochs.map(({ seconds: _s, samplesPerSecond: _r, ...rest }) => rest);
    expect(strip(history)).toEqual(strip(expected));
    const [a, b] = await Promise.all([referenceOptions.optimizer.getState(), resumedOptions.optimizer.getState()]);
    const kind = (name: string) => name.replace(/^.*\//, ''); // slots carry each model's own tf.Variable names
    expect(b.map((s) => kind(s.name))).toEqual(a.map((s) => kind(s.name)));
    b.forEach((s, i) => expect(Array.from(s.tensor.dataSync()), s.name).toEqual(Array.from(a[i]?.tensor.dataSync() ?? [])));
    tf.dispose([...a, ...b].map((s) => s.tensor));
    for (const m of [reference, crashing, resumed]) disposeModel(m);
    for (const o of [referenceOptions, crashingOptions, resumedOptions]) o.optimizer.dispose();
  });
});

describe('train() with loss-aware optimizers on cpu: the loss of every path', () => {
  beforeAll(() => useBackend('cpu'));

  it.each<[string, WeightPerturbation]>([
    ['sam', { kind: 'sam', rho: 0.05 }],
    ['awp', { kind: 'awp', gamma: 0.05 }],
  ])('%s: the optimiser gets the loss at w (not at w + ε), and training still lowers it', async (_kind, perturbation) => {
    const model = handWrittenMlp(6, 8, 3);
    const passed: number[] = [];
    const optimizer = recording(createOptimizer({ name: 'momo-adam', learningRate: 0.05 }), passed);
    const steps: StepEndInfo[] = [];
    const history = await train({
      ...baseOptions(),
      model,
      optimizer,
      weightPerturbation: perturbation,
      callbacks: { onStepEnd: (info) => void steps.push(info) },
    });
    expect(passed).toEqual(steps.map((s) => s.loss));
    expect(steps.every((s) => s.perturbedLoss !== undefined && s.perturbedLoss !== s.loss)).toBe(true);
    expect(history.epochs[2]?.loss).toBeLessThan(history.epochs[0]?.loss as number);
    optimizer.dispose();
    disposeModel(model);
  });

  it('parallel: the optimiser gets the shard-weighted batch loss and follows the single-thread run', async () => {
    const run = async (parallel: boolean) => {
      const model = handWrittenMlp(6, 16, 3);
      const passed: number[] = [];
      const optimizer = recording(createOptimizer({ name: 'momo', learningRate: 1, adaptLowerBound: true }), passed);
      const steps: StepEndInfo[] = [];
      try {
        const history = await train({
          ...baseOptions(),
          model,
          optimizer,
          callbacks: { onStepEnd: (info) => void steps.push(info) },
          ...(parallel
            ? { parallel: { replica: { module: REPLICA_MODULE, export: 'mlpReplica', options: { features: 6, hidden: 16, seed: 99 } }, workers: 1 } }
            : {}),
        });
        return { passed, steps, losses: history.epochs.map((e) => e.loss), weights: readVariables(model) };
      } finally {
        optimizer.dispose();
        disposeModel(model);
      }
    };
    const single = await run(false);
    const split = await run(true);
    expect(split.passed).toEqual(split.steps.map((s) => s.loss));
    // Only the float summation order differs (shards are combined in float64, the whole batch in float32).
    split.passed.forEach((loss, i) => expect(Math.abs(loss - (single.passed[i] ?? 0)) / loss, `step ${i + 1}`).toBeLessThan(1e-3));
    split.losses.forEach((loss, i) => expect(Math.abs(loss - (single.losses[i] ?? 0)) / loss).toBeLessThan(1e-3));
    expect(split.losses[2]).toBeLessThan(split.losses[0] ?? 0);
  });
});
