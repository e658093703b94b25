import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';

/**
 * Anything a loss accepts as a tensor argument: a tfjs tensor, a (nested, possibly readonly) number array or a typed
 * array — e.g. the `weights` of a class-weight strategy can be passed as `classWeights` as they are.
 */
export type TensorInput = tf.Tensor | tf.TensorLike | readonly number[] | ReadonlyArray<readonly number[]>;

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/**
 * Converts a tensor argument to a float32 tensor. Numeric tensors of another dtype are cast; strings and
 * complex values are rejected with an error naming the loss and the argument.
 */
export function toFloatTensor(value: TensorInput, argument: string, loss: string): tf.Tensor {
  const tensor = toTensor(value, argument, loss);
  if (tensor.dtype === 'float32') return tensor;
  if (tensor.dtype === 'int32' || tensor.dtype === 'bool') return tf.cast(tensor, 'float32');
  throw new LossArgumentError(loss, argument, `must be numeric, got dtype ${tensor.dtype}`);
}

/**
 * Converts an integer label argument (class ids) to an int32 tensor. Float tensors must hold whole numbers.
 */
export function toLabelTensor(value: TensorInput, argument: string, loss: string, validate: boolean): tf.Tensor {
  const tensor = toTensor(value, argument, loss);
  if (tensor.dtype === 'int32') return tensor;
  if (tensor.dtype !== 'float32') {
    throw new LossArgumentError(loss, argument, `must hold integer class ids, got dtype ${tensor.dtype}`);
  }
  if (validate) {
    const values = tensor.dataSync();
    for (let i = 0; i < values.length; i += 1) {
      const v = values[i] ?? Number.NaN;
      if (!Number.isInteger(v)) {
        throw new LossArgumentError(loss, argument, `must hold integer class ids, got ${v} at flat index ${i}`);
      }
    }
  }
  return tf.cast(tensor, 'int32');
}

function toTensor(value: TensorInput, argument: string, loss: string): tf.Tensor {
  if (value instanceof tf.Tensor) {
    if (value.isDisposed) throw new LossArgumentError(loss, argument, 'is a disposed tensor');
    return value;
  }
  if (value === null || value === undefined) throw new LossArgumentError(loss, argument, 'is required');
  try {
    return tf.tensor(value);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new LossArgumentError(loss, argument, `cannot be converted to a tensor (${reason})`);
  }
}

/** Throws unless `tensor.rank` is one of `ranks`. */
export function assertRank(tensor: tf.Tensor, ranks: readonly number[], argument: string, loss: string): void {
  if (!ranks.includes(tensor.rank)) {
    throw new LossArgumentError(
      loss,
      argument,
      `must have rank ${ranks.join(' or ')}, got rank ${tensor.rank} (shape ${shapeText(tensor.shape)})`,
    );
  }
}

/** Throws unless `a` and `b` have the same shape. */
export function assertSameShape(a: tf.Tensor, b: tf.Tensor, argA: string, argB: string, loss: string): void {
  if (!tf.util.arraysEqual(a.shape, b.shape)) {
    throw new LossArgumentError(
      loss,
      argA,
      `must have the shape of '${argB}' ${shapeText(b.shape)}, got ${shapeText(a.shape)}`,
    );
  }
}

/** Throws if any value of `tensor` is NaN or infinite (reads the values; skip with `validate: false`). */
export function assertFinite(tensor: tf.Tensor, argument: string, loss: string): void {
  const values = tensor.dataSync();
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i] ?? Number.NaN;
    if (!Number.isFinite(v)) {
      throw new LossArgumentError(loss, argument, `must be finite, got ${v} at flat index ${i}`);
    }
  }
}

/** Throws unless every value lies in [low, high] (and is finite). */
export function assertInRange(tensor: tf.Tensor, low: number, high: number, argument: string, loss: string): void {
  const values = tensor.dataSync();
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i] ?? Number.NaN;
    if (!(v >= low && v <= high)) {
      throw new LossArgumentError(loss, argument, `must lie in [${low}, ${high}], got ${v} at flat index ${i}`);
    }
  }
}

/**
 * Throws unless every class id lies in [0, numClasses). `ignoreIndex`, when given, is also allowed.
 */
export function assertClassIds(
  labels: tf.Tensor,
  numClasses: number,
  argument: string,
  loss: string,
  ignoreIndex?: number,
): void {
  const values = labels.dataSync();
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i] ?? Number.NaN;
    if (v === ignoreIndex) continue;
    if (!(v >= 0 && v < numClasses)) {
      throw new LossArgumentError(
        loss,
        argument,
        `holds class id ${v} at flat index ${i}, outside [0, ${numClasses - 1}] for ${numClasses} classes` +
          (ignoreIndex === undefined ? '' : ` (ignoreIndex is ${ignoreIndex})`),
      );
    }
  }
}

/** Checks a scalar option: finite and satisfying `ok`; `expected` says what was expected in the error. */
export function checkNumberOption(
  value: number,
  ok: (value: number) => boolean,
  expected: string,
  argument: string,
  loss: string,
): number {
  if (typeof value !== 'number' || Number.isNaN(value) || !ok(value)) {
    throw new LossArgumentError(loss, argument, `must be ${expected}, got ${String(value)}`);
  }
  return value;
}

/**
 * Converts a per-class vector option (class weights, margins) to a float32 tensor of shape [numClasses] and checks
 * length, finiteness and (optionally) non-negativity. Always validated: such vectors are small.
 */
export function toClassVector(
  value: TensorInput,
  numClasses: number,
  argument: string,
  loss: string,
  nonNegative: boolean,
): tf.Tensor1D {
  const tensor = toFloatTensor(value, argument, loss);
  if (tensor.rank !== 1 || tensor.shape[0] !== numClasses) {
    throw new LossArgumentError(
      loss,
      argument,
      `must be a vector of ${numClasses} values (one per class), got shape ${shapeText(tensor.shape)}`,
    );
  }
  const values = tensor.dataSync();
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i] ?? Number.NaN;
    if (!Number.isFinite(v) || (nonNegative && v < 0)) {
      throw new LossArgumentError(
        loss,
        argument,
        `must hold finite${nonNegative ? ', non-negative' : ''} values, got ${v} for class ${i}`,
      );
    }
  }
  return tensor as tf.Tensor1D;
}

/**
 * Converts and checks the arguments of a class-id loss: `logits` `[B, C]` (float32) and `targets` `[B]` class ids
 * (int32), and, when `validate`, that logits are finite and ids lie in [0, C). Errors name `loss`.
 */
export function toClassIdInputs(
  targets: TensorInput,
  logits: TensorInput,
  loss: string,
  validate: boolean,
): { logits: tf.Tensor2D; labels: tf.Tensor1D; batch: number; numClasses: number } {
  const x = toFloatTensor(logits, 'logits', loss);
  if (x.rank !== 2) throw new LossArgumentError(loss, 'logits', `must have shape [B, C], got [${x.shape.join(',')}]`);
  const [batch, numClasses] = x.shape as [number, number];
  const labels = toLabelTensor(targets, 'targets', loss, validate);
  if (labels.rank !== 1 || labels.shape[0] !== batch) {
    throw new LossArgumentError(loss, 'targets', `must hold ${batch} class ids (shape [${batch}]), got shape [${labels.shape.join(',')}]`);
  }
  if (validate) {
    assertFinite(x, 'logits', loss);
    assertClassIds(labels, numClasses, 'targets', loss);
  }
  return { logits: x as tf.Tensor2D, labels: labels as tf.Tensor1D, batch, numClasses };
}
