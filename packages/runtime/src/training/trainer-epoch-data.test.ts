import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TrainingError } from '../errors.js';
import { createDataset, type InMemoryDataset } from './dataset.js';
import { createOptimizer } from './optimizers.js';
import { useBackend } from './test-support/backends.js';
import { disposeModel, handWrittenMlp, readVariables, syntheticClassification } from './test-support/fixtures.js';
import { sigmoidCrossEntropy } from './test-support/losses.js';
import type { TrainOptions } from './train-options.js';
import { train } from './trainer.js';

const ROWS = 96;
const FEATURES = 6;
const base = syntheticClassification(ROWS, FEATURES, 1);
let dir: string;

/** `base` with every input multiplied by `1 + epoch / 10` (a stand-in for a per-epoch augmentation draw). */
function scaledFor(epoch: number): InMemoryDataset {
  const batch = base.gather(Int32Array.from({ length: ROWS }, (_, i) => i));
  try {
    const x = tf.mul(batch.inputs as tf.Tensor, 1 + epoch / 10);
    const values = x.dataSync() as Float32Array;
    x.dispose();
    return createDataset({ inputs: { values, shape: [FEATURES] }, targets: { values: batch.targets.dataSync() as Float32Array, shape: [1] } });
  } finally {
    tf.dispose([batch.inputs, batch.targets, ...(batch.weights === undefined ? [] : [batch.weights])]);
  }
}

function options(extra: Partial<TrainOptions>): TrainOptions {
  return {
    model: handWrittenMlp(FEATURES, 8, 3),
    loss: sigmoidCrossEntropy,
    train: base,
    epochs: 3,
    batchSize: 32,
    seed: 5,
    optimizer: createOptimizer({ name: 'adam', learningRate: 0.01 }),
    progress: { quiet: true },
    ...extra,
  };
}

beforeAll(async () => {
  await useBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'cw-epoch-data-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('train({ trainAtEpoch })', () => {
  it('returning `train` itself changes nothing, bit for bit', async () => {
    const plain = options({});
    const hooked = options({ trainAtEpoch: () => base });
    try {
      await train(plain);
      await train(hooked);
      expect(readVariables(hooked.model)).toEqual(readVariables(plain.model));
    } finally {
      disposeModel(plain.model);
      disposeModel(hooked.model);
    }
  });

  it('trains each epoch on the rows it returns (asked once per epoch, in order)', async () => {
    const asked: number[] = [];
    const seen: number[] = [];
    const hooked = options({
      trainAtEpoch: (epoch) => {
        asked.push(epoch);
        return scaledFor(epoch);
      },
      loss: (inputs) => sigmoidCrossEntropy(inputs),
      callbacks: { onStepEnd: (info) => void (info.step === 0 && seen.push(info.epoch)) },
    });
    const plain = options({});
    try {
      await train(hooked);
      await train(plain);
      expect(asked).toEqual([0, 1, 2]);
      expect(seen).toEqual([0, 1, 2]);
      // Epoch 0's data equals `base` (scale 1); later epochs differ, so the weights must too.
      expect(readVariables(hooked.model)).not.toEqual(readVariables(plain.model));
    } finally {
      disposeModel(hooked.model);
      disposeModel(plain.model);
    }
  });

  it('resumes with the data of the resumed epoch', async () => {
    const checkpoint = { dir: join(dir, 'resume') };
    const straight = options({ trainAtEpoch: scaledFor });
    const first = options({ trainAtEpoch: scaledFor, epochs: 1, checkpoint });
    const resumed = options({ trainAtEpoch: scaledFor, checkpoint, resume: true });
    try {
      await train(straight);
      await train(first);
      // A fresh model and optimizer: everything comes from the checkpoint.
      await train(resumed);
      expect(readVariables(resumed.model)).toEqual(readVariables(straight.model));
    } finally {
      [straight, first, resumed].forEach((o) => disposeModel(o.model));
    }
  });

  it('rejects a data set of another size, naming the epoch', async () => {
    const small = syntheticClassification(ROWS - 1, FEATURES, 2);
    const bad = options({ trainAtEpoch: (epoch) => (epoch === 1 ? small : base) });
    try {
      await expect(train(bad)).rejects.toThrow(TrainingError);
      await expect(train(options({ trainAtEpoch: (epoch) => (epoch === 1 ? small : base) }))).rejects.toThrow(
        /trainAtEpoch.*96 rows.*epoch 1, got 95 rows/,
      );
    } finally {
      disposeModel(bad.model);
    }
  });
});
