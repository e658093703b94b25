import { dense, type SeededRandom, type VariableBuilder } from '@counterweight/runtime';
import { simplexEtf } from '@counterweight/core-losses';
import * as tf from '@tensorflow/tfjs-core';

import {
  batchNormInference,
  batchNormTraining,
  createBatchNorm,
  foldIntoConvolution,
  updateRunningStatistics,
  type BatchNormVariables,
} from './batch-norm.js';

/** Activation fused into a layer. */
export type Activation = 'linear' | 'relu';

/** 2-D convolution, NHWC, square kernel; `same` padding follows TensorFlow (the odd pixel goes after). */
export interface ConvSpec {
  readonly kind: 'conv';
  readonly name: string;
  readonly filters: number;
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: 'valid' | 'same';
  readonly bias: boolean;
  readonly activation: Activation;
  /** `glorot-uniform` (Keras default) or `he-normal-fan-out` (`kaiming_normal_(mode='fan_out')` of the CIFAR ResNets). */
  readonly init: 'glorot-uniform' | 'he-normal-fan-out';
}

/** Batch norm over the last axis (see `batch-norm.ts`). */
export interface BatchNormSpec {
  readonly kind: 'batchNorm';
  readonly name: string;
}

/** `max(x, 0)`. */
export interface ReluSpec {
  readonly kind: 'relu';
}

/** Max pooling with a square window, valid padding. */
export interface MaxPoolSpec {
  readonly kind: 'maxPool';
  readonly size: number;
  readonly stride: number;
}

/** `body(x) + shortcut(x)`; an empty shortcut is the identity. */
export interface ResidualSpec {
  readonly kind: 'residual';
  readonly body: readonly LayerSpec[];
  readonly shortcut: readonly LayerSpec[];
}

/** Mean over the spatial axes: `[H, W, C]` → `[C]`. */
export interface GlobalAveragePoolSpec {
  readonly kind: 'globalAveragePool';
}

/** `[H, W, C]` → `[H·W·C]` in NHWC order. */
export interface FlattenSpec {
  readonly kind: 'flatten';
}

/** Initial bias: a constant, or uniform in ±`uniform`. */
export type BiasInit = { readonly constant: number } | { readonly uniform: number };

/** `x·W + b` (Glorot-uniform kernel `[in, units]`). */
export interface DenseSpec {
  readonly kind: 'dense';
  readonly name: string;
  readonly units: number;
  readonly activation: Activation;
  readonly biasInit: BiasInit;
}

/** Inverted dropout, active in training only (seeded from the trainer's generator). */
export interface DropoutSpec {
  readonly kind: 'dropout';
  readonly rate: number;
}

/**
 * LDAM's `NormedLinear`: `normalize(x)·normalize(W)` with unit rows of `x` and unit columns of `W` (`[in, units]`,
 * initialised uniform in ±1 like the reference); no bias; outputs cosines in [−1, 1].
 */
export interface CosineSpec {
  readonly kind: 'cosine';
  readonly name: string;
  readonly units: number;
}

/** `x·M + b` with `M` the fixed simplex ETF of core-losses (`[in, units]`, not trainable) and a trainable bias. */
export interface EtfSpec {
  readonly kind: 'etf';
  readonly name: string;
  readonly units: number;
  /** Seed of the ETF's random orthonormal basis (uint32). */
  readonly seed: number;
  readonly biasInit: BiasInit;
}

/** One layer of a model description: the single source of the tfjs forward pass and of the ONNX export. */
export type LayerSpec =
  | ConvSpec
  | BatchNormSpec
  | ReluSpec
  | MaxPoolSpec
  | ResidualSpec
  | GlobalAveragePoolSpec
  | FlattenSpec
  | DenseSpec
  | DropoutSpec
  | CosineSpec
  | EtfSpec;

/** Per-sample shapes (no batch axis) around a built layer. */
interface Shapes {
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
}

