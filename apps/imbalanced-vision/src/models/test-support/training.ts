import { softmaxCrossEntropy } from '@counterweight/core-losses';
import { createDataset, createOptimizer, train, type LossFunction, type TrainOptions } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import type { VisionModel } from '../vision-model.js';
import type { ImageBatch } from './images.js';

/** Softmax cross-entropy on class ids (no per-sample weights, no value checks). */
export const crossEntropy: LossFunction = ({ targets, predictions: logits }) => softmaxCrossEntropy(targets, logits, { validate: false }) as tf.Scalar;

/** What {@link trainBriefly} observed. */
export interface BriefTraining {
  /** Mean training loss per epoch. */
  readonly losses: readonly number[];
  /** `tf.memory().numTensors` after every step from the second on (the optimiser creates its slots in step 1). */
  readonly tensorCounts: readonly number[];
}

/** Trains `model` on `data` with the runtime's `train()` and SGD with momentum; returns losses and tensor counts. */
export async function trainBriefly(
  model: VisionModel,
  data: ImageBatch,
  options: { epochs: number; batchSize: number; learningRate?: number; loss?: LossFunction } & Partial<Pick<TrainOptions, 'weightPerturbation' | 'parallel'>>,
): Promise<BriefTraining> {
  const optimizer = createOptimizer({ name: 'momentum', learningRate: options.learningRate ?? 0.05, momentum: 0.9 });
  const tensorCounts: number[] = [];
  try {
    const history = await train({
      model,
      loss: options.loss ?? crossEntropy,
      train: createDataset({
        inputs: { values: data.images, shape: [data.side, data.side, 1] },
        targets: { values: data.labels, shape: [] },
      }),
      batchSize: options.batchSize,
      epochs: options.epochs,
      optimizer,
      seed: 1,
      progress: { quiet: true },
      ...(options.weightPerturbation === undefined ? {} : { weightPerturbation: options.weightPerturbation }),
      ...(options.parallel === undefined ? {} : { parallel: options.parallel }),
      callbacks: {
        onStepEnd: (info) => {
          if (info.globalStep > 1) tensorCounts.push(tf.memory().numTensors);
        },
      },
    });
    return { losses: history.epochs.map((e) => e.loss), tensorCounts };
  } finally {
    optimizer.dispose();
  }
}

/** Copies of every variable's values by checkpoint name. */
export function readWeights(model: VisionModel): Record<string, Float32Array> {
  return Object.fromEntries(model.variables.map((v) => [v.name, v.variable.dataSync() as Float32Array]));
}
