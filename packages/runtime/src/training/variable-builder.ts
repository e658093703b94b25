import * as tf from '@tensorflow/tfjs-core';

import { ConfigError } from '../errors.js';
import type { SeededRandom } from '../random.js';

/**
 * Creates named trainable variables from seeded initial values, for hand-written models (`fromVariables`). Values are
 * drawn in JavaScript from `random`, so the same seed gives bitwise the same weights on every backend. Names are the
 * checkpoint names (`conv1/kernel`, `dense0/bias`); {@link VariableBuilder.variables} is the `variables` map
 * `fromVariables` takes. All values are float32.
 *
 * ```ts
 * const init = new VariableBuilder(SeededRandom.fromSeed(seed, 'init'));
 * const kernel = init.glorotUniform('dense0/kernel', [16, 8], 16, 8);
 * const bias = init.constant('dense0/bias', [8], 0);
 * const model = fromVariables({ variables: init.variables, forward: (x) => dense(x as tf.Tensor2D, kernel, bias) });
 * ```
 */
export class VariableBuilder {
  private readonly created: Record<string, tf.Variable> = {};

  /** @param random the generator every initial value is drawn from, in creation order. */
  constructor(private readonly random: SeededRandom) {}

  /** Every variable built so far, by checkpoint name, in creation order. */
  get variables(): Readonly<Record<string, tf.Variable>> {
    return this.created;
  }

  /**
   * Glorot (Xavier) uniform: U(±√(6 / (fanIn + fanOut))), the Keras default for dense and conv kernels
   * (Glorot & Bengio 2010). For a conv kernel `[kh, kw, in, out]`, fanIn = kh·kw·in and fanOut = kh·kw·out.
   * @throws ConfigError naming the variable when `name` was created before (as do the other creators).
   */
  glorotUniform(name: string, shape: readonly number[], fanIn: number, fanOut: number): tf.Variable {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    return this.fromValues(name, shape, this.random.uniformArray(sizeOf(shape), -limit, limit));
  }

  /** Normal(0, std) values, e.g. std 0.02 for transformer embeddings. */
  normal(name: string, shape: readonly number[], std: number): tf.Variable {
    return this.fromValues(name, shape, this.random.normalArray(sizeOf(shape), 0, std));
  }

  /** Uniform in [low, high). */
  uniform(name: string, shape: readonly number[], low: number, high: number): tf.Variable {
    return this.fromValues(name, shape, this.random.uniformArray(sizeOf(shape), low, high));
  }

  /** A constant fill (biases: 0, LayerNorm gains: 1). */
  constant(name: string, shape: readonly number[], value: number): tf.Variable {
    return this.fromValues(name, shape, new Float32Array(sizeOf(shape)).fill(value));
  }

  /** Disposes every variable built. */
  dispose(): void {
    for (const variable of Object.values(this.created)) variable.dispose();
  }

  private fromValues(name: string, shape: readonly number[], values: Float32Array): tf.Variable {
    if (this.created[name] !== undefined) throw new ConfigError(name, 'variable is created twice');
    // tidy releases the initial-value tensor; the variable survives it.
    const variable = tf.tidy(() => tf.variable(tf.tensor(values, [...shape], 'float32'), true));
    this.created[name] = variable;
    return variable;
  }
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
