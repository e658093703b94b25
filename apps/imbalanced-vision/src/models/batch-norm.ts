import type { VariableBuilder } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

/** ε added to the variance (PyTorch's `BatchNorm2d` default, which the CIFAR ResNets of the papers use). */
export const BATCH_NORM_EPSILON = 1e-5;

/** The four variables of one batch-norm layer over the last (channel) axis. */
export interface BatchNormVariables {
  /** Trainable scale γ, initialised to 1. */
  readonly gamma: tf.Variable<tf.Rank.R1>;
  /** Trainable shift β, initialised to 0. */
  readonly beta: tf.Variable<tf.Rank.R1>;
  /** Running mean (not trainable), initialised to 0; used at inference. */
  readonly mean: tf.Variable<tf.Rank.R1>;
  /** Running (unbiased) variance (not trainable), initialised to 1; used at inference. */
  readonly variance: tf.Variable<tf.Rank.R1>;
}

/**
 * Creates a batch-norm layer's variables `<name>/gamma`, `<name>/beta` (trainable) and `<name>/mean`,
 * `<name>/variance` (running statistics, not trainable, saved in checkpoints).
 */
export function createBatchNorm(init: VariableBuilder, name: string, channels: number): BatchNormVariables {
  const gamma = init.constant(`${name}/gamma`, [channels], 1) as tf.Variable<tf.Rank.R1>;
  const beta = init.constant(`${name}/beta`, [channels], 0) as tf.Variable<tf.Rank.R1>;
  const mean = init.constant(`${name}/mean`, [channels], 0) as tf.Variable<tf.Rank.R1>;
  const variance = init.constant(`${name}/variance`, [channels], 1) as tf.Variable<tf.Rank.R1>;
  mean.trainable = false;
  variance.trainable = false;
  return { gamma, beta, mean, variance };
}

/** Inference: normalises with the running statistics, `γ·(x − mean)/√(variance + ε) + β` over the last axis. */
export function batchNormInference(x: tf.Tensor, layer: BatchNormVariables): tf.Tensor {
  return tf.batchNorm(x, layer.mean, layer.variance, layer.beta, layer.gamma, BATCH_NORM_EPSILON);
}

/** What {@link batchNormTraining} returns. */
export interface BatchNormTrainingResult {
  /** The normalised, scaled and shifted activations (same shape as `x`). */
  readonly output: tf.Tensor;
  /** Batch mean per channel. Kept outside any tidy scope: the caller disposes it. */
  readonly batchMean: tf.Tensor1D;
  /** Biased batch variance per channel. Kept outside any tidy scope: the caller disposes it. */
  readonly batchVariance: tf.Tensor1D;
  /** Values per channel the statistics were taken over (batch × spatial positions). */
  readonly count: number;
}

type GradSave = (tensors: tf.Tensor[]) => void;

/**
 * Per-channel sums of `[n, c]` rows as `[1, c]`. A `Sum` (the runtime's JS kernel on wasm), not a `Mean` (4× slower
 * there) nor a `ones · rows` matmul (XNNPACK repacks the changing right operand on every call).
 */
function columnSums(rows: tf.Tensor2D): tf.Tensor2D {
  return tf.sum(rows, 0, true);
}

/**
 * Training-mode batch norm over every axis but the last: `γ·x̂ + β` with `x̂ = (x − μ_B)/√(σ²_B + ε)` from the batch's
 * own (biased) statistics. One custom-gradient op with the closed-form gradient
 * `dx = γ/√(σ²_B + ε) · (dy − mean(dy) − x̂·mean(dy·x̂))`, `dγ = Σ dy·x̂`, `dβ = Σ dy`, written as per-channel affine
 * maps of `dy` and `x`: tfjs's generic `FusedBatchNorm` gradient tiles and multiplies full-size tensors several
 * times more.
 */
