import * as tfl from '@tensorflow/tfjs-layers';

import { SeededRandom } from '../random.js';
import { createDataset, type InMemoryDataset } from '../training/dataset.js';
import { fromLayersModel, type TrainableModel } from '../training/model.js';

/** A benchmark workload: a freshly initialised model and a synthetic data set of whole batches. */
export interface Workload {
  readonly name: string;
  readonly model: TrainableModel;
  readonly data: InMemoryDataset;
  readonly batchSize: number;
  dispose(): void;
}

/**
 * `mlp`: a 256-512-512-1 ReLU MLP (tfjs-layers, Glorot-uniform initialisation seeded from `seed`) on
 * standard-normal inputs with 0/1 labels from a random linear rule, `batches` batches of `batchSize` rows.
 */
export function mlpWorkload(options: { seed: number; batchSize?: number; batches?: number }): Workload {
  const batchSize = options.batchSize ?? 1024;
  const batches = options.batches ?? 4;
  const random = SeededRandom.fromSeed(options.seed, 'bench', 'mlp');
  const inputDim = 256;
  const rows = batchSize * batches;
  const x = random.normalArray(rows * inputDim);
  const direction = random.normalArray(inputDim);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r += 1) {
    let score = 0;
    for (let f = 0; f < inputDim; f += 1) score += (direction[f] ?? 0) * (x[r * inputDim + f] ?? 0);
    y[r] = score > 0 ? 1 : 0;
  }
  const dense = (units: number, activation: 'relu' | 'linear', inputShape?: number[]): tfl.layers.Layer =>
    tfl.layers.dense({
      units,
      activation,
      kernelInitializer: tfl.initializers.glorotUniform({ seed: random.nextSeed() }),
      ...(inputShape === undefined ? {} : { inputShape }),
    });
  const net = tfl.sequential({
    layers: [dense(512, 'relu', [inputDim]), dense(512, 'relu'), dense(1, 'linear')],
  });
  return {
    name: 'mlp',
    model: fromLayersModel(net),
    data: createDataset({ inputs: { values: x, shape: [inputDim] }, targets: { values: y, shape: [1] } }),
    batchSize,
    dispose: () => net.dispose(),
  };
}
