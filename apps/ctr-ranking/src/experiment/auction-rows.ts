import { createDataset, type FeatureArray, type InMemoryDataset, type TrainableModel } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import type { AuctionSet } from '../data/auction-set.js';
import type { OffPolicyLog } from '../data/off-policy-log.js';
import { TARGET_COLUMNS } from './objectives.js';

/**
 * An auction set as a runtime data set: one row per auction, inputs `numeric [S, d]` and `categorical [S, F]` (an
 * empty feature group is left out, as the CTR models allow), targets `[S, 4]` = click, bid, mask, teacher CTR.
 * @param teacher the teacher's CTR of every candidate (`[A·S]`), or undefined (column of zeros).
 */
export function auctionDataset(set: AuctionSet, teacher?: ArrayLike<number>): InMemoryDataset {
  const n = set.auctions * set.slots;
  if (teacher !== undefined && teacher.length !== n) {
    throw new RangeError(`teacher has ${teacher.length} CTRs for ${n} candidate slots`);
  }
  const targets = new Float32Array(n * TARGET_COLUMNS);
  for (let k = 0; k < n; k += 1) {
    targets[k * TARGET_COLUMNS] = set.label[k] ?? 0;
    // Padded slots get bid 1 so nothing downstream divides by 0; their mask is 0.
    targets[k * TARGET_COLUMNS + 1] = (set.mask[k] ?? 0) > 0 ? (set.bid[k] ?? 1) : 1;
    targets[k * TARGET_COLUMNS + 2] = set.mask[k] ?? 0;
    targets[k * TARGET_COLUMNS + 3] = teacher === undefined ? 0 : (teacher[k] ?? 0);
  }
  const inputs: Record<string, FeatureArray> = {};
  const d = set.spec.numericNames.length;
  const fields = set.spec.categoricalFields.length;
  if (d > 0) inputs['numeric'] = { values: set.numeric, shape: [set.slots, d] };
  if (fields > 0) inputs['categorical'] = { values: set.categorical, shape: [set.slots, fields] };
  return createDataset({ inputs, targets: { values: targets, shape: [set.slots, TARGET_COLUMNS] } });
}

/**
 * The model's click probabilities `σ(logit)` for every candidate slot of `set` (`[A·S]`, padded slots 0), scored in
 * batches of `batchSize` auctions without keeping any tensor.
 */
export function predictProbabilities(model: TrainableModel, set: AuctionSet, batchSize = 1024): Float32Array {
  const out = new Float32Array(set.auctions * set.slots);
  const d = set.spec.numericNames.length;
  const fields = set.spec.categoricalFields.length;
  for (let start = 0; start < set.auctions; start += batchSize) {
    const size = Math.min(batchSize, set.auctions - start);
    const from = start * set.slots;
    const to = (start + size) * set.slots;
    const probabilities = tf.tidy(() => {
      const inputs: Record<string, tf.Tensor> = {};
      if (d > 0) inputs['numeric'] = tf.tensor3d(set.numeric.subarray(from * d, to * d), [size, set.slots, d]);
      if (fields > 0) {
        inputs['categorical'] = tf.tensor3d(set.categorical.subarray(from * fields, to * fields), [size, set.slots, fields], 'int32');
      }
      return tf.sigmoid(model.predict(inputs, { training: false })).dataSync();
    });
    for (let k = from; k < to; k += 1) out[k] = (set.mask[k] ?? 0) > 0 ? (probabilities[k - from] ?? 0) : 0;
  }
  return out;
}

/** An off-policy log's candidate sets as an auction set (one auction per logged impression, every candidate real), for scoring. */
export function logAsAuctions(log: OffPolicyLog): AuctionSet {
  const n = log.rows * log.candidates;
  return {
    spec: log.spec,
    auctions: log.rows,
    slots: log.candidates,
    numeric: log.numeric,
    categorical: log.categorical,
    label: new Float32Array(n),
    bid: log.value,
    mask: new Float32Array(n).fill(1),
    description: log.description,
  };
}
