import { ConfigError, createOptimizer, evaluate, initBackend, train } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import type { FeatureSpec } from '../data/auction-set.js';
import type { CtrModelConfig } from './config.js';
import { createCtrModel, type CtrModel } from './ctr-model.js';
import { auctionInputs, ctrInputs } from './inputs.js';
import { TINY_SPEC, auctionDataset, maskedLogloss, syntheticAuctions } from './test-support/synthetic.js';

const CONFIGS: ReadonlyArray<[string, CtrModelConfig]> = [
  ['logistic', { kind: 'logistic' }],
  ['fm', { kind: 'fm', embeddingDim: 4 }],
  ['dnn', { kind: 'dnn', embeddingDim: 4, hidden: [16, 8] }],
  ['wide & deep', { kind: 'dnn', embeddingDim: 4, hidden: [8], wide: true }],
];

beforeAll(async () => {
  await initBackend('wasm', { log: null });
});

function withModel<T>(spec: FeatureSpec, config: CtrModelConfig, seed: number, body: (model: CtrModel) => T): T {
  const model = createCtrModel(spec, config, seed);
  try {
    return body(model);
  } finally {
    model.dispose();
  }
}

function weightsOf(model: CtrModel): Record<string, number[]> {
  return Object.fromEntries(model.variables.map((v) => [v.name, Array.from(v.variable.dataSync())]));
}

const set = syntheticAuctions(TINY_SPEC, 6, 4, 1);

describe.each(CONFIGS)('%s model', (_, config) => {
  it('returns finite logits [B, S], also for specs without dense features or without categorical fields', () => {
    for (const spec of [TINY_SPEC, { ...TINY_SPEC, numericNames: [] }, { ...TINY_SPEC, categoricalFields: [], buckets: [] }]) {
      const data = syntheticAuctions(spec, 5, 3, 2);
      withModel(spec, config, 1, (model) => {
        const inputs = auctionInputs(data);
        const logits = model.predict(inputs, { training: false });
        expect(logits.shape).toEqual([5, 3]);
        expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true);
        tf.dispose([logits, inputs.numeric, inputs.categorical]);
      });
    }
  });

  it('draws the same weights and logits from the same seed, other weights from another seed, with stable names', () => {
    const inputs = auctionInputs(set);
    const run = (seed: number) =>
      withModel(TINY_SPEC, config, seed, (model) => {
        const logits = model.predict(inputs, { training: false });
        const out = { weights: weightsOf(model), logits: Array.from(logits.dataSync()), names: model.variables.map((v) => v.name) };
        logits.dispose();
        return out;
      });
    const a = run(7);
    const b = run(7);
    const c = run(8);
    tf.dispose([inputs.numeric, inputs.categorical]);
    expect(b).toEqual(a);
    expect(c.names).toEqual(a.names);
    expect(a.names).toContain(config.kind === 'dnn' ? 'dnn/output/kernel' : 'linear/bias');
    expect(c.logits).not.toEqual(a.logits);
  });

  it('sends a finite, non-zero gradient to every variable', () => {
    withModel(TINY_SPEC, { ...config, l2: 0 }, 3, (model) => {
      const inputs = auctionInputs(set);
      const [targets, mask] = [tf.tensor2d(set.label, [6, 4]), tf.tensor2d(set.mask, [6, 4])];
      const loss = () => maskedLogloss({ targets, predictions: model.predict(inputs, { training: true }), sampleWeights: undefined, extras: { mask } });
      const { value, grads } = tf.variableGrads(loss);
      expect(Object.keys(grads)).toHaveLength(model.variables.length);
      for (const { name, variable } of model.variables) {
        const g = grads[variable.name];
        expect(g, name).toBeDefined();
        const values = Array.from((g as tf.Tensor).dataSync());
        expect(values.every(Number.isFinite), name).toBe(true);
        expect(Math.max(...values.map(Math.abs)), name).toBeGreaterThan(0);
      }
      tf.dispose([value, targets, mask, inputs.numeric, inputs.categorical, ...Object.values(grads)]);
    });
  });

  it('leaks no tensors in predict or in a gradient step', () => {
    withModel(TINY_SPEC, config, 4, (model) => {
      const inputs = auctionInputs(set);
      const [targets, mask] = [tf.tensor2d(set.label, [6, 4]), tf.tensor2d(set.mask, [6, 4])];
      const optimizer = tf.train.adam(0.01);
      const step = () => {
        const cost = optimizer.minimize(
          () =>
            tf.add<tf.Scalar>(
              maskedLogloss({ targets, predictions: model.predict(inputs, { training: true }), sampleWeights: undefined, extras: { mask } }),
              model.regularizationLoss?.() ?? 0,
            ),
          true,
          model.trainableVariables as tf.Variable[],
        );
        cost?.dispose();
      };
      step(); // creates the optimiser's slots
      const before = tf.memory().numTensors;
      tf.dispose(model.predict(inputs, { training: false }));
      expect(tf.memory().numTensors).toBe(before);
      step();
      step();
      expect(tf.memory().numTensors).toBe(before);
      optimizer.dispose();
      tf.dispose([targets, mask, inputs.numeric, inputs.categorical]);
    });
  });

  it('lowers the masked logloss in a few epochs of the runtime train()', async () => {
    const data = auctionDataset(syntheticAuctions(TINY_SPEC, 64, 4, 5));
    const model = createCtrModel(TINY_SPEC, config, 6);
    const optimizer = createOptimizer({ name: 'adam', learningRate: 0.05 });
    try {
      const before = await evaluate(model, data, { loss: maskedLogloss, batchSize: 32 });
      const history = await train({ model, loss: maskedLogloss, train: data, epochs: 8, batchSize: 16, optimizer, seed: 1, progress: { quiet: true } });
      const after = await evaluate(model, data, { loss: maskedLogloss, batchSize: 32 });
      expect(history.epochs.at(-1)?.loss).toBeLessThan(history.epochs[0]?.loss as number);
      expect(after.loss).toBeLessThan(before.loss - 0.05);
    } finally {
      optimizer.dispose();
      model.dispose();
    }
  });
});