/** A layer with its variables and static shapes. */
export type Layer =
  | (ConvSpec & Shapes & { readonly kernel: tf.Variable<tf.Rank.R4>; readonly biasVariable: tf.Variable<tf.Rank.R1> | undefined })
  | (BatchNormSpec & Shapes & { readonly variables: BatchNormVariables })
  | (ReluSpec & Shapes)
  | (MaxPoolSpec & Shapes)
  | (Omit<ResidualSpec, 'body' | 'shortcut'> & Shapes & { readonly body: readonly Layer[]; readonly shortcut: readonly Layer[] })
  | (GlobalAveragePoolSpec & Shapes)
  | (FlattenSpec & Shapes)
  | (DenseSpec & Shapes & { readonly kernel: tf.Variable<tf.Rank.R2>; readonly biasVariable: tf.Variable<tf.Rank.R1> })
  | (DropoutSpec & Shapes)
  | (CosineSpec & Shapes & { readonly kernel: tf.Variable<tf.Rank.R2> })
  | (EtfSpec & Shapes & { readonly kernel: tf.Variable<tf.Rank.R2>; readonly biasVariable: tf.Variable<tf.Rank.R1> });

/** Output size of a convolution or pooling window along one axis. */
export function windowOutputSize(size: number, window: number, stride: number, padding: 'valid' | 'same'): number {
  return padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - window) / stride) + 1;
}

