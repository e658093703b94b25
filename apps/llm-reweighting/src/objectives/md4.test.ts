import { createDataset, createOptimizer, fromVariables, initBackend, MissingExtraError, train } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { md4Rows } from './md4-batch.js';
import { buildMd4Objective } from './md4.js';
import { shakespeareIds } from './test-support/shakespeare.js';

beforeAll(() => initBackend('cpu', { log: null }));

describe('md4 objective', () => {
  const { vocabulary, ids } = shakespeareIds(24 * 16);
  const V = vocabulary.length;
  const clean = { count: 24, context: 16, inputs: ids, targets: ids };

  it('trains a denoiser through runtime train() with maskedTokens and elboWeights as extra columns, without leaks (plain SGD keeps no slots), lowering its loss', async () => {
    const rows = md4Rows(clean, { vocabularySize: V, seed: 2, batchSize: 8 });
    const data = createDataset({
      inputs: { values: rows.windows.inputs, shape: [16] },
      targets: { values: rows.windows.targets, shape: [16] },
      extras: rows.extras,
    });
    // one logit row per input id, the mask id V included: a bigram-style denoiser
    const table = tf.variable(tf.zeros([V + 1, V]), true, 'md4-test-table');
    const model = fromVariables({ variables: { table }, forward: (x) => tf.gather(table, x as tf.Tensor) });
    const objective = buildMd4Objective();
    expect(objective.causal).toBe(false);
    const optimizer = createOptimizer({ name: 'sgd', learningRate: 1 });
    const before = tf.memory().numTensors;
    const history = await train({ model, loss: objective.loss(0), train: data, epochs: 4, batchSize: 8, shuffle: false, optimizer, seed: 1, progress: { quiet: true } });
    expect(tf.memory().numTensors).toBe(before);
    const losses = history.epochs.map((e) => e.loss);
    expect(losses[3]).toBeLessThan(losses[0] ?? 0);
    optimizer.dispose();
    table.dispose();
  });

  it('declares its extras, so a data set without them is rejected before any step', async () => {
    const data = createDataset({ inputs: { values: ids, shape: [16] }, targets: { values: ids, shape: [16] } });
    const table = tf.variable(tf.zeros([V + 1, V]), true, 'md4-test-table-2');
    const model = fromVariables({ variables: { table }, forward: (x) => tf.gather(table, x as tf.Tensor) });
    const optimizer = createOptimizer({ name: 'sgd', learningRate: 0.1 });
    await expect(train({ model, loss: buildMd4Objective().loss(0), train: data, epochs: 1, batchSize: 8, optimizer, seed: 1, progress: { quiet: true } })).rejects.toThrow(MissingExtraError);
    optimizer.dispose();
    table.dispose();
  });
});
