import { SeededRandom, createDataset, withExtras, type InMemoryDataset, type LossInputs } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import type { AuctionSet, FeatureSpec } from '../../data/auction-set.js';

/** A small spec: 3 dense features, 2 categorical fields of 5 and 7 buckets. */
export const TINY_SPEC: FeatureSpec = { numericNames: ['x0', 'x1', 'x2'], categoricalFields: ['site', 'ad'], buckets: [5, 7] };

/**
 * Synthetic auctions for tests: features N(0, 1) and uniform buckets in [1, buckets) (a few 0 = missing), clicks
 * drawn from a logistic model with per-bucket effects and one field × dense interaction, so every model kind can learn
 * something. The last slot of every third auction is padding (mask 0, label 0, bid 0).
 */
export function syntheticAuctions(spec: FeatureSpec, auctions: number, slots: number, seed: number): AuctionSet {
  const random = SeededRandom.fromSeed(seed, 'synthetic-auctions');
  const d = spec.numericNames.length;
  const fields = spec.categoricalFields.length;
  const n = auctions * slots;
  const effects = spec.buckets.map((b) => random.normalArray(b, 0, 1.2));
  const weights = random.normalArray(d, 0, 0.8);
  const numeric = random.normalArray(n * d);
  const categorical = new Int32Array(n * fields);
  const label = new Float32Array(n);
  const bid = new Float32Array(n);
  const mask = new Float32Array(n);
  const trueCtr = new Float32Array(n);
  for (let i = 0; i < n; i += 1) {
    const padded = Math.floor(i / slots) % 3 === 0 && i % slots === slots - 1;
    let z = -0.5;
    for (let f = 0; f < fields; f += 1) {
      const buckets = spec.buckets[f] as number;
      const c = random.uniform() < 0.05 ? 0 : random.int(1, buckets - 1);
      categorical[i * fields + f] = c;
      z += (effects[f] as Float32Array)[c] as number;
    }
    for (let j = 0; j < d; j += 1) z += (weights[j] as number) * (numeric[i * d + j] as number);
    if (fields > 0 && d > 0) z += (categorical[i * fields] as number) % 2 === 0 ? (numeric[i * d] as number) : -(numeric[i * d] as number);
    if (padded) continue;
    const p = 1 / (1 + Math.exp(-z));
    trueCtr[i] = p;
    label[i] = random.uniform() < p ? 1 : 0;
    bid[i] = 0.5 + random.uniform();
    mask[i] = 1;
  }
  return { spec, auctions, slots, numeric, categorical, label, bid, mask, trueCtr, description: `test auctions, seed ${seed}` };
}

/** The auctions as a runtime data set: named inputs, targets the clicks `[slots]`, extra column `mask` `[slots]`. */
export function auctionDataset(set: AuctionSet): InMemoryDataset {
  const d = set.spec.numericNames.length;
  const fields = set.spec.categoricalFields.length;
  return createDataset({
    inputs: {
      numeric: { values: set.numeric, shape: [set.slots, d] },
      categorical: { values: set.categorical, shape: [set.slots, fields] },
    },
    targets: { values: Float32Array.from(set.label), shape: [set.slots] },
    extras: { mask: { values: Float32Array.from(set.mask), shape: [set.slots] } },
  });
}

/** Masked mean sigmoid cross-entropy (logloss) of logits `[B, S]` against clicks `[B, S]`, padding excluded by the `mask` extra. */
export const maskedLogloss = withExtras(
  { lossName: 'maskedLogloss', extras: ['mask'] },
  ({ targets: label, predictions: logits, extras: { mask } }: LossInputs<'mask'>): tf.Scalar =>
    tf.tidy(() => {
      const losses = tf.losses.sigmoidCrossEntropy(label, logits, mask, undefined, tf.Reduction.NONE);
      return tf.div<tf.Scalar>(tf.sum(losses), tf.maximum(tf.sum(mask), 1));
    }),
);
