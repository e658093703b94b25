import { applyMaxNorm, awpGradients, classNorms, maxNormThreshold, samGradients } from '@counterweight/core-losses';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { TrainingError } from '../errors.js';
import { disposeBatch, InMemoryDataset } from './dataset.js';
import type { TrainableModel } from './model.js';
import { createOptimizer } from './optimizers.js';
import { TEST_BACKENDS, useBackend } from './test-support/backends.js';
import { useTempDirs } from './test-support/temp-dirs.js';
import { disposeModel, handWrittenMlp, readVariables, syntheticClassification } from './test-support/fixtures.js';
import { sigmoidCrossEntropy } from './test-support/losses.js';
import type { WeightPerturbation } from './perturbed-gradients.js';
import type { TrainOptions } from './train-options.js';
import { train } from './trainer.js';

const freshDir = useTempDirs('cw-perturb-');

const data = syntheticClassification(48, 6, 4);
const BATCH = 16; // 3 steps per epoch

function options(model: TrainableModel, perturbation?: WeightPerturbation): TrainOptions {
  return {
    model,
    loss: sigmoidCrossEntropy,
    train: data,
    epochs: 2,
    batchSize: BATCH,
    shuffle: false,
    seed: 3,
    optimizer: createOptimizer({ name: 'sgd', learningRate: 0.5 }),
    progress: { quiet: true },
    ...(perturbation === undefined ? {} : { weightPerturbation: perturbation }),
  };
}

/** The same steps by hand: the core-losses function on each batch, then the same optimiser. */
function manualRun(kind: 'sam' | 'awp'): Record<string, Float32Array | Int32Array | Uint8Array> {
  const model = handWrittenMlp(6, 8, 3);
  const trainable = [...model.trainableVariables];
  const optimizer = createOptimizer({ name: 'sgd', learningRate: 0.5 });
  const order = data.epochOrder(undefined, 0);
  for (let epoch = 0; epoch < 2; epoch += 1) {
    for (let step = 0; step < 3; step += 1) {
      const batch = data.gather(InMemoryDataset.batchRows(order, step, BATCH));
      const loss = () =>
        sigmoidCrossEntropy({ targets: batch.targets, predictions: model.predict(batch.inputs, { training: true }), sampleWeights: batch.weights, extras: {} });
      const kernel = model.variables.find((v) => v.name === 'out/kernel')?.variable as tf.Variable;
      const result = kind === 'sam' ? samGradients(loss, trainable, { rho: 0.3 }) : awpGradients(loss, trainable, { gamma: 0.05, kernels: [kernel] });
      optimizer.applyGradients(trainable.map((variable, i) => ({ variable, gradient: result.grads[i] as tf.Tensor })));
      tf.dispose([result.loss, result.perturbedLoss, ...result.grads]);
      disposeBatch(batch);
    }
  }
  const weights = readVariables(model);
  optimizer.dispose();
  disposeModel(model);
  return weights;
}

const PERTURBATIONS: ReadonlyArray<[string, WeightPerturbation]> = [
  ['sam', { kind: 'sam', rho: 0.3 }],
  ['awp', { kind: 'awp', gamma: 0.05, kernels: (name) => name === 'out/kernel' }],
];

describe.each(TEST_BACKENDS)('train() with weightPerturbation on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each(PERTURBATIONS)('%s: each step applies the perturbed gradient (as the core-losses function), leaking nothing', async (kind, perturbation) => {
    const model = handWrittenMlp(6, 8, 3);
    const counts: number[] = [];
    const gaps: number[] = [];
    const opts = options(model, perturbation);
    const history = await train({
      ...opts,
      callbacks: {
        onStepEnd: (info) => {
          counts.push(tf.memory().numTensors);
          gaps.push((info.perturbedLoss ?? Number.NaN) - info.loss);
        },
      },
    });
    expect(history.globalStep).toBe(6);
    expect(new Set(counts).size).toBe(1);
    // the loss at w + ε is reported and higher: the perturbation ascends
    gaps.forEach((gap) => expect(gap).toBeGreaterThan(0));
    const weights = readVariables(model);
    expect(weights).toEqual(manualRun(kind as 'sam' | 'awp'));

    const plain = handWrittenMlp(6, 8, 3);
    const plainOpts = options(plain);
    await train(plainOpts);
    expect(readVariables(plain)).not.toEqual(weights);
    for (const o of [opts, plainOpts]) o.optimizer.dispose();
    disposeModel(model);
    disposeModel(plain);
  });
});

