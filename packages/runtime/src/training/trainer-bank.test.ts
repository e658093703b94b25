import { beforeAll, describe, expect, it } from 'vitest';

import type { InMemoryDataset } from './dataset.js';
import { createOptimizer } from './optimizers.js';
import { TEST_BACKENDS, useBackend } from './test-support/backends.js';
import { BANK_FEATURES, loadBankMarketing } from './test-support/bank.js';
import { disposeModel, handWrittenMlp, readVariables } from './test-support/fixtures.js';
import { binaryAccuracy, meanProbability, sigmoidCrossEntropy } from './test-support/losses.js';
import { train } from './trainer.js';

let data: { train: InMemoryDataset; validation: InMemoryDataset };
beforeAll(async () => {
  data = await loadBankMarketing({ trainRows: 12_000, validationRows: 4_000, seed: 3 });
});

/** Cross-entropy of always predicting the base rate p: the loss a model that learned nothing reaches at best. */
function priorLoss(targets: ArrayLike<number>): number {
  let positives = 0;
  for (let i = 0; i < targets.length; i += 1) positives += targets[i] as number;
  const p = positives / targets.length;
  return -(p * Math.log(p) + (1 - p) * Math.log(1 - p));
}

describe.each(TEST_BACKENDS)('UCI Bank Marketing MLP on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  const fit = async (weights?: Float32Array) => {
    const model = handWrittenMlp(BANK_FEATURES.length, 16, 7);
    const optimizer = createOptimizer({ name: 'adam', learningRate: 0.01 });
    const history = await train({
      model,
      loss: sigmoidCrossEntropy,
      train: weights === undefined ? data.train : data.train.withWeights(weights),
      validation: data.validation,
      epochs: 3,
      batchSize: 256,
      seed: 1,
      optimizer,
      metrics: { accuracy: binaryAccuracy, meanProbability },
      progress: { quiet: true },
    });
    const weightsAfter = readVariables(model);
    optimizer.dispose();
    disposeModel(model);
    return { history, weightsAfter };
  };

  it('validation loss decreases and ends well below the base-rate loss', async () => {
    const { history } = await fit();
    const losses = history.epochs.map((e) => e.validationLoss as number);
    const prior = priorLoss(data.validation.targets.values);
    expect(losses[2]).toBeLessThan(losses[0] as number);
    expect(losses[2]).toBeLessThan(prior - 0.04);
    const baseAccuracy = 1 - Array.from(data.validation.targets.values).reduce((a, b) => a + b, 0) / data.validation.size;
    expect(history.epochs[2]?.metrics['accuracy']).toBeGreaterThanOrEqual(baseAccuracy);
    const rate = history.epochs[2]?.samplesPerSecond ?? 0;
    expect(rate).toBeGreaterThan(0);
    console.info(`[${backend}] bank MLP 9-16-1, batch 256: ${Math.round(rate)} samples/s; val loss ${losses.map((l) => l.toFixed(4)).join(' -> ')} (prior ${prior.toFixed(4)})`);
  });

  it('upweighting the positive class raises the mean predicted probability', async () => {
    const targets = data.train.targets.values;
    const upweighted = Float32Array.from(targets, (y) => (y === 1 ? 4 : 1));
    const plain = await fit();
    const weighted = await fit(upweighted);
    const p0 = plain.history.epochs[2]?.metrics['meanProbability'] as number;
    const p1 = weighted.history.epochs[2]?.metrics['meanProbability'] as number;
    expect(weighted.weightsAfter).not.toEqual(plain.weightsAfter);
    // With positives counted 4x the model should predict clearly more "yes": at least 1.5x the unweighted mean.
    expect(p1).toBeGreaterThan(p0 * 1.5);
  });
});
