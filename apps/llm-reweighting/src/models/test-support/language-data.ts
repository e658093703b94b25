// Test-only: next-token cross-entropy and small token streams (random and TinyShakespeare characters) for the model tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { SeededRandom, createDataset, sharedDataDir, type InMemoryDataset, type LossFunction } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

/** Mean next-token cross-entropy of logits `[B, T, V]` against int32 targets `[B, T]` (every position scored). */
export function meanCrossEntropy(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const v = logits.shape[logits.rank - 1] ?? 0;
    const flat = tf.reshape(logits, [-1, v]);
    const labels = tf.oneHot(tf.reshape(tf.cast(targets, 'int32'), [-1]), v);
    return tf.neg(tf.mean<tf.Scalar>(tf.sum(tf.mul(labels, tf.logSoftmax(flat)), -1)));
  });
}

/** {@link meanCrossEntropy} as the trainer's loss. */
export const crossEntropyLoss: LossFunction = ({ predictions, targets }) => meanCrossEntropy(predictions, targets);

/** `count·context` uniform random token ids in `[0, vocabularySize)`. */
export function randomIds(count: number, vocabularySize: number, seed: number): Int32Array {
  const random = SeededRandom.fromSeed(seed, 'random-ids');
  return Int32Array.from({ length: count }, () => random.int(0, vocabularySize - 1));
}

/** The first `characters` characters of TinyShakespeare as ids of its sorted character set (65 characters), and that set. */
export function shakespeareCharacters(characters: number): { ids: Int32Array; vocabulary: string[] } {
  const text = gunzipSync(readFileSync(join(sharedDataDir(), 'tinyshakespeare', 'input.txt.gz'))).toString('utf8');
  const vocabulary = [...new Set(text)].sort();
  const index = new Map(vocabulary.map((c, i) => [c, i]));
  const ids = Int32Array.from(text.slice(0, characters), (c) => index.get(c) ?? 0);
  return { ids, vocabulary };
}

/** Non-overlapping windows of `stream`: inputs `stream[i…i+context)`, targets shifted by one. */
export function windowDataset(stream: Int32Array, context: number): InMemoryDataset {
  const count = Math.floor((stream.length - 1) / context);
  const inputs = new Int32Array(count * context);
  const targets = new Int32Array(count * context);
  for (let r = 0; r < count; r += 1) {
    inputs.set(stream.subarray(r * context, (r + 1) * context), r * context);
    targets.set(stream.subarray(r * context + 1, (r + 1) * context + 1), r * context);
  }
  return createDataset({ inputs: { values: inputs, shape: [context] }, targets: { values: targets, shape: [context] } });
}
