import * as tf from '@tensorflow/tfjs-core';
import { createDataset, denseLayers, denseStack, fromVariables, isSingleInput, SeededRandom, VariableBuilder, type ModelInputs } from '@counterweight/runtime';

import { DEFAULT_BATCHES, binaryCrossEntropyLoss, positiveInteger, type Workload, type WorkloadOptions } from './workload.js';

/** Benchmark batch size of the `ctr` workload. */
export const CTR_BATCH_SIZE = 1024;
/** Categorical fields of the `ctr` workload (as Criteo). */
export const CTR_CATEGORICAL_FIELDS = 26;
/** Dense float features of the `ctr` workload (as Criteo). */
export const CTR_DENSE_FEATURES = 13;
/** Rows of the one hashed embedding table shared by every field. */
export const CTR_TABLE_ROWS = 100_000;
/** Embedding width. */
export const CTR_EMBEDDING_WIDTH = 16;
/** Hidden layer widths of the MLP on top of the embeddings. */
export const CTR_HIDDEN = [400, 400] as const;

/** Options of {@link ctrWorkload}. */
export interface CtrWorkloadOptions extends WorkloadOptions {
  /** Rows of the hashed embedding table (default 100,000). */
  readonly tableRows?: number;
}

/** A 32-bit integer mix (murmur3 finaliser) of a field and a raw category value. */
function mix(field: number, value: number, salt: number): number {
  let h = Math.imul(field + 1, 0x9e3779b1) ^ Math.imul(value + 1, 0x85ebca6b) ^ Math.imul(salt + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * `ctr`: a click-through-rate model — 26 categorical fields hashed into ONE embedding table of 100,000 rows × 16
 * (int32 ids, gathered), concatenated with 13 dense float features, then an MLP 400-400-1 with ReLU (Glorot-uniform
 * kernels, zero biases, N(0, 0.01) embeddings) and sigmoid cross-entropy; batch 1024. Inputs are named:
 * `{ categorical: int32 [batch, 26], dense: float32 [batch, 13] }`. Raw categories are skewed (small values are
 * common) with per-field cardinalities from 10 to 100,000; labels are drawn from a logistic model of per-category
 * effects and the dense features, so the task is learnable.
 */
export function ctrWorkload(options: CtrWorkloadOptions): Workload {
  const batchSize = positiveInteger(options.batchSize, CTR_BATCH_SIZE, 'batchSize');
  const batches = positiveInteger(options.batches, DEFAULT_BATCHES, 'batches');
  const tableRows = positiveInteger(options.tableRows, CTR_TABLE_ROWS, 'tableRows');
  const fields = CTR_CATEGORICAL_FIELDS;
  const random = SeededRandom.fromSeed(options.seed, 'bench', 'ctr');
  const rows = batchSize * batches;
  const cardinality = Array.from({ length: fields }, (_, f) => Math.round(10 ** (1 + (4 * f) / (fields - 1))));
  const denseWeights = random.normalArray(CTR_DENSE_FEATURES, 0, 0.5);
  const ids = new Int32Array(rows * fields);
  const denseValues = random.normalArray(rows * CTR_DENSE_FEATURES);
  const labels = new Float32Array(rows);
  for (let r = 0; r < rows; r += 1) {
    let logit = -1;
    for (let f = 0; f < fields; f += 1) {
      const value = Math.floor((cardinality[f] ?? 1) * random.uniform() ** 3);
      ids[r * fields + f] = mix(f, value, 0) % tableRows;
      logit += 0.4 * ((mix(f, value, 1) / 0x100000000) * 2 - 1);
    }
    for (let j = 0; j < CTR_DENSE_FEATURES; j += 1) logit += (denseWeights[j] ?? 0) * (denseValues[r * CTR_DENSE_FEATURES + j] ?? 0);
    labels[r] = random.uniform() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
  }

  const init = new VariableBuilder(SeededRandom.fromSeed(options.seed, 'bench', 'ctr', 'init'));
  const table = init.normal('embedding/table', [tableRows, CTR_EMBEDDING_WIDTH], 0.01) as tf.Variable<tf.Rank.R2>;
  const widths = [fields * CTR_EMBEDDING_WIDTH + CTR_DENSE_FEATURES, ...CTR_HIDDEN, 1];
  const layers = denseLayers(init, widths);

  const forward = (batch: ModelInputs): tf.Tensor =>
    tf.tidy(() => {
      const categorical = isSingleInput(batch) ? undefined : batch['categorical'];
      const denseFeatures = isSingleInput(batch) ? undefined : batch['dense'];
      if (categorical === undefined || denseFeatures === undefined) {
        throw new TypeError('the ctr workload takes named inputs { categorical: int32 [batch, 26], dense: [batch, 13] }');
      }
      const n = categorical.shape[0] ?? 0;
      const embedded = tf.reshape(tf.gather(table, categorical), [n, fields * CTR_EMBEDDING_WIDTH]);
      return denseStack(tf.concat([embedded, denseFeatures as tf.Tensor2D], 1), layers);
    });

  return {
    name: 'ctr',
    model: fromVariables({ variables: init.variables, forward }),
    loss: binaryCrossEntropyLoss,
    lossName: 'sigmoidCrossEntropy',
    data: createDataset({
      inputs: {
        categorical: { values: ids, shape: [fields] },
        dense: { values: denseValues, shape: [CTR_DENSE_FEATURES] },
      },
      targets: { values: labels, shape: [1] },
    }),
    batchSize,
    rowUnit: 'sample',
    tokensPerRow: 1,
    dispose: () => init.dispose(),
  };
}
