import { createDataset, type FeatureArray, type InMemoryDataset, type TrainableModel } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import type { AuctionSet } from '../data/auction-set.js';
import type { OffPolicyLog } from '../data/off-policy-log.js';
import type { AuctionExtra } from './objectives.js';

/**
 * An auction set as a runtime data set: one row per auction, inputs `numeric [S, d]` and `categorical [S, F]` (an
 * empty feature group is left out, as the CTR models allow), targets the clicks `[S]`, and the objectives' side
 * inputs as extra columns `[S]` each: `bids` (padded slots get bid 1 so nothing downstream divides by 0), `mask`
 * (1 for a real candidate) and, when given, `teacher` (the teacher's CTR of every candidate).
 * @param teacher the teacher's CTR of every candidate slot (`[A·S]`), or undefined (no `teacher` column).
 */
export function auctionDataset(set: AuctionSet, teacher?: ArrayLike<number>): InMemoryDataset {
  const n = set.auctions * set.slots;
  if (teacher !== undefined && teacher.length !== n) {
    throw new RangeError(`teacher has ${teacher.length} CTRs for ${n} candidate slots`);
  }
  const clicks = new Float32Array(n);
  const bids = new Float32Array(n);
  const mask = new Float32Array(n);
  for (let k = 0; k < n; k += 1) {
    clicks[k] = set.label[k] ?? 0;
    bids[k] = (set.mask[k] ?? 0) > 0 ? (set.bid[k] ?? 1) : 1;
    mask[k] = set.mask[k] ?? 0;
  }
  const extras: Readonly<Record<AuctionExtra, FeatureArray>> | Readonly<Record<Exclude<AuctionExtra, 'teacher'>, FeatureArray>> = {
    bids: { values: bids, shape: [set.slots] },
    mask: { values: mask, shape: [set.slots] },
    ...(teacher === undefined ? {} : { teacher: { values: Float32Array.from(teacher, (t) => t ?? 0), shape: [set.slots] } }),
  };
  const inputs: Record<string, FeatureArray> = {};
  const d = set.spec.numericNames.length;
  const fields = set.spec.categoricalFields.length;
  if (d > 0) inputs['numeric'] = { values: set.numeric, shape: [set.slots, d] };
  if (fields > 0) inputs['categorical'] = { values: set.categorical, shape: [set.slots, fields] };
  return createDataset({ inputs, targets: { values: clicks, shape: [set.slots] }, extras });
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