/** TensorFlow's `same` padding along one axis: `[before, after]`, the odd pixel after. */
export function samePadding(size: number, window: number, stride: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + window - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

function spatial(shape: readonly number[], what: string): [number, number, number] {
  if (shape.length !== 3) throw new Error(`${what} needs an [H, W, C] input, got [${shape.join(', ')}]`);
  return shape as [number, number, number];
}

function vector(shape: readonly number[], what: string): number {
  if (shape.length !== 1) throw new Error(`${what} needs a [features] input, got [${shape.join(', ')}]; flatten or pool first`);
  return shape[0] as number;
}

function biasVariable(init: VariableBuilder, name: string, units: number, biasInit: BiasInit): tf.Variable<tf.Rank.R1> {
  const variable =
    'constant' in biasInit
      ? init.constant(`${name}/bias`, [units], biasInit.constant)
      : init.uniform(`${name}/bias`, [units], -biasInit.uniform, biasInit.uniform);
  return variable as tf.Variable<tf.Rank.R1>;
}

function buildLayer(spec: LayerSpec, inputShape: readonly number[], init: VariableBuilder): Layer {
  switch (spec.kind) {
    case 'conv': {
      const [h, w, c] = spatial(inputShape, `conv ${spec.name}`);
      const k = spec.kernelSize;
      const shape = [k, k, c, spec.filters];
      const kernel = (
        spec.init === 'glorot-uniform'
          ? init.glorotUniform(`${spec.name}/kernel`, shape, k * k * c, k * k * spec.filters)
          : init.normal(`${spec.name}/kernel`, shape, Math.sqrt(2 / (k * k * spec.filters)))
      ) as tf.Variable<tf.Rank.R4>;
      const bias = spec.bias ? (init.constant(`${spec.name}/bias`, [spec.filters], 0) as tf.Variable<tf.Rank.R1>) : undefined;
      const outputShape = [
        windowOutputSize(h, k, spec.stride, spec.padding),
        windowOutputSize(w, k, spec.stride, spec.padding),
        spec.filters,
      ];
      if (outputShape.some((v) => v < 1)) throw new Error(`conv ${spec.name}: input ${h}×${w} is too small for a ${k}×${k} window`);
      return { ...spec, inputShape, outputShape, kernel, biasVariable: bias };
    }
    case 'batchNorm': {
      const channels = inputShape[inputShape.length - 1] ?? 0;
      return { ...spec, inputShape, outputShape: inputShape, variables: createBatchNorm(init, spec.name, channels) };
    }
    case 'relu':
    case 'dropout':
      return { ...spec, inputShape, outputShape: inputShape };
    case 'maxPool': {
      const [h, w, c] = spatial(inputShape, 'maxPool');
      const outputShape = [windowOutputSize(h, spec.size, spec.stride, 'valid'), windowOutputSize(w, spec.size, spec.stride, 'valid'), c];
      if (outputShape.some((v) => v < 1)) throw new Error(`maxPool: input ${h}×${w} is too small for a ${spec.size}×${spec.size} window`);
      return { ...spec, inputShape, outputShape };
    }
    case 'residual': {
      const body = buildLayers(spec.body, inputShape, init);
      const shortcut = buildLayers(spec.shortcut, inputShape, init);
      if (body.outputShape.join() !== shortcut.outputShape.join()) {
        throw new Error(`residual: body gives [${body.outputShape.join(', ')}] but the shortcut [${shortcut.outputShape.join(', ')}]`);
      }
      return { kind: 'residual', inputShape, outputShape: body.outputShape, body: body.layers, shortcut: shortcut.layers };
    }
    case 'globalAveragePool': {
      const [, , c] = spatial(inputShape, 'globalAveragePool');
      return { ...spec, inputShape, outputShape: [c] };
    }
    case 'flatten': {
      const [h, w, c] = spatial(inputShape, 'flatten');
      return { ...spec, inputShape, outputShape: [h * w * c] };
    }
    case 'dense': {
      const fanIn = vector(inputShape, `dense ${spec.name}`);
      const kernel = init.glorotUniform(`${spec.name}/kernel`, [fanIn, spec.units], fanIn, spec.units) as tf.Variable<tf.Rank.R2>;
      return { ...spec, inputShape, outputShape: [spec.units], kernel, biasVariable: biasVariable(init, spec.name, spec.units, spec.biasInit) };
    }
    case 'cosine': {
      const fanIn = vector(inputShape, `cosine ${spec.name}`);
      const kernel = init.uniform(`${spec.name}/kernel`, [fanIn, spec.units], -1, 1) as tf.Variable<tf.Rank.R2>;
      return { ...spec, inputShape, outputShape: [spec.units], kernel };
    }
    case 'etf': {
      const fanIn = vector(inputShape, `etf ${spec.name}`);
      const kernel = init.constant(`${spec.name}/etf`, [fanIn, spec.units], 0) as tf.Variable<tf.Rank.R2>;
      kernel.trainable = false;
      tf.tidy(() => kernel.assign(simplexEtf(fanIn, spec.units, { seed: spec.seed })));
      return { ...spec, inputShape, outputShape: [spec.units], kernel, biasVariable: biasVariable(init, spec.name, spec.units, spec.biasInit) };
    }
  }
}

/** Builds layers in order from a per-sample input shape, creating their variables with `init`. */
export function buildLayers(
  specs: readonly LayerSpec[],
  inputShape: readonly number[],
  init: VariableBuilder,
): { layers: Layer[]; outputShape: readonly number[] } {
  const layers: Layer[] = [];
  let shape = inputShape;
  for (const spec of specs) {
    const layer = buildLayer(spec, shape, init);
    layers.push(layer);
    shape = layer.outputShape;
  }
  return { layers, outputShape: shape };
}

/** How {@link applyLayers} runs. */
export interface LayerContext {
  /** Batch statistics in batch norm, active dropout. */
  readonly training: boolean;
  /** Draws dropout seeds (the trainer's generator in training steps). */
  readonly random: SeededRandom;
  /** Batch-norm running-statistics momentum (applied in training mode). */
  readonly momentum: number;
}

/** ε under which a row or column norm counts as zero in the cosine head (`F.normalize`'s 1e-12). */
export const NORMALIZE_EPSILON = 1e-12;

/**
 * `x / max(‖x‖₂, ε)` along `axis` (PyTorch's `F.normalize`), written as `x·rsqrt(max(Σx², ε²))` so that an all-zero
 * row has a zero (not NaN) gradient.
 */
export function l2Normalize(x: tf.Tensor, axis: number): tf.Tensor {
  return tf.tidy(() =>
    tf.mul(x, tf.rsqrt(tf.maximum(tf.sum(tf.square(x), axis, true), NORMALIZE_EPSILON * NORMALIZE_EPSILON))),
  );
}

function applyLayer(layer: Layer, x: tf.Tensor, context: LayerContext): tf.Tensor {
  switch (layer.kind) {
    case 'conv': {
      const pad = layer.padding;
      if (layer.biasVariable !== undefined || layer.activation === 'relu') {
        return tf.fused.conv2d({
          x: x as tf.Tensor4D,
          filter: layer.kernel,
          strides: layer.stride,
          pad,
          ...(layer.biasVariable === undefined ? {} : { bias: layer.biasVariable }),
          activation: layer.activation,
        });
      }
      return tf.conv2d(x as tf.Tensor4D, layer.kernel, layer.stride, pad);
    }
    case 'batchNorm': {
      if (!context.training) return batchNormInference(x, layer.variables);
      const result = batchNormTraining(x, layer.variables.gamma, layer.variables.beta);
      try {
        updateRunningStatistics(layer.variables, result, context.momentum);
      } finally {
        tf.dispose([result.batchMean, result.batchVariance]);
      }
      return result.output;
    }
    case 'relu':
      return tf.relu(x);
    case 'maxPool':
      return tf.maxPool(x as tf.Tensor4D, layer.size, layer.stride, 'valid');
    case 'residual': {
      const body = applyLayers(layer.body, x, context);
      return tf.add(body, layer.shortcut.length === 0 ? x : applyLayers(layer.shortcut, x, context));
    }
    case 'globalAveragePool':
      return tf.mean(x, [1, 2]);
    case 'flatten':
      return tf.reshape(x, [x.shape[0] ?? -1, layer.outputShape[0] ?? -1]);
    case 'dense':
      return dense(x, layer.kernel, layer.biasVariable, layer.activation === 'relu');
    case 'dropout':
      return context.training && layer.rate > 0 ? tf.dropout(x, layer.rate, undefined, context.random.nextSeed()) : x;
    case 'cosine':
      return tf.matMul(l2Normalize(x, 1), l2Normalize(layer.kernel, 0));
    case 'etf':
      return dense(x, layer.kernel, layer.biasVariable);
  }
}

/**
 * Runs layers in order on a batch (`[B, ...inputShape]`); intermediates are the caller's to tidy. In inference mode
 * a linear convolution followed by batch norm (and ReLU) runs as one fused convolution with the batch norm folded
 * into its filter and bias (on wasm, `FusedBatchNorm` alone took a quarter of the ResNet's inference time).
 */
export function applyLayers(layers: readonly Layer[], x: tf.Tensor, context: LayerContext): tf.Tensor {
  let h = x;
  for (let i = 0; i < layers.length; i += 1) {
    const layer = layers[i] as Layer;
    const next = layers[i + 1];
    if (!context.training && layer.kind === 'conv' && layer.activation === 'linear' && next?.kind === 'batchNorm') {
      const relu = layers[i + 2]?.kind === 'relu';
      const folded = foldIntoConvolution(layer.kernel, layer.biasVariable, next.variables);
      h = tf.fused.conv2d({ x: h as tf.Tensor4D, filter: folded.filter, strides: layer.stride, pad: layer.padding, bias: folded.bias, activation: relu ? 'relu' : 'linear' });
      i += relu ? 2 : 1;
    } else {
      h = applyLayer(layer, h, context);
    }
  }
  return h;
}

/** Every layer, depth first (residual bodies, then shortcuts), for walking the variables or the graph. */
export function flattenLayers(layers: readonly Layer[]): Layer[] {
  return layers.flatMap((layer) => (layer.kind === 'residual' ? [layer, ...flattenLayers(layer.body), ...flattenLayers(layer.shortcut)] : [layer]));
}
