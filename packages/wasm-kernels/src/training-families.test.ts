/**
 * Trains every model family the Counterweight apps use on the wasm backend (small shapes): dense MLP (tfjs-layers,
 * fused dense, dropout), CNN (conv + max-pool, tfjs-layers), embeddings (gather of a variable table and the layers
 * `embedding`), and a pre-LayerNorm transformer block (LayerNorm, tanh-GELU, fused QKV split, causal softmax
 * attention with an additive mask, cosine-normalised output head tied to the embedding). A kernel missing on wasm
 * fails here as "Kernel '…' not registered for backend 'wasm'"; gradients must match the cpu backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';

import { expectSameOnBothBackends, integers, normal, tensorOf, useWasm, type Data } from './test-support/compare.js';

beforeAll(useWasm);

/** A model family: parameters (as plain data) and a scalar loss of them on a fixed batch. */
interface Family {
  readonly name: string;
  readonly params: readonly Data[];
  readonly loss: (params: readonly tf.Tensor[]) => tf.Scalar;
}

function layerNorm(x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), gain), bias);
}

function geluTanh(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

function l2Normalize(x: tf.Tensor): tf.Tensor {
  return tf.div(x, tf.sqrt(tf.add(tf.sum(tf.square(x), -1, true), 1e-12)));
}

const B = 3; // sequences
const T = 6; // context
const D = 8; // width
const H = 2; // heads
const V = 11; // vocabulary

const transformer: Family = {
  name: 'transformer block',
  params: [
    normal([V, D], 1, 'tok', 0.1),
    normal([T, D], 1, 'pos'),
    normal([D], 1, 'g1'),
    normal([D], 1, 'b1'),
    normal([D, 3 * D], 1, 'qkv'),
    normal([D, D], 1, 'proj'),
    normal([D], 1, 'g2'),
    normal([D], 1, 'b2'),
    normal([D, 4 * D], 1, 'fc'),
    normal([4 * D], 1, 'fcb'),
    normal([4 * D, D], 1, 'out'),
    { values: Float32Array.of(4), shape: [] },
  ],
  loss: (p) => {
    const [tok, pos, g1, b1, wqkv, wproj, g2, b2, wfc, bfc, wout, scale] = p as tf.Tensor[] as [
      tf.Tensor2D, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor2D, tf.Tensor2D, tf.Tensor, tf.Tensor, tf.Tensor2D, tf.Tensor, tf.Tensor2D, tf.Tensor,
    ];
    const ids = tensorOf(integers([B, T], 0, V - 1, 2, 'ids'));
    const targets = tensorOf(integers([B * T], 0, V - 1, 2, 'targets'));
    const mask = tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0)), -1e9);
    let x = tf.reshape(tf.add(tf.gather(tok, ids), pos), [B * T, D]);
    const heads = (m: tf.Tensor) => tf.transpose(tf.reshape(m, [B, T, H, D / H]), [0, 2, 1, 3]);
    const [q, k, v] = tf.split(tf.matMul(layerNorm(x, g1, b1) as tf.Tensor2D, wqkv), 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
    const scores = tf.add(tf.div(tf.matMul(heads(q), heads(k), false, true), Math.sqrt(D / H)), mask);
    const attended = tf.matMul(tf.softmax(scores), heads(v));
    x = tf.add(x, tf.matMul(tf.reshape(tf.transpose(attended, [0, 2, 1, 3]), [B * T, D]), wproj));
    const hidden = geluTanh(tf.add(tf.matMul(layerNorm(x, g2, b2) as tf.Tensor2D, wfc), bfc));
    x = tf.add(x, tf.matMul(hidden as tf.Tensor2D, wout));
    const logits = tf.mul(tf.matMul(l2Normalize(x) as tf.Tensor2D, l2Normalize(tok) as tf.Tensor2D, false, true), scale);
    return tf.losses.softmaxCrossEntropy<tf.Tensor, tf.Scalar>(tf.oneHot(targets, V), logits);
  },
};

const embeddings: Family = {
  name: 'embeddings + MLP (CTR-like)',
  params: [normal([40, 4], 3, 'table'), normal([3 * 4 + 2, 6], 3, 'w1'), normal([6], 3, 'b1'), normal([6, 1], 3, 'w2')],
  loss: (p) => {
    const [table, w1, b1, w2] = p as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D];
    const ids = tensorOf(integers([5, 3], 0, 39, 4, 'ids'));
    const dense = tensorOf(normal([5, 2], 4, 'dense'));
    const labels = tensorOf({ values: Float32Array.of(1, 0, 0, 1, 1), shape: [5, 1] });
    const features = tf.concat([tf.reshape(tf.gather(table, ids), [5, 12]), dense], 1);
    const h = tf.fused.matMul({ a: features, b: w1, bias: b1, activation: 'relu' });
    return tf.losses.sigmoidCrossEntropy<tf.Tensor, tf.Scalar>(labels, tf.matMul(h, w2));
  },
};

