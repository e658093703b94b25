import { softmaxCrossEntropy } from '@counterweight/core-losses';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, createDataset, dense, fromVariables, isSingleInput, SeededRandom, VariableBuilder, type ModelInputs } from '@counterweight/runtime';

import { DEFAULT_BATCHES, positiveInteger, weightOption, type Workload, type WorkloadOptions } from './workload.js';

/** Benchmark batch size of the `cnn` workload. */
export const CNN_BATCH_SIZE = 256;
/** Image side of the `cnn` workload (28×28×1, NHWC). */
export const CNN_IMAGE_SIZE = 28;
/** Classes of the `cnn` workload. */
export const CNN_CLASSES = 10;

/** Options of {@link cnnWorkload}. */
export interface CnnWorkloadOptions extends WorkloadOptions {
  /** Image side (default 28); smaller images keep tests on the cpu backend fast. Must be at least 10. */
  readonly imageSize?: number;
}

/**
 * `cnn`: conv 32 3×3 → max-pool 2 → conv 64 3×3 → max-pool 2 → dense 128 → dense 10 (valid padding, ReLU after both
 * convolutions and the first dense layer; Glorot-uniform kernels, zero biases), softmax cross-entropy over 10
 * classes, batch 256 of 28×28×1 images (NHWC). The images are class prototypes plus Gaussian noise, so the classes
 * are learnable.
 */
export function cnnWorkload(options: CnnWorkloadOptions): Workload {
  const batchSize = positiveInteger(options.batchSize, CNN_BATCH_SIZE, 'batchSize');
  const batches = positiveInteger(options.batches, DEFAULT_BATCHES, 'batches');
  const side = positiveInteger(options.imageSize, CNN_IMAGE_SIZE, 'imageSize');
  if (side < 10) throw new ConfigError('imageSize', `must be at least 10, got ${side}`);
  const pixels = side * side;
  const random = SeededRandom.fromSeed(options.seed, 'bench', 'cnn');
  const prototypes = random.normalArray(CNN_CLASSES * pixels);
  const rows = batchSize * batches;
  const images = random.normalArray(rows * pixels);
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r += 1) {
    const label = random.int(0, CNN_CLASSES - 1);
    labels[r] = label;
    for (let p = 0; p < pixels; p += 1) {
      const i = r * pixels + p;
      images[i] = 0.5 * (images[i] ?? 0) + (prototypes[label * pixels + p] ?? 0);
    }
  }

  const pooledSide = Math.floor((Math.floor((side - 2) / 2) - 2) / 2);
  const flat = pooledSide * pooledSide * 64;
  const init = new VariableBuilder(SeededRandom.fromSeed(options.seed, 'bench', 'cnn', 'init'));
  const conv = (name: string, inChannels: number, outChannels: number) => ({
    filter: init.glorotUniform(`${name}/kernel`, [3, 3, inChannels, outChannels], 9 * inChannels, 9 * outChannels) as tf.Variable<tf.Rank.R4>,
    bias: init.constant(`${name}/bias`, [outChannels], 0) as tf.Variable<tf.Rank.R1>,
  });
  const linear = (name: string, fanIn: number, units: number) => ({
    kernel: init.glorotUniform(`${name}/kernel`, [fanIn, units], fanIn, units) as tf.Variable<tf.Rank.R2>,
    bias: init.constant(`${name}/bias`, [units], 0) as tf.Variable<tf.Rank.R1>,
  });
  const conv1 = conv('conv1', 1, 32);
  const conv2 = conv('conv2', 32, 64);
  const dense1 = linear('dense1', flat, 128);
  const dense2 = linear('dense2', 128, CNN_CLASSES);

  const convRelu = (x: tf.Tensor4D, layer: { filter: tf.Tensor4D; bias: tf.Tensor1D }): tf.Tensor4D =>
    tf.fused.conv2d({ x, filter: layer.filter, strides: 1, pad: 'valid', bias: layer.bias, activation: 'relu' });
  const forward = (inputs: ModelInputs): tf.Tensor =>
    tf.tidy(() => {
      if (!isSingleInput(inputs)) throw new TypeError('the cnn workload takes one input tensor [batch, 28, 28, 1]');
      let h = convRelu(inputs as tf.Tensor4D, conv1);
      h = tf.maxPool(h, 2, 2, 'valid');
      h = convRelu(h, conv2);
      h = tf.maxPool(h, 2, 2, 'valid');
      const features = tf.reshape(h, [h.shape[0], flat]);
      return dense(dense(features, dense1.kernel, dense1.bias, true), dense2.kernel, dense2.bias);
    });

  return {
    name: 'cnn',
    model: fromVariables({ variables: init.variables, forward }),
    loss: ({ targets, predictions: logits, sampleWeights: weights }) =>
      softmaxCrossEntropy(targets, logits, { validate: false, ...weightOption(weights) }) as tf.Scalar,
    lossName: 'softmaxCrossEntropy',
    data: createDataset({ inputs: { values: images, shape: [side, side, 1] }, targets: { values: labels, shape: [] } }),
    batchSize,
    rowUnit: 'image',
    tokensPerRow: 1,
    dispose: () => init.dispose(),
  };
}
