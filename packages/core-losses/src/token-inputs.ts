import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import { logSoftmax } from './stable-math.js';
import { assertClassIds, assertFinite, toFloatTensor, toLabelTensor, type TensorInput } from './validation.js';

/** PyTorch's `ignore_index` default (`cross_entropy`, Hugging Face labels): the target id of padding tokens. */
export const DEFAULT_IGNORE_INDEX = -100;

/** The converted arguments of a language-model loss. */
export interface TokenInputs {
  /** Logits `[..., V]`, float32. */
  readonly logits: tf.Tensor;
  /** Target ids `[...]` (int32), ignored positions replaced by 0 so every lookup stays in range. */
  readonly labels: tf.Tensor;
  /** 1 for a counted token, 0 for an ignored one (`ignoreIndex` or `mask`), `[...]` float32; undefined when all count. */
  readonly valid: tf.Tensor | undefined;
  /** The vocabulary size V. */
  readonly vocab: number;
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/**
 * Converts and checks the arguments of a language-model loss: `logits` `[..., V]` (rank ≥ 2), `targets` token ids of
 * the logits' shape without the vocabulary axis, an optional 0/1 `mask` of that shape (checked first, so a mask that
 * does not fit is named even when the targets do not fit either), and `ignoreIndex` (`undefined`: none). With
 * `validate`, logits must be finite, ids in [0, V) (or the ignore index) and the mask 0/1.
 */
export function toTokenInputs(
  targets: TensorInput,
  logits: TensorInput,
  loss: string,
  validate: boolean,
  ignoreIndex: number | undefined,
  mask?: TensorInput,
): TokenInputs {
  const x = toFloatTensor(logits, 'logits', loss);
  if (x.rank < 2) throw new LossArgumentError(loss, 'logits', `must have rank >= 2 ([..., V]), got shape ${shapeText(x.shape)}`);
  const tokenShape = x.shape.slice(0, -1);
  const vocab = x.shape[x.rank - 1] ?? 0;
  let m: tf.Tensor | undefined;
  if (mask !== undefined) {
    m = toFloatTensor(mask, 'options.mask', loss);
    if (!tf.util.arraysEqual(m.shape, tokenShape)) {
      throw new LossArgumentError(loss, 'options.mask', `must have shape ${shapeText(tokenShape)} (the logits without the vocabulary axis), got ${shapeText(m.shape)}`);
    }
    if (validate) {
      const values = m.dataSync();
      for (let i = 0; i < values.length; i += 1) {
        if (values[i] !== 0 && values[i] !== 1) throw new LossArgumentError(loss, 'options.mask', `must hold 0 or 1, got ${values[i]} at flat index ${i}`);
      }
    }
  }
  if (ignoreIndex !== undefined && !Number.isInteger(ignoreIndex)) {
    throw new LossArgumentError(loss, 'options.ignoreIndex', `must be an integer, got ${String(ignoreIndex)}`);
  }
  const ids = toLabelTensor(targets, 'targets', loss, validate);
  if (!tf.util.arraysEqual(ids.shape, tokenShape)) {
    throw new LossArgumentError(loss, 'targets', `must hold one token id per position, shape ${shapeText(tokenShape)}, got ${shapeText(ids.shape)}`);
  }
  if (validate) {
    assertFinite(x, 'logits', loss);
    assertClassIds(ids, vocab, 'targets', loss, ignoreIndex);
  }
  let valid: tf.Tensor | undefined;
  let labels = ids;
  if (ignoreIndex !== undefined) {
    const kept = tf.notEqual(ids, ignoreIndex);
    labels = tf.where(kept, ids, tf.zerosLike(ids));
    valid = tf.cast(kept, 'float32');
  }
  if (m !== undefined) valid = valid === undefined ? m : tf.mul(valid, m);
  return { logits: x, labels, valid, vocab };
}

/** Token cross-entropy `−log softmax(x)_y` per position `[...]`, from the precision-keeping {@link logSoftmax}. */
export function tokenCrossEntropy(logits: tf.Tensor, labels: tf.Tensor, vocab: number): tf.Tensor {
  return tf.neg(tf.sum(tf.mul(tf.cast(tf.oneHot(labels, vocab), 'float32'), logSoftmax(logits)), -1));
}
