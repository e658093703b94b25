import { OnnxGraphBuilder, writeOnnxModel, type OnnxAttribute } from '@counterweight/runtime/onnx';
import type * as tf from '@tensorflow/tfjs-core';

import { BATCH_NORM_EPSILON } from '../models/batch-norm.js';
import { NORMALIZE_EPSILON, samePadding, type Layer } from '../models/layers.js';
import type { VisionModel } from '../models/vision-model.js';

/** ONNX operator set of exported models (default domain). */
export const ONNX_OPSET = 13;
/** ONNX IR version that goes with opset 13 (ONNX 1.8). */
export const ONNX_IR_VERSION = 7;
/** Name of the exported graph's input: float32 images `[batch, H, W, C]` (NHWC, as the tfjs model takes them). */
export const ONNX_INPUT = 'images';
/** Name of the exported graph's output: the main head's logits `[batch, C]`. */
export const ONNX_OUTPUT = 'logits';
/** Symbolic batch dimension of input and output. */
export const ONNX_BATCH_DIM = 'batch';
/** `metadata_props` key holding the model's resolved options as JSON. */
export const ONNX_OPTIONS_KEY = 'counterweight.model';

/** Options of {@link buildOnnxModel} / {@link exportOnnx}. */
export interface OnnxExportOptions {
  /** Extra `metadata_props` (e.g. `classNames` as JSON); the model's options are always stored under `counterweight.model`. */
  readonly metadata?: Readonly<Record<string, string>>;
  /**
   * Per-channel affine map applied to the input before the network, `x·scale[c] + offset[c]`: bakes the input
   * normalisation into the graph so the ONNX model takes raw pixel values (e.g. `scale = 1/(255·std)`,
   * `offset = −mean/std` for 0–255 pixels). Default: none (the model takes the values the tfjs model was trained on).
   */
  readonly input?: AffineMap;
  /**
   * Per-class affine map applied to the logits, `z·scale[k] + offset[k]`: bakes a post-hoc adjustment (logit
   * adjustment `−τ·log π`, weight balancing's `π^−τ` scaling) into the graph. Default: none.
   */
  readonly logits?: AffineMap;
}

/** `x·scale[i] + offset[i]` along the last axis (one entry per channel or class). */
export interface AffineMap {
  readonly scale: readonly number[];
  readonly offset: readonly number[];
}

function checkAffine(map: AffineMap, size: number, option: string): void {
  if (map.scale.length !== size || map.offset.length !== size) {
    throw new RangeError(`${option}: needs ${size} scale and offset values, got ${map.scale.length} and ${map.offset.length}`);
  }
  if (![...map.scale, ...map.offset].every(Number.isFinite)) throw new RangeError(`${option}: values must be finite`);
}

function applyAffine(graph: OnnxGraphBuilder, input: string, map: AffineMap, name: string, output?: string): string {
  const size = map.scale.length;
  const scale = graph.initializer(`${name}/scale`, Float32Array.from(map.scale), [size]);
  const offset = graph.initializer(`${name}/offset`, Float32Array.from(map.offset), [size]);
  const scaled = graph.node('Mul', [input, scale]);
  return graph.node('Add', [scaled, offset], {}, output);
}

/** What {@link exportOnnx} wrote. */
export interface OnnxExportResult {
  readonly path: string;
  readonly bytes: number;
  readonly nodes: number;
  readonly opset: number;
}

type Weights = ReadonlyMap<tf.Variable, Float32Array>;

/** tfjs conv kernel `[k, k, in, out]` → ONNX `[out, in, k, k]`. */
function convKernelToOihw(values: Float32Array, shape: readonly number[]): Float32Array {
  const [kh = 0, kw = 0, cin = 0, cout = 0] = shape;
  const out = new Float32Array(values.length);
  for (let y = 0; y < kh; y += 1) {
    for (let x = 0; x < kw; x += 1) {
      for (let i = 0; i < cin; i += 1) {
        for (let o = 0; o < cout; o += 1) {
          out[((o * cin + i) * kh + y) * kw + x] = values[((y * kw + x) * cin + i) * cout + o] as number;
        }
      }
    }
  }
  return out;
}

/**
 * Reorders the rows of a `[H·W·C, units]` kernel from NHWC flatten order (tfjs) to NCHW flatten order (ONNX
 * `Flatten` of an NCHW tensor), so the dense layer after a flatten needs no transpose in the graph.
 */
function nhwcRowsToNchw(values: Float32Array, spatial: readonly number[], units: number): Float32Array {
  const [h = 0, w = 0, c = 0] = spatial;
  const out = new Float32Array(values.length);
  for (let y = 0; y < h; y += 1) {
    for (let x = 0; x < w; x += 1) {
      for (let ch = 0; ch < c; ch += 1) {
        const from = ((y * w + x) * c + ch) * units;
        const to = ((ch * h + y) * w + x) * units;
        out.set(values.subarray(from, from + units), to);
      }
    }
  }
  return out;
}

