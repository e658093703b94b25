import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { initBackend } from '../../backend.js';
import { ConfigError } from '../../errors.js';
import { withExtras, type LossInputs } from '../loss-inputs.js';
import { createOptimizer } from '../optimizers.js';
import { disposeModel, handWrittenMlp, syntheticClassification } from '../test-support/fixtures.js';
import { sigmoidCrossEntropy } from '../test-support/losses.js';
import { train } from '../trainer.js';
import { combineShards } from './combine-shards.js';
import { checkNoRowCoupling, rowCouplingOf, withRowCoupling } from './row-coupling.js';
import { lossWeightedSigmoidCrossEntropy } from './test-support/mlp-replica.js';

const REPLICA_MODULE = new URL('./test-support/mlp-replica.ts', import.meta.url).href;
const FEATURES = 6;
const HIDDEN = 16;

describe('withRowCoupling', () => {
  it('declares the coupling and keeps the value, the name and the extras of the loss', async () => {
    await initBackend('cpu', { log: null });
    const masked = withExtras({ lossName: 'masked', extras: ['mask'] }, ({ predictions, extras }: LossInputs<'mask'>) =>
      tf.sum<tf.Scalar>(tf.mul(predictions, extras.mask)),
    );
    const coupled = withRowCoupling({ reason: 'batch-wide normalisation' }, masked);
    expect(coupled.lossName).toBe('masked');
    expect(coupled.extras).toEqual(['mask']);
    expect(rowCouplingOf(coupled)).toEqual({ lossName: 'masked', reason: 'batch-wide normalisation' });
    expect(rowCouplingOf(masked)).toBeUndefined();
    const inputs = { predictions: tf.tensor1d([1, 2, 3]), targets: tf.tensor1d([0, 0, 0]), sampleWeights: undefined, extras: { mask: tf.tensor1d([1, 0, 1]) } };
    expect(coupled(inputs).dataSync()[0]).toBe(4);
    expect(withRowCoupling({ lossName: 'renamed', reason: 'x' }, masked).lossName).toBe('renamed');
    expect(() => withRowCoupling({ reason: ' ' }, masked)).toThrow(ConfigError);
    expect(() => checkNoRowCoupling(coupled, 'parallel')).toThrow(/parallel: loss "masked" couples the rows of a batch \(batch-wide normalisation\)/);
    expect(() => checkNoRowCoupling(sigmoidCrossEntropy, 'parallel')).not.toThrow();
    tf.dispose([inputs.predictions, inputs.targets, inputs.extras.mask]);
  });

  it('is needed: for a row-coupling loss the size-weighted sum of shard gradients is not the batch gradient', async () => {
    await initBackend('cpu', { log: null });
    const data = syntheticClassification(16, FEATURES, 2);
    const model = handWrittenMlp(FEATURES, HIDDEN, 4);
    const trainable = [...model.trainableVariables];
    const gradientOf = (loss: (inputs: LossInputs) => tf.Scalar, rows: Int32Array) => {
      const batch = data.gather(rows);
      const { value, grads } = tf.variableGrads(
        () => loss({ predictions: model.predict(batch.inputs, { training: true }), targets: batch.targets, sampleWeights: undefined, extras: {} }),
        trainable,
      );
      tf.dispose([batch.inputs, batch.targets]);
      return { loss: value.dataSync()[0] ?? Number.NaN, grads: trainable.map((v) => grads[v.name] as tf.Tensor), value };
    };
    const all = Int32Array.from({ length: 16 }, (_, i) => i);
    const gap = (loss: (inputs: LossInputs) => tf.Scalar) => {
      const whole = gradientOf(loss, all);
      const first = gradientOf(loss, all.subarray(0, 8));
      const second = gradientOf(loss, all.subarray(8));
      const combined = combineShards(
        { ...first, rows: 8 },
        [{ loss: second.loss, grads: second.grads.map((g) => g.dataSync() as Float32Array), rows: 8 }],
        trainable,
      );
      const worst = Math.max(
        ...combined.grads.map((g, i) => tf.max(tf.abs(tf.sub(g, whole.grads[i] as tf.Tensor))).dataSync()[0] ?? Number.NaN),
      );
      const scale = Math.max(...whole.grads.map((g) => tf.max(tf.abs(g)).dataSync()[0] ?? Number.NaN));
      tf.dispose([whole.value, first.value, second.value, ...whole.grads, ...first.grads, ...second.grads, ...combined.grads]);
      return worst / scale;
    };
    expect(gap(sigmoidCrossEntropy)).toBeLessThan(1e-5);
    expect(gap(lossWeightedSigmoidCrossEntropy)).toBeGreaterThan(1e-2);
    disposeModel(model);
  });
});

describe('train() with parallel and a row-coupling loss', () => {
  async function attempt(loss: typeof sigmoidCrossEntropy, replicaExport: string): Promise<unknown> {
    await initBackend('cpu', { log: null });
    const model = handWrittenMlp(FEATURES, HIDDEN, 3);
    const optimizer = createOptimizer({ name: 'adam', learningRate: 0.01 });
    try {
      await train({
        model,
        loss,
        train: syntheticClassification(64, FEATURES, 1),
        epochs: 1,
        batchSize: 32,
        seed: 1,
        optimizer,
        progress: { quiet: true },
        parallel: { replica: { module: REPLICA_MODULE, export: replicaExport, options: { features: FEATURES, hidden: HIDDEN, seed: 99 } }, workers: 1 },
      });
      return undefined;
    } catch (error) {
      return error;
    } finally {
      optimizer.dispose();
      disposeModel(model);
    }
  }

  it('refuses the loss of the main thread with a ConfigError naming the loss and the reason, before any worker starts', async () => {
    const error = await attempt(lossWeightedSigmoidCrossEntropy, 'rowCoupledMlpReplica');
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).option).toBe('parallel');
    expect((error as Error).message).toMatch(
      /loss "lossWeightedSigmoidCrossEntropy" couples the rows of a batch \(per-row losses are min–max normalised over the whole batch\).*without `parallel`/,
    );
  });

  it("refuses a replica whose loss couples rows, even when the main thread's loss does not declare it", async () => {
    const error = await attempt(sigmoidCrossEntropy, 'rowCoupledMlpReplica');
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).option).toBe('parallel.replica');
    expect((error as Error).message).toMatch(/loss "lossWeightedSigmoidCrossEntropy" couples the rows of a batch/);
  });

  it('trains the row-coupling loss single-threaded', async () => {
    await initBackend('cpu', { log: null });
    const model = handWrittenMlp(FEATURES, HIDDEN, 3);
    const optimizer = createOptimizer({ name: 'adam', learningRate: 0.01 });
    try {
      const history = await train({
        model,
        loss: lossWeightedSigmoidCrossEntropy,
        train: syntheticClassification(64, FEATURES, 1),
        epochs: 3,
        batchSize: 16,
        seed: 1,
        optimizer,
        progress: { quiet: true },
      });
      expect(history.epochs[2]?.loss).toBeLessThan(history.epochs[0]?.loss ?? 0);
    } finally {
      optimizer.dispose();
      disposeModel(model);
    }
  });
});
