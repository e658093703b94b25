import * as tf from '@tensorflow/tfjs-core';

import { SeededRandom } from '../../random.js';
import { createDataset, type InMemoryDataset } from '../dataset.js';
import { fromVariables, isSingleInput, type ModelInputs, type TrainableModel } from '../model.js';
import type { TrainOptions } from '../train-options.js';
import { binaryAccuracy, sigmoidCrossEntropy } from './losses.js';

/**
 * A synthetic binary classification problem: `features` standard-normal inputs, label 1 when a fixed random linear
 * score plus noise is positive. Same seed, same data.
 */
export function syntheticClassification(rows: number, features: number, seed: number): InMemoryDataset {
  const random = SeededRandom.fromSeed(seed, 'synthetic');
  const direction = random.normalArray(features);
  const x = random.normalArray(rows * features);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r += 1) {
    let score = 0;
    for (let f = 0; f < features; f += 1) score += (direction[f] as number) * (x[r * features + f] as number);
    y[r] = score + 0.3 * random.normal() > 0 ? 1 : 0;
  }
  return createDataset({ inputs: { values: x, shape: [features] }, targets: { values: y, shape: [1] } });
}

/** Glorot-uniform matrix from a seeded generator. */
function glorot(random: SeededRandom, fanIn: number, fanOut: number): tf.Tensor2D {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return tf.tensor2d(random.uniformArray(fanIn * fanOut, -limit, limit), [fanIn, fanOut]);
}

/** A hand-written MLP `features -> hidden (ReLU) -> 1 logit` with seeded initial weights. */
export function handWrittenMlp(features: number, hidden: number, seed: number): TrainableModel {
  const random = SeededRandom.fromSeed(seed, 'init');
  // tidy releases the initial-value tensors; variables survive it.
  const w1 = tf.tidy(() => tf.variable(glorot(random, features, hidden), true));
  const b1 = tf.tidy(() => tf.variable(tf.zeros([hidden]), true));
  const w2 = tf.tidy(() => tf.variable(glorot(random, hidden, 1), true));
  const b2 = tf.tidy(() => tf.variable(tf.zeros([1]), true));
  return fromVariables({
    variables: { 'hidden/kernel': w1, 'hidden/bias': b1, 'out/kernel': w2, 'out/bias': b2 },
    forward: (inputs: ModelInputs) =>
      tf.tidy(() => {
        if (!isSingleInput(inputs)) throw new Error('handWrittenMlp takes one input tensor');
        const h = tf.relu(tf.add(tf.matMul(inputs, w1), b1));
        return tf.add(tf.matMul(h, w2), b2);
      }),
  });
}

/** Disposes every variable of a model. */
export function disposeModel(model: TrainableModel): void {
  for (const { variable } of model.variables) variable.dispose();
}

/** Copies of every variable's values by stable name. */
export function readVariables(model: TrainableModel): Record<string, Float32Array | Int32Array | Uint8Array> {
  return Object.fromEntries(model.variables.map((v) => [v.name, v.variable.dataSync() as Float32Array]));
}

/** The trainer tests' data: 200 training and 40 validation rows of {@link syntheticClassification}(240, 6, seed 1). */
export function classificationSplit(): { readonly trainSet: InMemoryDataset; readonly validationSet: InMemoryDataset } {
  const all = syntheticClassification(240, 6, 1);
  return {
    trainSet: all.subset(Array.from({ length: 200 }, (_, i) => i)),
    validationSet: all.subset(Array.from({ length: 40 }, (_, i) => 200 + i)),
  };
}

/** The trainer tests' options besides model and optimiser: sigmoid CE, 3 epochs of 32, accuracy, quiet. */
export function baseTrainOptions(
  split: { readonly trainSet: InMemoryDataset; readonly validationSet: InMemoryDataset },
  seed = 11,
): Omit<TrainOptions, 'model' | 'optimizer'> {
  return {
    loss: sigmoidCrossEntropy,
    train: split.trainSet,
    validation: split.validationSet,
    epochs: 3,
    batchSize: 32,
    seed,
    metrics: { accuracy: binaryAccuracy },
    progress: { quiet: true },
  };
}

