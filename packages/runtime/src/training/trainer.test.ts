import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';

import { TrainingError } from '../errors.js';
import { createDataset } from './dataset.js';
import { learningRateAt, type LrScheduleConfig } from './lr-schedule.js';
import { fromLayersModel } from './model.js';
import { createOptimizer } from './optimizers.js';
import { TEST_BACKENDS, useBackend } from './test-support/backends.js';
import { useTempDirs } from './test-support/temp-dirs.js';
import { disposeModel, handWrittenMlp, readVariables, classificationSplit, baseTrainOptions } from './test-support/fixtures.js';
import { binaryAccuracy, sigmoidCrossEntropy } from './test-support/losses.js';
import type { LossInputs } from './loss-inputs.js';
import type { TrainOptions } from './train-options.js';
import { train } from './trainer.js';
import { evaluate } from './validation.js';

const freshDir = useTempDirs('cw-train-');

const split = classificationSplit();
const { validationSet } = split;

const baseOptions = (seed = 11): Omit<TrainOptions, 'model' | 'optimizer'> => baseTrainOptions(split, seed);

describe.each(TEST_BACKENDS)('train() on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('leaks no tensors per step (with clipping and a schedule) nor per evaluation', async () => {
    const model = handWrittenMlp(6, 8, 3);
    const optimizer = createOptimizer({ name: 'adam', learningRate: 0.01 });
    const counts: number[] = [];
    await train({
      ...baseOptions(),
      model,
      optimizer,
      clip: { globalNorm: 1, value: 5 },
      schedule: { kind: 'warmup-cosine', learningRate: 0.01, warmupSteps: 3, totalSteps: 21 },
      callbacks: { onStepEnd: () => void counts.push(tf.memory().numTensors) },
    });
    expect(counts).toHaveLength(21);
    // Adam's slots are created inside step 1; from then on the count must not move, across epochs and validations
    expect(new Set(counts).size).toBe(1);

    const before = tf.memory().numTensors;
    const result = await evaluate(model, validationSet, { loss: sigmoidCrossEntropy, metrics: { accuracy: binaryAccuracy }, batchSize: 16 });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.loss).toBeGreaterThan(0);
    expect(result.metrics['accuracy']).toBeGreaterThan(0.5);
    optimizer.dispose();
    disposeModel(model);
  });

  it('learns, and the same seed gives identical results while another seed differs', async () => {
    const run = async (seed: number) => {
      const model = handWrittenMlp(6, 8, 3);
      const optimizer = createOptimizer({ name: 'adam', learningRate: 0.02 });
      const history = await train({ ...baseOptions(seed), model, optimizer });
      const weights = readVariables(model);
      optimizer.dispose();
      disposeModel(model);
      return { history, weights };
    };
    const a = await run(5);
    const b = await run(5);
    const c = await run(6);
    const summary = (h: typeof a.history) => h.epochs.map((e) => [e.loss, e.validationLoss, e.metrics['accuracy']]);
    expect(summary(b.history)).toEqual(summary(a.history));
    expect(b.weights).toEqual(a.weights);
    expect(summary(c.history)).not.toEqual(summary(a.history));
    const losses = a.history.epochs.map((e) => e.validationLoss as number);
    expect(losses[2]).toBeLessThan(losses[0] as number);
    expect(a.history.epochs[2]?.metrics['accuracy']).toBeGreaterThan(0.75);
    expect(a.history.globalStep).toBe(21);
  });

  it('resumes after a crash at the exact step and ends bitwise equal to an uninterrupted run', async () => {
    // batch 8: 25 steps per epoch, 75 in all; enough Adam steps that its bias-correction state must be exact
    const options = (dir: string) => ({
      ...baseOptions(),
      batchSize: 8,
      optimizer: createOptimizer({ name: 'adamw', learningRate: 0.02, weightDecay: 0.01 }),
      schedule: { kind: 'step-decay', learningRate: 0.02, milestones: [1, 2], gamma: 0.5 } as LrScheduleConfig,
      checkpoint: { dir, everySteps: 12, keep: 2 },
    });
    const reference = handWrittenMlp(6, 8, 3);
    const referenceOptions = options(freshDir());
    const expected = await train({ ...referenceOptions, model: reference });

    const dir = freshDir();
    const crashing = handWrittenMlp(6, 8, 3);
    const crash = new Error('simulated crash');
    await expect(
      train({
        ...options(dir),
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
    const steps: number[] = [];
    const resumes: { globalStep: number; totalSteps: number; stepsSeen: number }[] = [];
    const history = await train({
      ...resumedOptions,
      model: resumed,
      resume: true,
      callbacks: { onStepEnd: (info) => void steps.push(info.globalStep), onResume: (info) => void resumes.push({ ...info, stepsSeen: steps.length }) },
    });
    expect(history.resumedFromStep).toBe(60);
    // Told once, before any step, with the run's total (75 steps: 3 epochs of 25).
    expect(resumes).toEqual([{ globalStep: 60, totalSteps: 75, stepsSeen: 0 }]);
    expect(steps).toEqual(Array.from({ length: 15 }, (_, i) => 61 + i));
    expect(readVariables(resumed)).toEqual(readVariables(reference));
    const strip = (h: typeof history) => h.epochs.map(({ seconds: _s, samplesPerSecond: _r, ...rest }) => rest);
    expect(strip(history)).toEqual(strip(expected));
    for (const m of [reference, crashing, resumed]) disposeModel(m);
    referenceOptions.optimizer.dispose();
    resumedOptions.optimizer.dispose();
  });
});

describe('train() on cpu', () => {
  beforeAll(() => useBackend('cpu'));

  it('throws a TrainingError naming epoch and step for a NaN loss, or skips the step when asked', async () => {
    let calls = 0;
    const poisoned = (inputs: LossInputs) => {
      calls += 1;
      const loss = sigmoidCrossEntropy(inputs);
      return calls === 10 ? tf.tidy(() => tf.add<tf.Scalar>(loss, Number.NaN)) : loss;
    };
    const model = handWrittenMlp(6, 8, 3);
    const error = await train({ ...baseOptions(), loss: poisoned, model, optimizer: createOptimizer({ name: 'sgd', learningRate: 0.1 }) }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TrainingError);
    // 7 steps per epoch plus one validation call after it: the 10th call is epoch 2, step 2
    expect((error as Error).message).toMatch(/loss: is NaN at epoch 2\/3, step 2\/7 \(global step 9\)/);

    calls = 0;
    let before: ReturnType<typeof readVariables> | undefined;
    let skippedWeightsUnchanged = false;
    const history = await train({
      ...baseOptions(),
      loss: poisoned,
      model,
      onNonFiniteLoss: 'skip',
      optimizer: createOptimizer({ name: 'sgd', learningRate: 0.1 }),
      callbacks: {
        onStepEnd: (info) => {
          const now = readVariables(model);
          if (info.skipped) skippedWeightsUnchanged = JSON.stringify(now) === JSON.stringify(before);
          before = now;
        },
      },
    });
    expect(history.epochs.map((e) => e.skippedSteps)).toEqual([0, 1, 0]);
    expect(skippedWeightsUnchanged).toBe(true);
    expect(Number.isFinite(history.epochs[1]?.loss)).toBe(true);
    disposeModel(model);
  });

  it('early stopping stops after `patience` bad epochs and restores the best weights', async () => {
    const scripted = [0.5, 0.4, 0.45, 0.6, 0.3, 0.2];
    let epoch = 0;
    const model = handWrittenMlp(6, 8, 3);
    const weightsAtEpochEnd: Array<ReturnType<typeof readVariables>> = [];
    const history = await train({
      ...baseOptions(),
      epochs: 6,
      model,
      optimizer: createOptimizer({ name: 'sgd', learningRate: 0.1 }),
      metrics: { scripted: () => scripted[epoch] as number },
      earlyStopping: { metric: 'scripted', patience: 2, restoreBestWeights: true },
      callbacks: {
        onEpochEnd: () => {
          weightsAtEpochEnd.push(readVariables(model));
          epoch += 1;
        },
      },
    });
    expect(history.epochs.map((e) => e.metrics['scripted'])).toEqual([0.5, 0.4, 0.45, 0.6]);
    expect(history.stoppedEarly).toBe(true);
    expect(history.bestEpoch).toBe(1);
    expect(readVariables(model)).toEqual(weightsAtEpochEnd[1]);
    expect(readVariables(model)).not.toEqual(weightsAtEpochEnd[3]);
    disposeModel(model);
  });

  it('sets the scheduled learning rate before every step', async () => {
    const schedule: LrScheduleConfig = { kind: 'step-decay', learningRate: 0.1, milestones: [1], gamma: 0.1 };
    const seen: Array<[number, number, number]> = [];
    const model = handWrittenMlp(6, 8, 3);
    const optimizer = createOptimizer({ name: 'momentum', learningRate: 1 });
    const history = await train({
      ...baseOptions(),
      epochs: 2,
      model,
      optimizer,
      schedule,
      callbacks: { onStepEnd: (i) => void seen.push([i.globalStep - 1, i.epoch, i.learningRate]) },
    });
    for (const [step, epoch, rate] of seen) expect(rate).toBe(learningRateAt(schedule, { step, epoch }));
    expect(history.epochs.map((e) => e.learningRate)).toEqual([0.1, expect.closeTo(0.01, 15)]);
    expect(optimizer.learningRate).toBeCloseTo(0.01, 15);
    disposeModel(model);
  });

  it('trains a two-input tfjs-layers model (int32 ids + float features) with sample weights', async () => {
    const n = 64;
    const ids = Int32Array.from({ length: n }, (_, i) => i % 5);
    const dense = Float32Array.from({ length: n * 2 }, (_, i) => ((i * 7) % 11) / 11);
    const y = Float32Array.from({ length: n }, (_, i) => (i % 5 >= 3 ? 1 : 0));
    const data = createDataset({
      inputs: { ids: { values: ids, shape: [1] }, dense: { values: dense, shape: [2] } },
      targets: { values: y, shape: [1] },
      weights: Float32Array.from({ length: n }, (_, i) => 1 + (i % 2)),
    });
    const idsIn = tfl.input({ shape: [1], name: 'ids', dtype: 'int32' });
    const denseIn = tfl.input({ shape: [2], name: 'dense' });
    const emb = tfl.layers.flatten().apply(tfl.layers.embedding({ inputDim: 5, outputDim: 3, embeddingsInitializer: tfl.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: 1 }) }).apply(idsIn));
    const joined = tfl.layers.concatenate().apply([emb as tfl.SymbolicTensor, denseIn]);
    const out = tfl.layers.dense({ units: 1, kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }).apply(joined);
    const model = fromLayersModel(tfl.model({ inputs: [idsIn, denseIn], outputs: out as tfl.SymbolicTensor }));
    const history = await train({
      model,
      loss: sigmoidCrossEntropy,
      train: data,
      validation: data,
      epochs: 4,
      batchSize: 16,
      seed: 1,
      optimizer: createOptimizer({ name: 'adam', learningRate: 0.1 }),
      progress: { quiet: true },
    });
    const losses = history.epochs.map((e) => e.validationLoss as number);
    expect(losses[3]).toBeLessThan((losses[0] as number) * 0.7);
  });

  it('draws a progress bar per epoch unless quiet', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    }) as unknown as NodeJS.WriteStream;
    const model = handWrittenMlp(6, 8, 3);
    await train({ ...baseOptions(), epochs: 2, model, optimizer: createOptimizer({ name: 'sgd', learningRate: 0.1 }), progress: { quiet: false, stream } });
    expect(lines.some((l) => l.startsWith('epoch 1/2 7/7'))).toBe(true);
    expect(lines.some((l) => l.startsWith('epoch 2/2'))).toBe(true);
    disposeModel(model);
  });

  it('rejects inconsistent options with errors naming the argument', async () => {
    const model = handWrittenMlp(6, 8, 3);
    const optimizer = createOptimizer({ name: 'sgd', learningRate: 0.1 });
    const base = { ...baseOptions(), model, optimizer };
    const { validation: _v, ...noValidation } = base;
    await expect(train(noValidation)).rejects.toThrow('train(): metrics: are computed on the validation set');
    await expect(train({ ...base, earlyStopping: { metric: 'auc' } })).rejects.toThrow(/earlyStopping.metric: "auc" is not a value of this run; use one of loss, validationLoss, accuracy/);
    await expect(train({ ...base, resume: true })).rejects.toThrow('resume: needs checkpoint.dir');
    await expect(train({ ...base, batchSize: 0 })).rejects.toThrow('batchSize: must be a positive integer');
    await expect(train({ ...base, loss: ({ targets, predictions }) => tf.sub<tf.Scalar>(targets, predictions) })).rejects.toThrow(/loss: must return a scalar, got shape \[32, 1\]/);
    const dir = freshDir();
    await train({ ...base, epochs: 1, checkpoint: { dir } });
    await expect(train({ ...base, batchSize: 16, checkpoint: { dir }, resume: true })).rejects.toThrow(
      /was saved with batchSize = 32 but this run has batchSize = 16.*; to start this run over instead, delete /,
    );
    // A damaged pointer to the latest checkpoint: named, with the folder to delete to start over.
    await writeFile(join(dir, 'latest.json'), '{"step": 1, "pa');
    await expect(train({ ...base, epochs: 1, checkpoint: { dir }, resume: true })).rejects.toThrow(`; to start this run over instead, delete ${dir}`);
    disposeModel(model);
  });
});
