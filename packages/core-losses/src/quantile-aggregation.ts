import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import { assertFinite, toFloatTensor, type TensorInput } from './validation.js';

const OP = 'aggregateQuantiles';

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

function aggregateQuantiles_(baseQuantiles: TensorInput, weightLogits: TensorInput, options: { readonly validate?: boolean } = {}): tf.Tensor {
  const base = toFloatTensor(baseQuantiles, 'baseQuantiles', OP);
  if (base.rank !== 3) throw new LossArgumentError(OP, 'baseQuantiles', `must have shape [N, M, Q] (samples, base models, levels), got ${shapeText(base.shape)}`);
  const [n, m, q] = base.shape as [number, number, number];
  const logits = toFloatTensor(weightLogits, 'weightLogits', OP);
  let shaped: tf.Tensor;
  const s = logits.shape;
  if (logits.rank === 1 && s[0] === m) shaped = tf.reshape(logits, [1, m, 1]);
  else if (logits.rank === 2 && s[0] === m && s[1] === q) shaped = tf.reshape(logits, [1, m, q]);
  else if (logits.rank === 2 && s[0] === n && s[1] === m) shaped = tf.reshape(logits, [n, m, 1]);
  else if (logits.rank === 3 && s[0] === n && s[1] === m && s[2] === q) shaped = logits;
  else {
    throw new LossArgumentError(
      OP,
      'weightLogits',
      `must have shape [M], [M, Q], [N, M] or [N, M, Q] with N = ${n}, M = ${m}, Q = ${q}, got ${shapeText(s)}`,
    );
  }
  if (options.validate ?? true) {
    assertFinite(base, 'baseQuantiles', OP);
    assertFinite(logits, 'weightLogits', OP);
  }
  // tf.softmax normalises the last axis: move the model axis there and back.
  const weights = tf.transpose(tf.softmax(tf.transpose(shaped, [0, 2, 1])), [0, 2, 1]);
  return tf.sum(tf.mul(base, weights), 1);
}

/**
 * Convex combination of base quantile models (Fakoor, Kim, Mueller, Smola & Tibshirani, "Flexible model aggregation
 * for quantile regression", JMLR 24, 2023; amazon-science/quantile-aggregation `model/neural_aggregator.py`):
 *
 *     q̂_τ(x) = Σ_m w_m,τ(x) · q̂^{(m)}_τ(x),   w_·,τ(x) = softmax over the M models of the logits
 *
 * The logits' shape sets the granularity: `[M]` one weight per model for all levels and inputs ("global", the
 * reference's *Coarse*), `[M, Q]` per model and level ("per quantile", *Medium*), `[N, M]` or `[N, M, Q]` per input
 * (the reference's *local* aggregator, whose logits a network of x produces). The *Fine* (cross-level) form of the
 * reference is not offered. Convex weights shared across levels keep monotone base quantiles monotone; per-level
 * weights can cross — repair with `@counterweight/solvers`' `repairQuantileCrossing` (the reference sorts).
 *
 * Shapes: `baseQuantiles` `[N, M, Q]` (samples, base models, levels), `weightLogits` as above → `[N, Q]` (a rank-2
 * logit tensor is read as `[M, Q]` when it has that shape, so pass per-input weights as `[N, M, Q]` when N = M).
 * Differentiable with respect to both. Train the logits with the pinball loss of the result.
 *
 * @throws LossArgumentError naming the argument for a bad rank or shape, or NaN/Inf (unless `validate: false`).
 */
export const aggregateQuantiles = tf.op({ aggregateQuantiles_ });

/** Granularity of a {@link QuantileAggregator}'s weights. */
export type QuantileAggregationGranularity = 'global' | 'perQuantile' | 'perInput';

/** Every {@link QuantileAggregationGranularity}. */
export const QUANTILE_AGGREGATION_GRANULARITIES: readonly QuantileAggregationGranularity[] = ['global', 'perQuantile', 'perInput'];

/** Options of {@link QuantileAggregator}. */
export interface QuantileAggregatorOptions {
  /** Number of base models M ≥ 1. */
  readonly numModels: number;
  /** Number of quantile levels Q ≥ 1. */
  readonly numQuantiles: number;
  /** See {@link QuantileAggregationGranularity}. Default `global`. */
  readonly granularity?: QuantileAggregationGranularity;
  /** `perInput` only: number of input features F ≥ 1 (required). */
  readonly numFeatures?: number;
  /** `perInput` only: hidden units of the weight network's one ELU layer; 0 = a linear map of x. Default 64 (the reference's width). */
  readonly hiddenUnits?: number;
  /** `perInput` only: seed of the hidden layer's Glorot-uniform initialisation. Default 0. */
  readonly seed?: number;
}

/**
 * The trainable part of quantile aggregation: owns the weight logits as `tf.Variable`s and combines base quantiles
 * with {@link aggregateQuantiles}.
 *
 * - `global`: logits `[M]`, initialised to 0 (equal weights 1/M, as the reference's `torch.zeros`).
 * - `perQuantile`: logits `[M, Q]`, initialised to 0.
 * - `perInput`: logits `[N, M, Q]` = `f(x)`, with `f` a one-hidden-layer ELU network (`hiddenUnits`, default 64;
 *   Glorot-uniform hidden weights from `seed`, zero biases) or a linear map (`hiddenUnits: 0`). The output layer
 *   starts at zero, so training starts from equal weights. Departure: the reference's local aggregator stacks
 *   `num_layers` hidden layers (default 3) with dropout between them; one layer keeps this small and deterministic.
 *
 * Train `variables` with the pinball loss of `aggregate(...)`; `weights(x?)` reads the current convex weights as
 * plain numbers `[M][Q]` (global, per quantile) or `[N][M][Q]` (per input); `dispose()` frees the variables.
 */
