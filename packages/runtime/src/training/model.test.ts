import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';

import { TrainingError } from '../errors.js';
import { fromLayersModel, fromVariables } from './model.js';
import { useBackend } from './test-support/backends.js';

beforeAll(() => useBackend('cpu'));

function twoInputModel(): tfl.LayersModel {
  const ids = tfl.input({ shape: [2], name: 'ids', dtype: 'int32' });
  const dense = tfl.input({ shape: [3], name: 'dense' });
  const embedded = tfl.layers.flatten().apply(tfl.layers.embedding({ inputDim: 10, outputDim: 2 }).apply(ids)) as tfl.SymbolicTensor;
  const joined = tfl.layers.concatenate().apply([embedded, dense]) as tfl.SymbolicTensor;
  const out = tfl.layers
    .dense({ units: 1, kernelRegularizer: tfl.regularizers.l2({ l2: 0.1 }) })
    .apply(joined) as tfl.SymbolicTensor;
  return tfl.model({ inputs: [ids, dense], outputs: out });
}

describe('fromLayersModel', () => {
  it('gives the same stable names to two builds of the same architecture', () => {
    const a = fromLayersModel(twoInputModel());
    const b = fromLayersModel(twoInputModel());
    expect(a.variables.map((v) => v.name)).toEqual(['1:Embedding/embeddings', '5:Dense/kernel', '5:Dense/bias']);
    expect(b.variables.map((v) => v.name)).toEqual(a.variables.map((v) => v.name));
    // the underlying tf.Variable names differ (tfjs's global layer counter)
    expect(b.variables[1]?.variable.name).not.toBe(a.variables[1]?.variable.name);
  });

  it('feeds named inputs by input-layer name, and gradients reach every trainable variable', () => {
    const model = fromLayersModel(twoInputModel());
    const inputs = { dense: tf.ones([4, 3]), ids: tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]], [4, 2], 'int32') };
    const out = model.predict(inputs, { training: false });
    expect(out.shape).toEqual([4, 1]);
    const { value, grads } = tf.variableGrads(() => tf.mean<tf.Scalar>(model.predict(inputs, { training: true })), [
      ...model.trainableVariables,
    ]);
    expect(Object.keys(grads).sort()).toEqual(model.trainableVariables.map((v) => v.name).sort());
    expect(() => model.predict({ dense: inputs.dense }, { training: false })).toThrow(/names must match.*ids, dense/);
    expect(() => model.predict(inputs.dense, { training: false })).toThrow(TrainingError);
    tf.dispose([out, value, grads, inputs.dense, inputs.ids]);
  });

  it('adds kernel regularizers as regularizationLoss', () => {
    const layers = twoInputModel();
    const model = fromLayersModel(layers);
    const kernel = model.variables.find((v) => v.name === '5:Dense/kernel')?.variable as tf.Variable;
    const expected = tf.tidy(() => tf.mul(0.1, tf.sum(tf.square(kernel))).dataSync()[0] as number);
    const penalty = model.regularizationLoss?.();
    expect(penalty?.dataSync()[0]).toBeCloseTo(expected, 5);
    penalty?.dispose();
  });

  it('lists frozen layers in variables but not in trainableVariables', () => {
    const seq = tfl.sequential({
      layers: [tfl.layers.dense({ inputShape: [2], units: 3, trainable: false }), tfl.layers.dense({ units: 1 })],
    });
    const model = fromLayersModel(seq);
    expect(model.variables.map((v) => v.name)).toEqual(['0:Dense/kernel', '0:Dense/bias', '1:Dense/kernel', '1:Dense/bias']);
    expect(model.trainableVariables).toHaveLength(2);
    expect(model.trainableVariables[0]).toBe(model.variables[2]?.variable);
  });

  it('feeds a Sequential model (input names unknown until built) a tensor or a one-entry record', () => {
    const seq = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: 1 })] });
    const model = fromLayersModel(seq);
    const x = tf.ones([3, 2]);
    const a = model.predict({ features: x }, { training: true });
    const b = model.predict(x, { training: false });
    expect(a.shape).toEqual([3, 1]);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b]);
    expect(() => fromLayersModel(tfl.sequential())).toThrow('model: has no weights yet');
  });
});

describe('fromVariables', () => {
  it('wraps hand-written variables in record order; trainability from the variable', () => {
    const w = tf.variable(tf.ones([2, 1]), true);
    const scale = tf.variable(tf.scalar(2), false);
    const model = fromVariables({
      variables: { w, scale },
      forward: (inputs) => tf.tidy(() => tf.mul(tf.matMul(inputs as tf.Tensor2D, w), scale)),
    });
    expect(model.variables.map((v) => v.name)).toEqual(['w', 'scale']);
    expect(model.trainableVariables).toEqual([w]);
    const x = tf.tensor2d([[1, 2]]);
    const y = model.predict(x, { training: false });
    expect(Array.from(y.dataSync())).toEqual([6]);
    tf.dispose([x, y, w, scale]);
  });

  it('rejects non-variables, duplicates and empty models with named errors', () => {
    const forward = (x: tf.Tensor | Readonly<Record<string, tf.Tensor>>) => x as tf.Tensor;
    const t = tf.ones([1]);
    expect(() => fromVariables({ variables: { a: t as unknown as tf.Variable }, forward })).toThrow('variables.a');
    const v = tf.variable(tf.ones([1]));
    expect(() => fromVariables({ variables: { a: v, b: v }, forward })).toThrow(/same tf.Variable/);
    expect(() => fromVariables({ variables: {}, forward })).toThrow(TrainingError);
    tf.dispose([t, v]);
  });
});
