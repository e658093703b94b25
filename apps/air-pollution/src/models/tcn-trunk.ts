import type { VariableBuilder } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

/**
 * One causal convolution block: `y[t] = relu(b + Σⱼ x[t − (k−1−j)·d]·Wⱼ)` over the time axis, with zeros before the
 * first step (left padding `(k−1)·d`), so step `t` sees only steps ≤ t. A block whose input has as many channels as
 * its output adds its input back (`x + y`, the residual connection of temporal convolutional networks).
 */
export interface CausalConvBlock {
  /** `[kernelSize, inputChannels, outputChannels]`; tap `j = k−1` is the current step, tap 0 the oldest. */
  readonly kernel: tf.Variable<tf.Rank.R3>;
  readonly bias: tf.Variable<tf.Rank.R1>;
  readonly dilation: number;
  readonly inputChannels: number;
  readonly outputChannels: number;
  readonly residual: boolean;
}

/**
 * The shared trunk of the TCN forecaster (after Bai, Kolter & Koltun, 2018): the flattened window reshaped to
 * `[B, history, features]`, `layers` causal convolution blocks of `hidden` channels with dilations 1, 2, 4, … (doubling
 * while `(kernelSize−1)·d < history`, then held, so every tap can reach a real step), and the last step's channels as
 * the output `[B, hidden]`. Variables `trunk/conv<i>/kernel` `[kernelSize, in, hidden]` (Glorot-uniform with
 * fan-in `k·in`, fan-out `k·hidden`) and `trunk/conv<i>/bias` (zeros).
 */
export interface TcnTrunk {
  readonly kind: 'tcn';
  readonly history: number;
  readonly features: number;
  readonly kernelSize: number;
  readonly blocks: readonly CausalConvBlock[];
  /** Width of the trunk's output (`hidden`). */
  readonly outputSize: number;
}

/** Dilation of block `index` (0-based): `2^index`, held once `(kernelSize − 1)·2^index` would reach `history`. */
export function blockDilation(index: number, kernelSize: number, history: number): number {
  let dilation = 1;
  for (let i = 0; i < index && (kernelSize - 1) * dilation * 2 < history; i += 1) dilation *= 2;
  return dilation;
}

/** Creates the variables of a {@link TcnTrunk} with `init` (block by block, kernel before bias). */
export function createTcnTrunk(
  init: VariableBuilder,
  history: number,
  features: number,
  options: { readonly hidden: number; readonly layers: number; readonly kernelSize: number },
): TcnTrunk {
  const { hidden, layers, kernelSize: k } = options;
  const blocks: CausalConvBlock[] = [];
  let channels = features;
  for (let i = 0; i < layers; i += 1) {
    blocks.push({
      kernel: init.glorotUniform(`trunk/conv${i}/kernel`, [k, channels, hidden], k * channels, k * hidden) as tf.Variable<tf.Rank.R3>,
      bias: init.constant(`trunk/conv${i}/bias`, [hidden], 0) as tf.Variable<tf.Rank.R1>,
      dilation: blockDilation(i, k, history),
      inputChannels: channels,
      outputChannels: hidden,
      residual: channels === hidden,
    });
    channels = hidden;
  }
  return { kind: 'tcn', history, features, kernelSize: k, blocks, outputSize: hidden };
}

/**
 * One block on `x` `[B, S, C]` → its last `outputSteps` steps `[B, n, H]` (default all `S`), written as im2col and
 * one fused matrix product: the `k` shifted copies of the sequence are concatenated along the channels (`[B, n, k·C]`)
 * and multiplied by the kernel reshaped to `[k·C, H]`. Reads before `x`'s first step are zeros (the causal padding),
 * so `x` must start at the first step of the sequence or reach back `(k−1)·d` steps before the first output.
 * Only pad, slice, concat, reshape and matMul, whose gradients every backend has (tfjs' `conv2d` has no gradient for
 * dilations > 1). Intermediates are the caller's to tidy.
 */
export function applyCausalConvBlock(block: CausalConvBlock, x: tf.Tensor3D, outputSteps?: number): tf.Tensor3D {
  const [batch = 0, steps = 0, channels = 0] = x.shape;
  const n = outputSteps ?? steps;
  const k = block.kernel.shape[0] ?? 1;
  const reach = (k - 1) * block.dilation;
  const padding = Math.max(0, reach + n - steps);
  const padded = padding > 0 ? tf.pad(x, [[0, 0], [padding, 0], [0, 0]]) : x;
  const first = steps + padding - n - reach;
  const taps: tf.Tensor3D[] = [];
  for (let j = 0; j < k; j += 1) taps.push(tf.slice(padded, [0, first + j * block.dilation, 0], [batch, n, channels]));
  const columns = taps.length === 1 ? (taps[0] as tf.Tensor3D) : tf.concat(taps, 2);
  const flat = tf.reshape(columns, [batch * n, k * channels]);
  const kernel = tf.reshape(block.kernel, [k * channels, block.outputChannels]);
  const y = tf.fused.matMul({ a: flat, b: kernel, bias: block.bias, activation: 'relu' });
  const out = tf.reshape<tf.Rank.R3>(y, [batch, n, block.outputChannels]);
  return block.residual ? tf.add(n === steps ? x : tf.slice(x, [0, steps - n, 0], [batch, n, channels]), out) : out;
}

/**
 * The steps the trunk's output (the last step of the last block) depends on: `outputSteps[i]` is how many final steps
 * block `i` must compute (1 for the last block; for block `i − 1`, the `nᵢ + (k−1)·dᵢ` steps block `i` reads, capped at
 * `history`), and `inputSteps` how many final steps of the window block 0 reads.
 */
export function receptiveSteps(trunk: TcnTrunk): { inputSteps: number; outputSteps: number[] } {
  const reads = (i: number, n: number): number => Math.min(trunk.history, n + (trunk.kernelSize - 1) * (trunk.blocks[i] as CausalConvBlock).dilation);
  const outputSteps = new Array<number>(trunk.blocks.length).fill(1);
  for (let i = trunk.blocks.length - 1; i > 0; i -= 1) outputSteps[i - 1] = reads(i, outputSteps[i] as number);
  return { inputSteps: trunk.blocks.length === 0 ? 1 : reads(0, outputSteps[0] as number), outputSteps };
}

/**
 * Runs the trunk on flattened windows `[B, history·features]` → the last step's channels `[B, hidden]`. Only the steps
 * the last step depends on are computed ({@link receptiveSteps}), which gives the same numbers as convolving the whole
 * window and taking the last step, at a fraction of the cost for short kernels.
 */
export function applyTcnTrunk(trunk: TcnTrunk, x: tf.Tensor2D): tf.Tensor2D {
  const batch = x.shape[0];
  const { inputSteps, outputSteps } = receptiveSteps(trunk);
  let h = tf.reshape<tf.Rank.R3>(x, [batch, trunk.history, trunk.features]);
  if (inputSteps < trunk.history) h = tf.slice(h, [0, trunk.history - inputSteps, 0], [batch, inputSteps, trunk.features]);
  trunk.blocks.forEach((block, i) => {
    h = applyCausalConvBlock(block, h, outputSteps[i]);
  });
  return tf.reshape(h, [batch, trunk.outputSize]);
}