const conv: Family = {
  name: 'CNN (conv + max-pool, fused conv)',
  params: [normal([3, 3, 1, 4], 5, 'c1'), normal([4], 5, 'c1b'), normal([3, 3, 4, 6], 5, 'c2'), normal([6 * 2 * 2, 3], 5, 'd')],
  loss: (p) => {
    const [c1, c1b, c2, d] = p as [tf.Tensor4D, tf.Tensor1D, tf.Tensor4D, tf.Tensor2D];
    const images = tensorOf(normal([4, 14, 14, 1], 6, 'images')) as tf.Tensor4D;
    const labels = tf.oneHot(tensorOf(integers([4], 0, 2, 6, 'labels')), 3);
    let h = tf.fused.conv2d({ x: images, filter: c1, strides: 1, pad: 'valid', bias: c1b, activation: 'relu' });
    h = tf.maxPool(h, 2, 2, 'valid');
    h = tf.relu(tf.conv2d(h, c2, 2, 'same'));
    h = tf.maxPool(h, 2, 2, 'same');
    return tf.losses.softmaxCrossEntropy<tf.Tensor, tf.Scalar>(labels, tf.matMul(tf.reshape(h, [4, 24]), d));
  },
};

const dense: Family = {
  name: 'dense MLP (erf-GELU, layer norm, cosine head)',
  params: [normal([7, 16], 7, 'w1'), normal([16], 7, 'b1'), normal([16], 7, 'g'), normal([16], 7, 'beta'), normal([16, 4], 7, 'w2')],
  loss: (p) => {
    const [w1, b1, g, beta, w2] = p as [tf.Tensor2D, tf.Tensor1D, tf.Tensor, tf.Tensor, tf.Tensor2D];
    const x = tensorOf(normal([9, 7], 8, 'x')) as tf.Tensor2D;
    const labels = tf.oneHot(tensorOf(integers([9], 0, 3, 8, 'labels')), 4);
    const pre = tf.add(tf.matMul(x, w1), b1);
    const gelu = tf.mul(tf.mul(pre, 0.5), tf.add(1, tf.erf(tf.div(pre, Math.SQRT2))));
    const h = layerNorm(gelu, g, beta);
    const logits = tf.mul(tf.matMul(l2Normalize(h) as tf.Tensor2D, l2Normalize(tf.transpose(w2)) as tf.Tensor2D, false, true), 5);
    return tf.losses.softmaxCrossEntropy<tf.Tensor, tf.Scalar>(labels, logits);
  },
};

const FAMILIES = [dense, conv, embeddings, transformer];

describe('training every model family on wasm', () => {
  for (const family of FAMILIES) {
    it(`${family.name}: gradients match cpu`, async () => {
      await expectSameOnBothBackends(
        () => {
          const params = family.params.map(tensorOf);
          return [family.loss(params), ...tf.grads((...ps: tf.Tensor[]) => family.loss(ps))(params)];
        },
        { rtol: 1e-4, atol: 1e-5 },
        family.name,
      );
    });

    it(`${family.name}: Adam steps reduce the loss and keep the tensor count flat`, async () => {
      await tf.setBackend('wasm');
      const variables = family.params.map((p) => tf.variable(tensorOf(p)));
      const optimizer = tf.train.adam(0.01);
      const step = () => {
        const cost = optimizer.minimize(() => family.loss(variables), true, variables);
        const value = cost?.dataSync()[0] ?? Number.NaN;
        cost?.dispose();
        return value;
      };
      const first = step();
      const tensors = tf.memory().numTensors;
      const buffers = tf.backend().numDataIds();
      let last = first;
      for (let i = 0; i < 15; i += 1) last = step();
      expect(tf.memory().numTensors).toBe(tensors);
      expect(tf.backend().numDataIds()).toBe(buffers);
      expect(last).toBeLessThan(first);
      optimizer.dispose();
      tf.dispose(variables);
    });
  }

  it('tfjs-layers models (dense + dropout, conv + max-pool, embedding) train on wasm with cpu gradients', async () => {
    const build = () => {
      const ids = tfl.input({ shape: [3], dtype: 'int32', name: 'ids' });
      const image = tfl.input({ shape: [8, 8, 1], name: 'image' });
      const embedded = tfl.layers.flatten().apply(
        tfl.layers.embedding({ inputDim: 30, outputDim: 4, embeddingsInitializer: tfl.initializers.randomNormal({ seed: 1 }) }).apply(ids),
      ) as tfl.SymbolicTensor;
      let h = tfl.layers.conv2d({ filters: 3, kernelSize: 3, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }).apply(image) as tfl.SymbolicTensor;
      h = tfl.layers.flatten().apply(tfl.layers.maxPooling2d({ poolSize: 2 }).apply(h)) as tfl.SymbolicTensor;
      let z = tfl.layers.concatenate().apply([embedded, h]) as tfl.SymbolicTensor;
      z = tfl.layers.dense({ units: 8, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }).apply(z) as tfl.SymbolicTensor;
      z = tfl.layers.dropout({ rate: 0 }).apply(z) as tfl.SymbolicTensor;
      const out = tfl.layers.dense({ units: 1, kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }) }).apply(z) as tfl.SymbolicTensor;
      return tfl.model({ inputs: [ids, image], outputs: out });
    };
    await expectSameOnBothBackends(() => {
      const model = build();
      const ids = tensorOf(integers([4, 3], 0, 29, 9, 'ids'));
      const image = tensorOf(normal([4, 8, 8, 1], 9, 'image'));
      const labels = tensorOf({ values: Float32Array.of(1, 0, 1, 0), shape: [4, 1] });
      const weights = model.trainableWeights.map((w) => w.read() as tf.Variable);
      const { value, grads } = tf.variableGrads(
        () => tf.losses.sigmoidCrossEntropy<tf.Tensor, tf.Scalar>(labels, model.apply([ids, image], { training: true }) as tf.Tensor),
        weights,
      );
      const result = [value, ...weights.map((w) => grads[w.name] as tf.Tensor)];
      model.dispose();
      return result;
    }, { rtol: 1e-4, atol: 1e-5 });
  });

});