describe('train() with weightPerturbation on cpu', () => {
  beforeAll(() => useBackend('cpu'));

  it.each(PERTURBATIONS)('%s: a crashed run resumes from its checkpoint bitwise equal to an uninterrupted one', async (_kind, perturbation) => {
    const withCheckpoints = (model: TrainableModel, dir: string): TrainOptions => ({
      ...options(model, perturbation),
      epochs: 3,
      optimizer: createOptimizer({ name: 'adam', learningRate: 0.05 }),
      checkpoint: { dir, everySteps: 2 },
    });
    const reference = handWrittenMlp(6, 8, 3);
    const referenceOptions = withCheckpoints(reference, freshDir());
    const expected = await train(referenceOptions);

    const dir = freshDir();
    const crashing = handWrittenMlp(6, 8, 3);
    const crashingOptions = withCheckpoints(crashing, dir);
    const crash = new Error('simulated crash');
    await expect(
      train({
        ...crashingOptions,
        callbacks: {
          onStepEnd: (info) => {
            if (info.globalStep === 5) throw crash; // epoch 2, step 2; last checkpoint at step 4
          },
        },
      }),
    ).rejects.toBe(crash);
    const resumed = handWrittenMlp(6, 8, 99);
    const resumedOptions = withCheckpoints(resumed, dir);
    const history = await train({ ...resumedOptions, resume: true });
    expect(history.resumedFromStep).toBe(4);
    expect(readVariables(resumed)).toEqual(readVariables(reference));
    const strip = (h: typeof history) => h.epochs.map(({ seconds: _s, samplesPerSecond: _r, ...rest }) => rest);
    expect(strip(history)).toEqual(strip(expected));
    for (const o of [referenceOptions, crashingOptions, resumedOptions]) o.optimizer.dispose();
    for (const m of [reference, crashing, resumed]) disposeModel(m);
  });

  it('a radius of 0 from a schedule gives plain steps (e.g. AWP warm-up epochs)', async () => {
    const scheduled = handWrittenMlp(6, 8, 3);
    const plain = handWrittenMlp(6, 8, 3);
    const positions: Array<[number, number]> = [];
    const a = options(scheduled, {
      kind: 'awp',
      gamma: ({ step, epoch }) => {
        positions.push([step, epoch]);
        return epoch < 1 ? 0 : 0.05;
      },
    });
    const b = options(plain);
    const perturbed: boolean[] = [];
    await train({ ...a, epochs: 1, callbacks: { onStepEnd: (i) => void perturbed.push(i.perturbedLoss !== undefined) } });
    await train({ ...b, epochs: 1 });
    expect(readVariables(scheduled)).toEqual(readVariables(plain));
    expect(positions).toEqual([[0, 0], [1, 0], [2, 0]]);
    expect(perturbed).toEqual([false, false, false]);
    a.optimizer.dispose();
    b.optimizer.dispose();
    disposeModel(scheduled);
    disposeModel(plain);
  });

  it('onTrainPhaseEnd runs after the last step and before validation, e.g. for MaxNorm', async () => {
    const model = handWrittenMlp(6, 8, 3);
    const kernel = model.variables.find((v) => v.name === 'hidden/kernel')?.variable as tf.Variable;
    const threshold = maxNormThreshold(kernel);
    const events: string[] = [];
    const opts = options(model);
    await train({
      ...opts,
      validation: data,
      metrics: { probe: () => (events.push('validation'), 0) },
      callbacks: {
        onStepEnd: (i) => void events.push(`step ${i.globalStep}`),
        onTrainPhaseEnd: ({ epoch, globalStep }) => {
          events.push(`train end ${epoch} ${globalStep}`);
          applyMaxNorm(kernel, threshold);
        },
        onEpochEnd: (r) => void events.push(`epoch end ${r.epoch}`),
      },
    });
    expect(events).toEqual([
      'step 1', 'step 2', 'step 3', 'train end 0 3', 'validation', 'epoch end 0',
      'step 4', 'step 5', 'step 6', 'train end 1 6', 'validation', 'epoch end 1',
    ]);
    const norms = tf.tidy(() => Array.from(classNorms(kernel).dataSync()));
    norms.forEach((n) => expect(n).toBeLessThanOrEqual(threshold * (1 + 1e-6)));
    opts.optimizer.dispose();
    disposeModel(model);
  });

  it('rejects weightPerturbation with parallel, and bad radii, with errors naming the options', async () => {
    const model = handWrittenMlp(6, 8, 3);
    const base = options(model);
    const parallel = { replica: { module: 'file:///nowhere.js', export: 'replica' } };
    const error = await train({ ...base, weightPerturbation: { kind: 'sam' }, parallel }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingError);
    expect((error as Error).message).toMatch(
      /^train\(\): weightPerturbation: \("sam"\) cannot be combined with parallel: .*drop one of weightPerturbation and parallel$/,
    );
    await expect(train({ ...base, weightPerturbation: { kind: 'sam', rho: -1 } })).rejects.toThrow(
      'train(): weightPerturbation.rho: must be a finite number >= 0, got -1',
    );
    await expect(train({ ...base, weightPerturbation: { kind: 'awp', gamma: () => Number.NaN } })).rejects.toThrow(
      'train(): weightPerturbation.gamma: must be a finite number >= 0 (returned at epoch 0, step 0), got NaN',
    );
    await expect(train({ ...base, weightPerturbation: { kind: 'awp', kernels: () => false } })).rejects.toThrow(
      'train(): weightPerturbation.kernels: selects no trainable variable',
    );
    await expect(train({ ...base, weightPerturbation: { kind: 'asam' } as unknown as WeightPerturbation })).rejects.toThrow(
      'train(): weightPerturbation.kind: must be "sam" or "awp", got "asam"',
    );
    base.optimizer.dispose();
    disposeModel(model);
  });
});