export class QuantileAggregator {
  readonly granularity: QuantileAggregationGranularity;
  readonly numModels: number;
  readonly numQuantiles: number;
  readonly variables: readonly tf.Variable[];
  private readonly numFeatures: number;
  private disposed = false;

  constructor(options: QuantileAggregatorOptions) {
    const name = 'QuantileAggregator';
    const positiveInt = (v: unknown, arg: string, min = 1): number => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new LossArgumentError(name, arg, `must be an integer >= ${min}, got ${String(v)}`);
      return v;
    };
    this.numModels = positiveInt(options.numModels, 'options.numModels');
    this.numQuantiles = positiveInt(options.numQuantiles, 'options.numQuantiles');
    const granularity = options.granularity ?? 'global';
    if (!QUANTILE_AGGREGATION_GRANULARITIES.includes(granularity)) {
      throw new LossArgumentError(name, 'options.granularity', `must be one of 'global', 'perQuantile', 'perInput', got '${String(granularity)}'`);
    }
    this.granularity = granularity;
    const m = this.numModels;
    const q = this.numQuantiles;
    if (granularity !== 'perInput') {
      for (const key of ['numFeatures', 'hiddenUnits', 'seed'] as const) {
        if (options[key] !== undefined) throw new LossArgumentError(name, `options.${key}`, `only applies to granularity 'perInput', not '${granularity}'`);
      }
      this.numFeatures = 0;
      this.variables = [tf.tidy(() => tf.variable(tf.zeros(granularity === 'global' ? [m] : [m, q]), true))];
      return;
    }
    const f = positiveInt(options.numFeatures, 'options.numFeatures');
    const hidden = positiveInt(options.hiddenUnits ?? 64, 'options.hiddenUnits', 0);
    const seed = options.seed ?? 0;
    if (!Number.isInteger(seed)) throw new LossArgumentError(name, 'options.seed', `must be an integer, got ${String(seed)}`);
    this.numFeatures = f;
    const out = m * q;
    this.variables = tf.tidy(() => {
      if (hidden === 0) return [tf.variable(tf.zeros([f, out]), true), tf.variable(tf.zeros([out]), true)];
      const limit = Math.sqrt(6 / (f + hidden));
      return [
        tf.variable(tf.randomUniform([f, hidden], -limit, limit, 'float32', seed), true),
        tf.variable(tf.zeros([hidden]), true),
        tf.variable(tf.zeros([hidden, out]), true),
        tf.variable(tf.zeros([out]), true),
      ];
    });
  }

  /** The weight logits for `features` (`[N, F]`, `perInput` only): `[M]`, `[M, Q]` or `[N, M, Q]`. */
  logits(features?: TensorInput): tf.Tensor {
    this.assertUsable();
    const name = 'QuantileAggregator.logits';
    if (this.granularity !== 'perInput') {
      if (features !== undefined) throw new LossArgumentError(name, 'features', `only applies to granularity 'perInput', not '${this.granularity}'`);
      return this.variables[0] as tf.Variable;
    }
    if (features === undefined) throw new LossArgumentError(name, 'features', "is required with granularity 'perInput'");
    return tf.tidy(() => {
      const x = toFloatTensor(features, 'features', name);
      if (x.rank !== 2 || x.shape[1] !== this.numFeatures) {
        throw new LossArgumentError(name, 'features', `must have shape [N, ${this.numFeatures}], got ${shapeText(x.shape)}`);
      }
      const v = this.variables;
      let h: tf.Tensor = x;
      if (v.length === 4) h = tf.elu(tf.add(tf.matMul(h as tf.Tensor2D, v[0] as tf.Tensor2D), v[1] as tf.Tensor));
      const z = tf.add(tf.matMul(h as tf.Tensor2D, v[v.length - 2] as tf.Tensor2D), v[v.length - 1] as tf.Tensor);
      return tf.reshape(z, [x.shape[0] ?? 0, this.numModels, this.numQuantiles]);
    });
  }

  /** Aggregated quantiles `[N, Q]` of `baseQuantiles` `[N, M, Q]` (with `features` `[N, F]` for `perInput`). */
  aggregate(baseQuantiles: TensorInput, features?: TensorInput): tf.Tensor2D {
    return tf.tidy(() => aggregateQuantiles(baseQuantiles, this.logits(features)) as tf.Tensor2D);
  }

  /** The current convex weights as plain numbers: `[M][Q]` (global: each model's weight repeated over Q) or `[N][M][Q]`. */
  weights(features?: TensorInput): number[][] | number[][][] {
    const probs = tf.tidy(() => {
      const logits = this.logits(features);
      const shaped = logits.rank === 1 ? tf.tile(tf.reshape(logits, [this.numModels, 1]), [1, this.numQuantiles]) : logits;
      const axis = shaped.rank - 2; // the model axis
      const perm = axis === 0 ? [1, 0] : [0, 2, 1];
      return tf.transpose(tf.softmax(tf.transpose(shaped, perm)), perm);
    });
    const out = probs.arraySync() as number[][] | number[][][];
    probs.dispose();
    return out;
  }

  /** Disposes the variables; the aggregator cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.variables.forEach((v) => v.dispose());
    this.disposed = true;
  }

  private assertUsable(): void {
    if (this.disposed) throw new LossArgumentError('QuantileAggregator', 'this', 'was disposed');
  }
}
