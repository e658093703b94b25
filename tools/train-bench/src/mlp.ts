import * as tf from '@tensorflow/tfjs-core';
import { createDataset, denseLayers, denseStack, fromVariables, isSingleInput, SeededRandom, VariableBuilder, type ModelInputs } from '@counterweight/runtime';

import { DEFAULT_BATCHES, binaryCrossEntropyLoss, positiveInteger, type Workload, type WorkloadOptions } from './workload.js';

/** Input width of the `mlp` workload. */
export const MLP_INPUT_WIDTH = 256;
/** Hidden layer widths of the `mlp` workload. */
export const MLP_HIDDEN = [512, 512] as const;
/** Benchmark batch size of the `mlp` workload. */
export const MLP_BATCH_SIZE = 1024;

/**
 * `mlp`: a 256-512-512-1 ReLU MLP (Glorot-uniform kernels, zero biases) with sigmoid cross-entropy on its logit, on
 * standard-normal inputs labelled 0/1 by a random linear rule; batch 1024 by default.
 */
export function mlpWorkload(options: WorkloadOptions): Workload {
  const batchSize = positiveInteger(options.batchSize, MLP_BATCH_SIZE, 'batchSize');
  const batches = positiveInteger(options.batches, DEFAULT_BATCHES, 'batches');
  const random = SeededRandom.fromSeed(options.seed, 'bench', 'mlp');
  const rows = batchSize * batches;
  const x = random.normalArray(rows * MLP_INPUT_WIDTH);
  const direction = random.normalArray(MLP_INPUT_WIDTH);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r += 1) {
    let score = 0;
    for (let f = 0; f < MLP_INPUT_WIDTH; f += 1) score += (direction[f] ?? 0) * (x[r * MLP_INPUT_WIDTH + f] ?? 0);
    y[r] = score > 0 ? 1 : 0;
  }

  const init = new VariableBuilder(SeededRandom.fromSeed(options.seed, 'bench', 'mlp', 'init'));
  const widths = [MLP_INPUT_WIDTH, ...MLP_HIDDEN, 1];
  const layers = denseLayers(init, widths);
  const forward = (inputs: ModelInputs): tf.Tensor =>
    tf.tidy(() => {
      if (!isSingleInput(inputs)) throw new TypeError('the mlp workload takes one input tensor [batch, 256]');
      return denseStack(inputs, layers);
    });

  return {
    name: 'mlp',
    model: fromVariables({ variables: init.variables, forward }),
    loss: binaryCrossEntropyLoss,
    lossName: 'sigmoidCrossEntropy',
    data: createDataset({ inputs: { values: x, shape: [MLP_INPUT_WIDTH] }, targets: { values: y, shape: [1] } }),
    batchSize,
    rowUnit: 'sample',
    tokensPerRow: 1,
    dispose: () => init.dispose(),
  };
}