/** Unit columns of a `[rows, cols]` kernel (the cosine head's `normalize(W, dim=0)`), computed in float64. */
function normalizeColumns(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let j = 0; j < cols; j += 1) {
    let sum = 0;
    for (let i = 0; i < rows; i += 1) sum += (values[i * cols + j] as number) ** 2;
    const scale = 1 / Math.max(Math.sqrt(sum), NORMALIZE_EPSILON);
    for (let i = 0; i < rows; i += 1) out[i * cols + j] = (values[i * cols + j] as number) * scale;
  }
  return out;
}

class GraphWriter {
  /** Set by a flatten whose NCHW order the next matrix layer's kernel rows must follow. */
  private pendingFlatten: readonly number[] | undefined;

  constructor(
    readonly graph: OnnxGraphBuilder,
    private readonly weights: Weights,
  ) {}

  private values(variable: tf.Variable): Float32Array {
    const values = this.weights.get(variable);
    if (values === undefined) throw new Error(`export: no values read for variable ${variable.name}`);
    return values;
  }

  private constant(prefix: string, variable: tf.Variable): string {
    return this.graph.initializer(prefix, this.values(variable), variable.shape);
  }

  /** Kernel rows of a matrix layer, reordered when it follows a flatten. */
  private matrixRows(layer: Layer & { kernel: tf.Variable }): Float32Array {
    const values = this.values(layer.kernel);
    const spatial = this.pendingFlatten;
    this.pendingFlatten = undefined;
    return spatial === undefined ? values : nhwcRowsToNchw(values, spatial, layer.kernel.shape[1] ?? 0);
  }

  private activation(x: string, activation: 'linear' | 'relu'): string {
    return activation === 'relu' ? this.graph.node('Relu', [x]) : x;
  }

  layers(layers: readonly Layer[], input: string): string {
    let x = input;
    layers.forEach((layer, i) => {
      if (this.pendingFlatten !== undefined && layer.kind !== 'dense' && layer.kind !== 'cosine' && layer.kind !== 'etf') {
        throw new Error(`export: a flatten must be followed by a dense, cosine or etf layer, got ${layer.kind} (layer ${i})`);
      }
      x = this.layer(layer, x);
    });
    return x;
  }

  private layer(layer: Layer, x: string): string {
    const g = this.graph;
    switch (layer.kind) {
      case 'conv': {
        const k = layer.kernelSize;
        const [h = 0, w = 0] = layer.inputShape;
        const [top, bottom] = layer.padding === 'same' ? samePadding(h, k, layer.stride) : [0, 0];
        const [left, right] = layer.padding === 'same' ? samePadding(w, k, layer.stride) : [0, 0];
        const kernel = g.initializer(`${layer.name}/kernel`, convKernelToOihw(this.values(layer.kernel), layer.kernel.shape), [
          layer.filters,
          layer.inputShape[2] ?? 0,
          k,
          k,
        ]);
        const inputs = [x, kernel];
        if (layer.biasVariable !== undefined) inputs.push(this.constant(`${layer.name}/bias`, layer.biasVariable));
        const attributes: Record<string, OnnxAttribute> = {
          kernel_shape: { ints: [k, k] },
          strides: { ints: [layer.stride, layer.stride] },
          pads: { ints: [top, left, bottom, right] },
          dilations: { ints: [1, 1] },
          group: { int: 1 },
        };
        return this.activation(g.node('Conv', inputs, attributes), layer.activation);
      }
      case 'batchNorm': {
        const v = layer.variables;
        const inputs = (['gamma', 'beta', 'mean', 'variance'] as const).map((w) => this.constant(`${layer.name}/${w}`, v[w]));
        return g.node('BatchNormalization', [x, ...inputs], { epsilon: { float: BATCH_NORM_EPSILON } });
      }
      case 'relu':
        return g.node('Relu', [x]);
      case 'maxPool':
        return g.node('MaxPool', [x], { kernel_shape: { ints: [layer.size, layer.size] }, strides: { ints: [layer.stride, layer.stride] } });
      case 'residual': {
        const body = this.layers(layer.body, x);
        const shortcut = layer.shortcut.length === 0 ? x : this.layers(layer.shortcut, x);
        return g.node('Add', [body, shortcut]);
      }
      case 'globalAveragePool':
        return g.node('Flatten', [g.node('GlobalAveragePool', [x])], { axis: { int: 1 } });
      case 'flatten':
        this.pendingFlatten = layer.inputShape;
        return g.node('Flatten', [x], { axis: { int: 1 } });
      case 'dense': {
        const kernel = g.initializer(`${layer.name}/kernel`, this.matrixRows(layer), layer.kernel.shape);
        const gemm = g.node('Gemm', [x, kernel, this.constant(`${layer.name}/bias`, layer.biasVariable)]);
        return this.activation(gemm, layer.activation);
      }
      case 'dropout':
        return x; // inference: identity
      case 'cosine': {
        const [rows = 0, cols = 0] = layer.kernel.shape;
        const unitColumns = g.initializer(`${layer.name}/kernel_normalized`, normalizeColumns(this.matrixRows(layer), rows, cols), [rows, cols]);
        const squares = g.node('ReduceSumSquare', [x], { axes: { ints: [1] }, keepdims: { int: 1 } });
        const floor = g.initializer('normalize_epsilon_squared', new Float32Array([NORMALIZE_EPSILON * NORMALIZE_EPSILON]), []);
        const norm = g.node('Sqrt', [g.node('Max', [squares, floor])]);
        return g.node('MatMul', [g.node('Div', [x, norm]), unitColumns]);
      }
      case 'etf': {
        const kernel = g.initializer(`${layer.name}/etf`, this.matrixRows(layer), layer.kernel.shape);
        return g.node('Gemm', [x, kernel, this.constant(`${layer.name}/bias`, layer.biasVariable)]);
      }
    }
  }
}

