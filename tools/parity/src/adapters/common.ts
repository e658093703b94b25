import * as tf from '@tensorflow/tfjs-core';

import { flatten, shapeOf, type JsonValue, type VectorCase } from '../vectors.js';

/** A case's params or inputs lacked something the adapter needs, or held something it does not understand. */
export class CaseFormatError extends Error {
  override readonly name = 'CaseFormatError';
}

/** Reads `inputs[name]` as a float32 tensor of its nested-list shape. */
export function inputTensor(testCase: VectorCase, name: string, dtype: 'float32' | 'int32' = 'float32'): tf.Tensor {
  const value = testCase.inputs[name];
  if (value === undefined) throw new CaseFormatError(`inputs.${name} is missing`);
  return tf.tensor(flatten(value, `inputs.${name}`), shapeOf(value, `inputs.${name}`), dtype);
}

/** Reads a numeric parameter (or undefined when absent and `optional`). */
export function numberParam(testCase: VectorCase, name: string): number;
export function numberParam(testCase: VectorCase, name: string, optional: true): number | undefined;
export function numberParam(testCase: VectorCase, name: string, optional = false): number | undefined {
  const value = testCase.params[name];
  if (value === undefined || value === null) {
    if (optional) return undefined;
    throw new CaseFormatError(`params.${name} is missing`);
  }
  if (typeof value !== 'number') throw new CaseFormatError(`params.${name} must be a number, got ${JSON.stringify(value)}`);
  return value;
}

/** Reads a numeric list parameter; null/absent gives undefined. */
export function listParam(testCase: VectorCase, name: string): number[] | undefined {
  const value = testCase.params[name];
  if (value === undefined || value === null) return undefined;
  return flatten(value, `params.${name}`);
}

/** Throws if the case has params this adapter does not map (so new semantics are never silently ignored). */
export function assertKnownParams(testCase: VectorCase, known: readonly string[]): void {
  const unknown = Object.keys(testCase.params).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    throw new CaseFormatError(`params ${unknown.map((k) => `"${k}"`).join(', ')} not understood (known: ${known.join(', ')})`);
  }
}

/** The value of `f(x)` (a scalar) and its gradient with respect to `x`, flattened. */
export function valueAndGradient(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor): { value: number[]; grad: number[] } {
  return tf.tidy(() => {
    const { value, grad } = tf.valueAndGrad((input: tf.Tensor) => f(input) as tf.Scalar)(x);
    return { value: Array.from(value.dataSync()), grad: Array.from(grad.dataSync()) };
  });
}

/** Evaluates `f()` and returns its values flattened. */
export function values(f: () => tf.Tensor): number[] {
  return tf.tidy(() => Array.from(f().dataSync()));
}

/** Expected values of a case flattened, or undefined when the key is absent. */
export function expectedValues(testCase: VectorCase, key: string): number[] | undefined {
  const value: JsonValue | undefined = testCase.expected[key];
  return value === undefined ? undefined : flatten(value, `expected.${key}`);
}
