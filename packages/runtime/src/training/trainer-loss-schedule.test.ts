import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createOptimizer } from './optimizers.js';
import { useBackend } from './test-support/backends.js';
import { disposeModel, handWrittenMlp, readVariables, syntheticClassification } from './test-support/fixtures.js';
import { sigmoidCrossEntropy } from './test-support/losses.js';
import type { LossFunction } from './loss-inputs.js';
import { train } from './trainer.js';

const data = syntheticClassification(96, 6, 1);
const validation = syntheticClassification(32, 6, 2);
let dir: string;

beforeAll(async () => {
  await useBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'cw-loss-schedule-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A loss that records the label of every call, weighted by `scale`. */
function recording(label: string, scale: number, calls: string[]): LossFunction {
  return (inputs) => {
    calls.push(label);
    return tf.mul<tf.Scalar>(sigmoidCrossEntropy(inputs), scale);
  };
}

describe('train({ lossAtEpoch })', () => {
  it('uses the epoch objective for that epoch’s steps and validation (DRW-style switch)', async () => {
    const calls: string[] = [];
    const model = handWrittenMlp(6, 8, 3);
    try {
      const history = await train({
        model,
        loss: recording('default', 1, calls),
        lossAtEpoch: (epoch) => (epoch < 1 ? recording('plain', 1, calls) : recording('reweighted', 3, calls)),
        train: data,
        validation,
        epochs: 2,
        batchSize: 32,
        seed: 4,
        optimizer: createOptimizer({ name: 'adam', learningRate: 0.01 }),
        progress: { quiet: true },
      });
      expect(calls).toEqual(['plain', 'plain', 'plain', 'plain', 'reweighted', 'reweighted', 'reweighted', 'reweighted']);
      const [first, second] = history.epochs;
      // The validation loss of epoch 2 is computed with the ×3 objective.
      expect((second?.validationLoss ?? 0) / (first?.validationLoss ?? 1)).toBeGreaterThan(2);
    } finally {
      disposeModel(model);
    }
  });

  it('resumes mid-schedule with the objective of the resumed epoch', async () => {
    const run = async (epochs: number, resume: boolean, seedModel: number): Promise<Record<string, ArrayLike<number>>> => {
      const model = handWrittenMlp(6, 8, seedModel);
      try {
        await train({
          model,
          loss: sigmoidCrossEntropy,
          lossAtEpoch: (epoch) => (epoch < 1 ? sigmoidCrossEntropy : recording('w', 3, [])),
          train: data,
          epochs,
          batchSize: 32,
          seed: 4,
          optimizer: createOptimizer({ name: 'adam', learningRate: 0.01 }),
          checkpoint: { dir: join(dir, resume || epochs === 1 ? 'resumed' : 'straight') },
          resume,
          progress: { quiet: true },
        });
        return readVariables(model);
      } finally {
        disposeModel(model);
      }
    };
    const straight = await run(3, false, 3);
    await run(1, false, 3); // stops after epoch 1 (checkpointed)
    const resumed = await run(3, true, 77);
    expect(resumed).toEqual(straight);
  });

  it('cannot be combined with data-parallel steps', async () => {
    const model = handWrittenMlp(6, 8, 3);
    try {
      await expect(
        train({
          model,
          loss: sigmoidCrossEntropy,
          lossAtEpoch: () => sigmoidCrossEntropy,
          train: data,
          epochs: 1,
          batchSize: 32,
          seed: 4,
          optimizer: createOptimizer({ name: 'adam', learningRate: 0.01 }),
          parallel: { replica: { module: '/nonexistent.js', export: 'x' } },
          progress: { quiet: true },
        }),
      ).rejects.toThrow(/lossAtEpoch: cannot be combined with parallel/);
    } finally {
      disposeModel(model);
    }
  });
});

describe('train({ validationLoss })', () => {
  it('evaluates the validation set with its own loss and trains with the objective only', async () => {
    const calls: string[] = [];
    const model = handWrittenMlp(6, 8, 5);
    try {
      const history = await train({
        model,
        loss: recording('objective', 1, calls),
        validationLoss: recording('validation', 10, calls),
        train: data,
        validation,
        epochs: 2,
        batchSize: 32,
        seed: 4,
        optimizer: createOptimizer({ name: 'adam', learningRate: 0.01 }),
        earlyStopping: { metric: 'validationLoss', patience: 5 },
        progress: { quiet: true },
      });
      // 3 training steps per epoch with the objective, then one validation pass (one batch of 32) with its own loss.
      expect(calls).toEqual(['objective', 'objective', 'objective', 'validation', 'objective', 'objective', 'objective', 'validation']);
      const epoch = history.epochs[1];
      // ×10: the validation loss is not the objective's scale (the training loss is about 0.7 per row).
      expect(epoch?.validationLoss ?? 0).toBeGreaterThan(5 * (epoch?.loss ?? 1));
    } finally {
      disposeModel(model);
    }
  });

  it('is refused without a validation set, or when it is not a function', async () => {
    const model = handWrittenMlp(6, 8, 6);
    const base = { model, loss: sigmoidCrossEntropy, train: data, epochs: 1, batchSize: 32, seed: 4, optimizer: createOptimizer({ name: 'adam', learningRate: 0.01 }), progress: { quiet: true } };
    try {
      await expect(train({ ...base, validationLoss: sigmoidCrossEntropy })).rejects.toThrow(/validationLoss: needs a validation data set/);
      await expect(train({ ...base, validation, validationLoss: 3 as unknown as LossFunction })).rejects.toThrow(/validationLoss: must be a loss function/);
    } finally {
      disposeModel(model);
    }
  });
});