/**
 * Builds the ONNX model (opset {@link ONNX_OPSET}) of a trained {@link VisionModel} in inference mode: backbone and
 * main head (a dual-head model's auxiliary head is training-only and left out). Weights become initializers.
 *
 * Layout: the graph takes the same NHWC float32 images as the tfjs model (`images [batch, H, W, C]`), transposes them
 * once to NCHW (ONNX's `Conv` layout) and runs NCHW from there; convolution kernels are exported as `[out, in, kH,
 * kW]`, TensorFlow's `same` padding becomes explicit (asymmetric) `pads`, and the dense layer after the CNN's flatten
 * gets its kernel rows reordered to NCHW flatten order. Batch norm is exported as `BatchNormalization` with the
 * running statistics (onnxruntime folds it into the preceding `Conv`); the cosine head normalises the features in the
 * graph (`ReduceSumSquare` → `Max(·, ε²)` → `Sqrt` → `Div`) and multiplies by its column-normalised kernel, stored
 * pre-normalised. Output: `logits [batch, C]`.
 */
export async function buildOnnxModel(model: VisionModel, options: OnnxExportOptions = {}): Promise<{ bytes: Uint8Array; nodes: number }> {
  const weights = new Map<tf.Variable, Float32Array>();
  for (const { variable } of model.variables) weights.set(variable, (await variable.data()) as Float32Array);
  const { arch, head, numClasses, inputShape } = model.options;
  if (options.input !== undefined) checkAffine(options.input, inputShape[2], 'input');
  if (options.logits !== undefined) checkAffine(options.logits, numClasses, 'logits');
  const graph = new OnnxGraphBuilder();
  const writer = new GraphWriter(graph, weights);
  const normalized = options.input === undefined ? ONNX_INPUT : applyAffine(graph, ONNX_INPUT, options.input, 'input_normalization');
  const nchw = graph.node('Transpose', [normalized], { perm: { ints: [0, 3, 1, 2] } }, 'images_nchw');
  const features = writer.layers(model.backbone, nchw);
  const logits = writer.layers(model.head, features);
  if (options.logits === undefined) graph.node('Identity', [logits], {}, ONNX_OUTPUT);
  else applyAffine(graph, logits, options.logits, 'logit_adjustment', ONNX_OUTPUT);
  const bytes = graph.encode({
    graphName: `imbalanced-vision-${arch}-${head}`,
    inputs: [{ name: ONNX_INPUT, shape: [ONNX_BATCH_DIM, ...inputShape] }],
    outputs: [{ name: ONNX_OUTPUT, shape: [ONNX_BATCH_DIM, numClasses] }],
    opset: ONNX_OPSET,
    irVersion: ONNX_IR_VERSION,
    producerName: '@counterweight/imbalanced-vision',
    docString: `${arch} with a ${head} head; input ${ONNX_INPUT} [batch, ${inputShape.join(', ')}] float32 NHWC; output ${ONNX_OUTPUT} [batch, ${numClasses}]`,
    metadata: { ...options.metadata, [ONNX_OPTIONS_KEY]: JSON.stringify(model.options) },
  });
  return { bytes, nodes: graph.nodeCount };
}

/**
 * Writes a trained {@link VisionModel} as an ONNX file (see {@link buildOnnxModel} for the graph and layout): to a
 * temporary sibling first, then renamed, so a crash never leaves a half-written model at `path`.
 */
export async function exportOnnx(model: VisionModel, path: string, options: OnnxExportOptions = {}): Promise<OnnxExportResult> {
  const { bytes, nodes } = await buildOnnxModel(model, options);
  const written = await writeOnnxModel(path, bytes);
  return { ...written, nodes, opset: ONNX_OPSET };
}
