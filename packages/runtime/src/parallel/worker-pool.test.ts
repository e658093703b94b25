import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { initBackend, type BackendName } from '../backend.js';
import { createOptimizer } from '../training/optimizers.js';
import { disposeModel, handWrittenMlp, readVariables, syntheticClassification } from '../training/test-support/fixtures.js';
import { sigmoidCrossEntropy } from '../training/test-support/losses.js';
import { train } from '../training/trainer.js';
import { splitRows } from './worker-pool.js';

const REPLICA_MODULE = new URL('./test-support/mlp-replica.ts', import.meta.url).href;
const FEATURES = 6;
const HIDDEN = 16;

describe('splitRows', () => {
  it('splits into contiguous shards whose sizes differ by at most one', () => {
    const rows = Int32Array.from({ length: 10 }, (_, i) => i);
    expect(splitRows(rows, 3).map((s) => Array.from(s))).toEqual([[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    expect(splitRows(rows.subarray(0, 1), 2).map((s) => s.length)).toEqual([1, 0]);
  });
});

async function run(backend: BackendName, parallel: boolean, options: { hidden?: number; epochs?: number } = {}) {
  await initBackend(backend, { log: null });
  const data = syntheticClassification(240, FEATURES, 1);
  const model = handWrittenMlp(FEATURES, HIDDEN, 3);
  const optimizer = createOptimizer({ name: 'adam', learningRate: 0.01 });
  try {
    const history = await train({
      model,
      loss: sigmoidCrossEntropy,
      train: data,
      epochs: options.epochs ?? 3,
      batchSize: 32,
      seed: 5,
      optimizer,
      progress: { quiet: true },
      ...(parallel
        ? { parallel: { replica: { module: REPLICA_MODULE, export: 'mlpReplica', options: { features: FEATURES, hidden: options.hidden ?? HIDDEN, seed: 99 } }, workers: 1 } }
        : {}),
    });
    return { losses: history.epochs.map((e) => e.loss), weights: readVariables(model) };
  } finally {
    optimizer.dispose();
    disposeModel(model);
  }
}

function maxRelDiff(a: Record<string, ArrayLike<number>>, b: Record<string, ArrayLike<number>>): number {
  let worst = 0;
  for (const [name, values] of Object.entries(a)) {
    const other = b[name] ?? [];
    for (let i = 0; i < values.length; i += 1) {
      const x = values[i] ?? Number.NaN;
      const y = other[i] ?? Number.NaN;
      worst = Math.max(worst, Math.abs(x - y) / Math.max(Math.abs(y), 1e-3));
    }
  }
  return worst;
}

describe.each<BackendName>(['cpu', 'wasm'])('data-parallel training on %s', (backend) => {
  it('follows the single-thread run (same data, same steps) and is deterministic', async () => {
    const single = await run(backend, false);
    const before = tf.memory().numTensors;
    const parallelA = await run(backend, true);
    expect(tf.memory().numTensors).toBe(before);
    const parallelB = await run(backend, true);
    expect(parallelB).toEqual(parallelA);
    // Different float summation order only: losses and weights agree closely after 24 Adam steps.
    parallelA.losses.forEach((loss, i) => expect(Math.abs(loss - (single.losses[i] ?? 0)) / loss).toBeLessThan(1e-4));
    expect(maxRelDiff(parallelA.weights, single.weights)).toBeLessThan(1e-3);
    expect(single.losses[2]).toBeLessThan(single.losses[0] ?? 0);
  });
});

describe('data-parallel argument checks', () => {
  it('names the variable when a replica does not match the model', async () => {
    await expect(run('cpu', true, { hidden: 8, epochs: 1 })).rejects.toThrow(
      /parallel\.replica: worker 1: trainable variable 0 \("hidden\/kernel"\) has shape \[6,16\] in the main model but \[6,8\]/,
    );
  });

  it('names a missing factory export', async () => {
    await initBackend('cpu', { log: null });
    const model = handWrittenMlp(FEATURES, HIDDEN, 3);
    const optimizer = createOptimizer({ name: 'adam', learningRate: 0.01 });
    try {
      await expect(
        train({
          model,
          loss: sigmoidCrossEntropy,
          train: syntheticClassification(64, FEATURES, 1),
          epochs: 1,
          batchSize: 32,
          seed: 1,
          optimizer,
          progress: { quiet: true },
          parallel: { replica: { module: REPLICA_MODULE, export: 'nope' } },
        }),
      ).rejects.toThrow(/"nope" is not a function exported by/);
    } finally {
      optimizer.dispose();
      disposeModel(model);
    }
  });
});
