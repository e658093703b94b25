import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { initBackend, type BackendName } from '../../backend.js';
import { createOptimizer } from '../optimizers.js';
import { disposeModel, handWrittenMlp, readVariables, syntheticClassification } from '../test-support/fixtures.js';
import { maskedSigmoidCrossEntropy, sigmoidCrossEntropy } from '../test-support/losses.js';
import { train } from '../trainer.js';
import { GradientWorkerPool, splitRows } from './worker-pool.js';

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

/** A 0/1 `mask` extra column over the rows (every third row masked out). */
const MASK = { mask: { values: Float32Array.from({ length: 240 }, (_, i) => (i % 3 === 0 ? 0 : 1)), shape: [] } };

async function run(backend: BackendName, parallel: boolean, options: { hidden?: number; epochs?: number; masked?: boolean; workers?: number } = {}) {
  await initBackend(backend, { log: null });
  const plain = syntheticClassification(240, FEATURES, 1);
  const data = options.masked === true ? plain.withExtraColumns(MASK) : plain;
  const model = handWrittenMlp(FEATURES, HIDDEN, 3);
  const optimizer = createOptimizer({ name: 'adam', learningRate: 0.01 });
  const replica = options.masked === true ? 'maskedMlpReplica' : 'mlpReplica';
  try {
    const history = await train({
      model,
      loss: options.masked === true ? maskedSigmoidCrossEntropy : sigmoidCrossEntropy,
      train: data,
      epochs: options.epochs ?? 3,
      batchSize: 32,
      seed: 5,
      optimizer,
      progress: { quiet: true },
      ...(parallel
        ? { parallel: { replica: { module: REPLICA_MODULE, export: replica, options: { features: FEATURES, hidden: options.hidden ?? HIDDEN, seed: 99 } }, workers: options.workers ?? 1 } }
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

  it('hands the extra columns to the workers: a loss with a named side input follows the single-thread run', async () => {
    const single = await run(backend, false, { masked: true });
    const parallel = await run(backend, true, { masked: true });
    parallel.losses.forEach((loss, i) => expect(Math.abs(loss - (single.losses[i] ?? 0)) / loss).toBeLessThan(1e-4));
    expect(maxRelDiff(parallel.weights, single.weights)).toBeLessThan(1e-3);
    // The mask changes the run, so agreement means the workers read it.
    const unmasked = await run(backend, false);
    expect(Math.abs((unmasked.losses[0] ?? 0) - (single.losses[0] ?? 0))).toBeGreaterThan(1e-3);
  });
});

describe('data-parallel training with two workers (three shards)', () => {
  it('gives every worker its own gradient arena: follows the single-thread run and is deterministic', async () => {
    const single = await run('cpu', false, { epochs: 2 });
    const parallelA = await run('cpu', true, { epochs: 2, workers: 2 });
    const parallelB = await run('cpu', true, { epochs: 2, workers: 2 });
    expect(parallelB).toEqual(parallelA);
    parallelA.losses.forEach((loss, i) => expect(Math.abs(loss - (single.losses[i] ?? 0)) / loss).toBeLessThan(1e-4));
    expect(maxRelDiff(parallelA.weights, single.weights)).toBeLessThan(1e-3);
    // Three shards sum in another order than two: the runs differ, if only in the last bits.
    const oneWorker = await run('cpu', true, { epochs: 2 });
    expect(oneWorker.weights).not.toEqual(parallelA.weights);
  });
});

describe('GradientWorkerPool', () => {
  it('computes one step at a time: a second concurrent step is refused, the first completes', async () => {
    await initBackend('cpu', { log: null });
    const data = syntheticClassification(64, FEATURES, 1);
    const model = handWrittenMlp(FEATURES, HIDDEN, 3);
    const pool = await GradientWorkerPool.start({
      replica: { module: REPLICA_MODULE, export: 'mlpReplica', options: { features: FEATURES, hidden: HIDDEN, seed: 99 } },
      dataset: data,
      workers: 1,
      backend: 'cpu',
      model,
      seed: 1,
    });
    try {
      const rows = [Int32Array.from([0, 1, 2, 3])];
      const first = pool.computeShards(model.trainableVariables, rows);
      await expect(pool.computeShards(model.trainableVariables, rows)).rejects.toThrow(/parallel\.pool: is computing another step/);
      const [result] = await first;
      expect(result?.grads.map((g) => g.length)).toEqual(model.trainableVariables.map((v) => v.size));
      expect(Number.isFinite(result?.loss)).toBe(true);
    } finally {
      await pool.close();
      disposeModel(model);
    }
  });
});

describe('data-parallel argument checks', () => {
  it('names the variable when a replica does not match the model', async () => {
    await expect(run('cpu', true, { hidden: 8, epochs: 1 })).rejects.toThrow(
      /parallel\.replica: worker 1: trainable variable 0 \("hidden\/kernel"\) has shape \[6,16\] in the main model but \[6,8\]/,
    );
  });

  it('names the extra column that the loss of a replica needs and the shared data set lacks', async () => {
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
          parallel: { replica: { module: REPLICA_MODULE, export: 'maskedMlpReplica', options: { features: FEATURES, hidden: HIDDEN, seed: 99 } }, workers: 1 },
        }),
      ).rejects.toThrow(/parallel\.replica: worker 1 failed to start: .*loss "maskedSigmoidCrossEntropy" needs the extra column "mask"/);
    } finally {
      optimizer.dispose();
      disposeModel(model);
    }
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
