import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { SeededRandom } from '../random.js';
import type { InMemoryDataset } from './dataset.js';
import { MissingExtraError, withExtras, type LossInputs } from './loss-inputs.js';
import { createOptimizer } from './optimizers.js';
import { TEST_BACKENDS, useBackend } from './test-support/backends.js';
import { classificationSplit, disposeModel, handWrittenMlp, readVariables } from './test-support/fixtures.js';
import { maskedFraction, maskedSigmoidCrossEntropy, sigmoidCrossEntropy } from './test-support/losses.js';
import type { TrainOptions } from './train-options.js';
import { train } from './trainer.js';
import { evaluate } from './validation.js';

const split = classificationSplit();

/** A 0/1 column with about 30 % zeros, fixed by `seed`. */
function randomMask(rows: number, seed: number): Float32Array {
  const random = SeededRandom.fromSeed(seed, 'mask');
  return Float32Array.from({ length: rows }, () => (random.uniform() < 0.3 ? 0 : 1));
}

const trainMask = randomMask(split.trainSet.size, 1);
const validationMask = randomMask(split.validationSet.size, 2);
const asExtra = (mask: Float32Array) => ({ mask: { values: mask, shape: [] } });
/** The mask as an extra column, the loss reading it by name. */
const withMaskColumn = { train: split.trainSet.withExtraColumns(asExtra(trainMask)), validation: split.validationSet.withExtraColumns(asExtra(validationMask)) };
/** The same mask as per-sample weights, the plain weighted loss. */
const withMaskWeights = { train: split.trainSet.withWeights(trainMask), validation: split.validationSet.withWeights(validationMask) };

function options(data: { train: InMemoryDataset; validation: InMemoryDataset }, loss: TrainOptions['loss']) {
  return {
    loss,
    train: data.train,
    validation: data.validation,
    epochs: 2,
    batchSize: 32,
    seed: 4,
    progress: { quiet: true },
  } satisfies Omit<TrainOptions, 'model' | 'optimizer'>;
}

describe.each(TEST_BACKENDS)('a loss with a named side input on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('gets the extra column row-aligned through shuffled batches and validation: bitwise the weighted loss', async () => {
    const run = async (data: typeof withMaskColumn, loss: TrainOptions['loss']) => {
      const model = handWrittenMlp(6, 8, 3);
      const optimizer = createOptimizer({ name: 'adam', learningRate: 0.02 });
      try {
        const history = await train({ ...options(data, loss), model, optimizer });
        return { epochs: history.epochs.map((e) => [e.loss, e.validationLoss]), weights: readVariables(model) };
      } finally {
        optimizer.dispose();
        disposeModel(model);
      }
    };
    const byName = await run(withMaskColumn, maskedSigmoidCrossEntropy);
    const byWeights = await run(withMaskWeights, sigmoidCrossEntropy);
    expect(byName).toEqual(byWeights);
    // The mask matters: without it the run differs.
    const unmasked = await run({ train: split.trainSet, validation: split.validationSet }, sigmoidCrossEntropy);
    expect(unmasked.epochs).not.toEqual(byName.epochs);
  });

  it('leaks no tensors in a training step nor in an evaluation with extras (counted outside any tidy)', async () => {
    const model = handWrittenMlp(6, 8, 3);
    const optimizer = createOptimizer({ name: 'adam', learningRate: 0.02 });
    const counts: number[] = [];
    await train({
      ...options(withMaskColumn, maskedSigmoidCrossEntropy),
      model,
      optimizer,
      metrics: { kept: maskedFraction },
      callbacks: { onStepEnd: () => void counts.push(tf.memory().numTensors) },
    });
    expect(new Set(counts.slice(1)).size).toBe(1); // Adam's slots appear in step 1
    const before = tf.memory().numTensors;
    const result = await evaluate(model, withMaskColumn.validation, {
      loss: maskedSigmoidCrossEntropy,
      metrics: { kept: maskedFraction },
      batchSize: 16,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.metrics['kept']).toBeCloseTo(validationMask.reduce((a, b) => a + b, 0) / validationMask.length, 6);
    optimizer.dispose();
    disposeModel(model);
  });
});

describe('a data set without a declared extra', () => {
  beforeAll(() => useBackend('cpu'));

  const caught = async (run: () => Promise<unknown>): Promise<MissingExtraError> => {
    const error = await run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MissingExtraError);
    return error as MissingExtraError;
  };

  it('is rejected before the first step, naming the column, the loss and the data set', async () => {
    const model = handWrittenMlp(6, 8, 3);
    const optimizer = createOptimizer({ name: 'sgd', learningRate: 0.1 });
    let steps = 0;
    const base = { ...options(withMaskColumn, maskedSigmoidCrossEntropy), model, optimizer, callbacks: { onStepEnd: () => void (steps += 1) } };
    const inTrain = await caught(() => train({ ...base, train: split.trainSet }));
    expect(inTrain.message).toMatch(
      /train\(\): loss: loss "maskedSigmoidCrossEntropy" needs the extra column "mask", which the train data set does not carry \(its extras: none\)/,
    );
    expect([inTrain.extra, inTrain.loss, inTrain.dataset]).toEqual(['mask', 'maskedSigmoidCrossEntropy', 'train']);
    expect((await caught(() => train({ ...base, validation: split.validationSet }))).dataset).toBe('validation');
    const metric = await caught(() => train({ ...base, loss: sigmoidCrossEntropy, train: split.trainSet, validation: split.validationSet, metrics: { kept: maskedFraction } }));
    expect(metric.message).toMatch(/metrics\.kept: loss "maskedFraction" needs the extra column "mask"/);
    expect(steps).toBe(0);

    const bids = withExtras({ lossName: 'bidWeighted', extras: ['mask', 'bids'] }, ({ extras }: LossInputs<'mask' | 'bids'>) => tf.sum<tf.Scalar>(tf.mul(extras.mask, extras.bids)));
    const atEpoch = await caught(() => train({ ...base, lossAtEpoch: () => bids }));
    expect(atEpoch.message).toMatch(/lossAtEpoch: loss "bidWeighted" needs the extra column "bids", which the train data set does not carry \(its extras: mask\)/);
    const perEpochRows = await caught(() => train({ ...base, trainAtEpoch: () => split.trainSet }));
    expect(perEpochRows.dataset).toBe('trainAtEpoch(0)');
    expect(steps).toBe(0);
    const inEvaluate = await caught(() => evaluate(model, split.validationSet, { loss: maskedSigmoidCrossEntropy, batchSize: 8 }));
    expect(inEvaluate.dataset).toBe('evaluated');
    optimizer.dispose();
    disposeModel(model);
  });
});