export function batchNormTraining(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D): BatchNormTrainingResult {
  const channels = x.shape[x.rank - 1] ?? 0;
  const count = channels === 0 ? 0 : x.size / channels;
  let stats: [tf.Tensor1D, tf.Tensor1D] | undefined;
  const op = tf.customGrad((...args: Array<tf.Tensor | GradSave>) => {
    const [input, g, b, save] = args as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, GradSave];
    const rows = tf.reshape<tf.Rank.R2>(input, [count, channels]);
    const mean = tf.div<tf.Tensor2D>(columnSums(rows), count);
    const variance = tf.div<tf.Tensor2D>(columnSums(tf.squaredDifference<tf.Tensor2D>(rows, mean)), count);
    const inverseStd = tf.rsqrt(tf.add(variance, BATCH_NORM_EPSILON));
    const scale = tf.mul(g, inverseStd);
    const value = tf.reshape(tf.add(tf.mul(rows, scale), tf.sub(b, tf.mul(mean, scale))), input.shape);
    save([rows, mean, inverseStd, g]);
    stats = [tf.keep(tf.reshape(mean, [channels])), tf.keep(tf.reshape(variance, [channels]))];
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xRows, mu, invStd, gain] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
        const dyRows = tf.reshape<tf.Rank.R2>(dy, [count, channels]);
        const dBeta = columnSums(dyRows);
        // Σ dy·x̂ = r·(Σ dy·x − μ·Σ dy)
        const dGamma = tf.mul(invStd, tf.sub(columnSums(tf.mul(dyRows, xRows)), tf.mul(mu, dBeta)));
        // dx = k1·dy + k2·x + k3 with k1 = γr, k2 = −k1·r·dγ/n, k3 = −k1·dβ/n − k2·μ
        const k1 = tf.mul(gain, invStd);
        const k2 = tf.neg(tf.mul(tf.mul(k1, invStd), tf.div(dGamma, count)));
        const k3 = tf.sub(tf.neg(tf.mul(k1, tf.div(dBeta, count))), tf.mul(k2, mu));
        const dx = tf.add(tf.add(tf.mul(dyRows, k1), tf.mul(xRows, k2)), k3);
        return [tf.reshape(dx, dy.shape), tf.reshape(dGamma, [channels]), tf.reshape(dBeta, [channels])];
      },
    };
  });
  const output = op(x, gamma, beta);
  if (stats === undefined) throw new Error('batchNormTraining: the forward pass did not run');
  return { output, batchMean: stats[0], batchVariance: stats[1], count };
}

/**
 * Moves the running statistics towards the batch's (PyTorch convention): `mean ← (1 − m)·mean + m·μ_B`,
 * `variance ← (1 − m)·variance + m·σ²_B·n/(n − 1)` (unbiased batch variance).
 */
export function updateRunningStatistics(layer: BatchNormVariables, result: BatchNormTrainingResult, momentum: number): void {
  const unbiased = result.count > 1 ? result.count / (result.count - 1) : 1;
  tf.tidy(() => {
    layer.mean.assign(tf.add(tf.mul(layer.mean, 1 - momentum), tf.mul(result.batchMean, momentum)));
    layer.variance.assign(tf.add(tf.mul(layer.variance, 1 - momentum), tf.mul(result.batchVariance, momentum * unbiased)));
  });
}

/**
 * Folds an inference-mode batch norm into the convolution before it: `filter·s` and `(bias − mean)·s + β` with
 * `s = γ/√(variance + ε)` per output channel, so `conv(x, filter) + bias` equals `batchNorm(conv(x, kernel) + b)`.
 * The caller tidies the returned tensors.
 */
export function foldIntoConvolution(
  kernel: tf.Tensor4D,
  bias: tf.Tensor1D | undefined,
  layer: BatchNormVariables,
): { filter: tf.Tensor4D; bias: tf.Tensor1D } {
  const scale = tf.mul<tf.Tensor1D>(layer.gamma, tf.rsqrt(tf.add(layer.variance, BATCH_NORM_EPSILON)));
  const centered = bias === undefined ? tf.neg(layer.mean) : tf.sub(bias, layer.mean);
  return { filter: tf.mul<tf.Tensor4D>(kernel, scale), bias: tf.add<tf.Tensor1D>(tf.mul(centered, scale), layer.beta) };
}