describe('createCtrModel', () => {
  it('adds l2 · Σ w² over every weight but the biases as the regularization loss', () => {
    withModel(TINY_SPEC, { kind: 'fm', embeddingDim: 2, l2: 0.1 }, 1, (model) => {
      let expected = 0;
      for (const { name, variable } of model.variables) {
        if (!name.endsWith('bias')) expected += Array.from(variable.dataSync()).reduce((s, v) => s + v * v, 0);
      }
      const loss = model.regularizationLoss?.();
      expect(loss?.dataSync()[0]).toBeCloseTo(0.1 * expected, 6);
      loss?.dispose();
    });
    withModel(TINY_SPEC, { kind: 'logistic', l2: 0 }, 1, (model) => expect('regularizationLoss' in model).toBe(false));
  });

  it('names variables by model part and lists their layout', () => {
    withModel(TINY_SPEC, { kind: 'dnn', embeddingDim: 3, hidden: [5], wide: true }, 1, (model) => {
      expect(model.variableSpecs.map((v) => [v.name, v.shape])).toEqual([
        ['dnn/embedding', [12, 3]],
        ['dnn/hidden0/kernel', [2 * 3 + 3, 5]],
        ['dnn/hidden0/bias', [5]],
        ['dnn/output/kernel', [5, 1]],
        ['dnn/output/bias', [1]],
        ['linear/bias', [1]],
        ['linear/numeric', [3]],
        ['linear/categorical', [12]],
      ]);
      expect(model.variable('dnn/hidden0/bias').shape).toEqual([5]);
      expect(() => model.variable('fm/numeric')).toThrow(/has no variable "fm\/numeric"/);
    });
  });

  it('rejects bad specs, configs and inputs with errors naming them', () => {
    expect(() => createCtrModel({ numericNames: [], categoricalFields: [], buckets: [] }, { kind: 'logistic' }, 1)).toThrow(ConfigError);
    expect(() => createCtrModel({ ...TINY_SPEC, buckets: [5] }, { kind: 'logistic' }, 1)).toThrow('spec.buckets: needs one table size per categorical field (2), got 1');
    expect(() => createCtrModel({ ...TINY_SPEC, buckets: [5, 0] }, { kind: 'logistic' }, 1)).toThrow('spec.buckets[1]');
    // A field with only its missing/OOV row (always empty in the data) is a constant and allowed.
    createCtrModel({ ...TINY_SPEC, buckets: [5, 1] }, { kind: 'logistic' }, 1).dispose();
    expect(() => createCtrModel(TINY_SPEC, { kind: 'fm', embeddingDim: 0 }, 1)).toThrow('fm.embeddingDim: must be a positive integer, got 0');
    withModel(TINY_SPEC, { kind: 'logistic' }, 1, (model) => {
      const inputs = ctrInputs(TINY_SPEC, new Float32Array(6), new Int32Array(4), 2);
      const floatIds = tf.zeros([2, 1, 2]);
      expect(() => model.predict(inputs.numeric, { training: false })).toThrow('named inputs');
      expect(() => model.predict({ numeric: inputs.numeric, categorical: floatIds }, { training: false })).toThrow(
        'input "categorical" must be int32 [batch, slots, 2], got [2, 1, 2] float32',
      );
      expect(() => model.predict({ numeric: inputs.numeric }, { training: false })).toThrow('input "categorical" is missing');
      tf.dispose([inputs.numeric, inputs.categorical, floatIds]);
    });
  });
});
