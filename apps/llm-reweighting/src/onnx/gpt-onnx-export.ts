import { ConfigError, LAYER_NORM_EPSILON } from '@counterweight/runtime';
import { OnnxGraphBuilder, writeOnnxModel } from '@counterweight/runtime/onnx';
import type * as tf from '@tensorflow/tfjs-core';

import type { GptModel } from '../models/gpt.js';

/** ONNX operator set of exported GPTs (default domain): 17 is the first with `LayerNormalization`. */
export const GPT_ONNX_OPSET = 17;
/** ONNX IR version that goes with opset 17 (ONNX 1.12). */
export const GPT_ONNX_IR_VERSION = 8;
/** Input: token ids `[batch, tokens]` int64, 1 ≤ tokens ≤ context. */
export const GPT_ONNX_INPUT = 'ids';
/** Output: float32 logits `[batch, tokens, V]`. */
export const GPT_ONNX_OUTPUT = 'logits';
/** `metadata_props` key of the model's {@link GptConfig} as JSON. */
export const GPT_ONNX_CONFIG_KEY = 'counterweight.llm-reweighting.gpt';
/** `metadata_props` key of the input/output layout version. */
export const GPT_ONNX_FORMAT_KEY = 'counterweight.llm-reweighting.format';
/** Current value of {@link GPT_ONNX_FORMAT_KEY}. */
export const GPT_ONNX_FORMAT = '1';

/** Options of {@link buildGptOnnx} / {@link exportGptOnnx}. */
export interface GptExportOptions {
  /** Extra `metadata_props` (e.g. the tokenizer kind, the objective); the config and format keys are always written. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** An encoded GPT graph. */
export interface GptOnnxGraph {
  readonly bytes: Uint8Array;
  readonly nodes: number;
}

/** What {@link exportGptOnnx} wrote. */
export interface GptExportResult {
  readonly path: string;
  readonly bytes: number;
  readonly nodes: number;
  readonly opset: number;
}

const GELU_C = Math.sqrt(2 / Math.PI);

/** Columns `[from, from + count)` of a row-major `[rows, cols]` matrix. */
function columns(values: Float32Array, rows: number, cols: number, from: number, count: number): Float32Array {
  const out = new Float32Array(rows * count);
  for (let r = 0; r < rows; r += 1) out.set(values.subarray(r * cols + from, r * cols + from + count), r * count);
  return out;
}

/** Transpose of a row-major `[rows, cols]` matrix. */
function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r += 1) for (let c = 0; c < cols; c += 1) out[c * rows + r] = values[r * cols + c] as number;
  return out;
}

class GptGraphWriter {
  readonly graph = new OnnxGraphBuilder();

  scalar(name: string, value: number): string {
    return this.graph.initializer(name, Float32Array.of(value), []);
  }

  weight(name: string, variable: tf.Variable): string {
    return this.graph.initializer(name, variable.dataSync() as Float32Array, variable.shape);
  }

  layerNorm(x: string, gain: tf.Variable, bias: tf.Variable, name: string): string {
    return this.graph.node('LayerNormalization', [x, this.weight(`${name}/gain`, gain), this.weight(`${name}/bias`, bias)], {
      axis: { int: -1 },
      epsilon: { float: LAYER_NORM_EPSILON },
    });
  }

  /** `x·W + b` over the last axis of `x` (`MatMul` + `Add`, which onnxruntime fuses). */
  linear(x: string, kernel: string, bias: string): string {
    return this.graph.node('Add', [this.graph.node('MatMul', [x, kernel]), bias]);
  }

  /** tanh-GELU from primitive ops: `0.5·u·(1 + tanh(√(2/π)·(u + 0.044715·u³)))`. */
  gelu(u: string): string {
    const g = this.graph;
    const cube = g.node('Mul', [g.node('Mul', [u, u]), u]);
    const inner = g.node('Mul', [g.node('Add', [u, g.node('Mul', [cube, this.scalar('gelu/cubic', 0.044715)])]), this.scalar('gelu/c', GELU_C)]);
    return g.node('Mul', [g.node('Mul', [u, this.scalar('gelu/half', 0.5)]), g.node('Add', [g.node('Tanh', [inner]), this.scalar('gelu/one', 1)])]);
  }
}

/**
 * Encodes a causal {@link GptModel} as an ONNX graph (opset {@link GPT_ONNX_OPSET}): input {@link GPT_ONNX_INPUT}
 * int64 `[batch, tokens]` (both dynamic, tokens ≤ context), output {@link GPT_ONNX_OUTPUT} float32
 * `[batch, tokens, V]`, the same numbers as the tfjs forward pass up to float rounding. Token rows are a `Gather`,
 * position rows a `Slice` of the position table to the input's length; LayerNorm is `LayerNormalization`; the fused
 * QKV projection is written as three `MatMul`s on its column blocks; heads are `Reshape` + `Transpose`; the causal
 * mask is a `[context, context]` additive table (−1e9 above the diagonal, as the tfjs attention) sliced to the
 * length; tanh-GELU is composed from `Mul`/`Add`/`Tanh`; logits are `MatMul` with the transposed token embedding.
 * The configuration and a format version go into `metadata_props`.
 * @throws ConfigError for a bidirectional model (only the causal language model is exported).
 */
export function buildGptOnnx(model: GptModel, options: GptExportOptions = {}): GptOnnxGraph {
  const { config, weights } = model;
  if (!config.causal) throw new ConfigError('model', 'is bidirectional (causal: false); only the causal language model is exported to ONNX');
  const d = config.width;
  const heads = config.heads;
  const headWidth = d / heads;
  const w = new GptGraphWriter();
  const g = w.graph;
  const int64 = (name: string, values: readonly number[]): string => g.int64Initializer(name, values, [values.length]);

  const tokens = g.node('Gather', [w.weight('embedding/tokens', weights.tokenEmbedding), GPT_ONNX_INPUT], { axis: { int: 0 } });
  const length = g.node('Slice', [g.node('Shape', [GPT_ONNX_INPUT]), int64('shape/from', [1]), int64('shape/to', [2]), int64('shape/axis', [0])]);
  const positions = g.node('Slice', [w.weight('embedding/positions', weights.positionEmbedding), int64('positions/from', [0]), length, int64('positions/axis', [0])]);
  let x = g.node('Add', [tokens, positions]);

  const maskValues = new Float32Array(config.context * config.context);
  for (let i = 0; i < config.context; i += 1) for (let j = i + 1; j < config.context; j += 1) maskValues[i * config.context + j] = -1e9;
  const maskTable = g.initializer('attention/causal-mask', maskValues, [config.context, config.context]);
  const maskEnds = g.node('Concat', [length, length], { axis: { int: 0 } });
  const mask = g.node('Slice', [maskTable, int64('mask/from', [0, 0]), maskEnds, int64('mask/axes', [0, 1])]);
  const headShape = int64('heads/shape', [0, 0, heads, headWidth]);
  const mergedShape = int64('merged/shape', [0, 0, d]);
  const scale = w.scalar('attention/scale', 1 / Math.sqrt(headWidth));

  weights.blocks.forEach((block, i) => {
    const p = `block${i}`;
    const h = w.layerNorm(x, block.ln1Gain, block.ln1Bias, `${p}/ln1`);
    const qkv = block.qkvKernel.dataSync() as Float32Array;
    const qkvBias = block.qkvBias.dataSync() as Float32Array;
    const part = (index: number, label: string): string => {
      const kernel = g.initializer(`${p}/attention/${label}/kernel`, columns(qkv, d, 3 * d, index * d, d), [d, d]);
      const bias = g.initializer(`${p}/attention/${label}/bias`, qkvBias.slice(index * d, (index + 1) * d), [d]);
      return g.node('Reshape', [w.linear(h, kernel, bias), headShape]);
    };
    const q = g.node('Mul', [g.node('Transpose', [part(0, 'query')], { perm: { ints: [0, 2, 1, 3] } }), scale]);
    const kT = g.node('Transpose', [part(1, 'key')], { perm: { ints: [0, 2, 3, 1] } });
    const v = g.node('Transpose', [part(2, 'value')], { perm: { ints: [0, 2, 1, 3] } });
    const probabilities = g.node('Softmax', [g.node('Add', [g.node('MatMul', [q, kT]), mask])], { axis: { int: -1 } });
    const attended = g.node('Transpose', [g.node('MatMul', [probabilities, v])], { perm: { ints: [0, 2, 1, 3] } });
    const merged = g.node('Reshape', [attended, mergedShape]);
    x = g.node('Add', [x, w.linear(merged, w.weight(`${p}/attention/output/kernel`, block.attentionKernel), w.weight(`${p}/attention/output/bias`, block.attentionBias))]);
    const h2 = w.layerNorm(x, block.ln2Gain, block.ln2Bias, `${p}/ln2`);
    const up = w.gelu(w.linear(h2, w.weight(`${p}/mlp/up/kernel`, block.mlpKernel), w.weight(`${p}/mlp/up/bias`, block.mlpBias)));
    x = g.node('Add', [x, w.linear(up, w.weight(`${p}/mlp/down/kernel`, block.mlpOutKernel), w.weight(`${p}/mlp/down/bias`, block.mlpOutBias))]);
  });
  const final = w.layerNorm(x, weights.finalGain, weights.finalBias, 'final-ln');
  const tied = g.initializer('output/tied-embedding', transpose(weights.tokenEmbedding.dataSync() as Float32Array, config.vocabularySize, d), [
    d,
    config.vocabularySize,
  ]);
  g.node('MatMul', [final, tied], {}, GPT_ONNX_OUTPUT);

  const bytes = g.encode({
    graphName: 'gpt',
    inputs: [{ name: GPT_ONNX_INPUT, shape: ['batch', 'tokens'], elemType: 'int64' }],
    outputs: [{ name: GPT_ONNX_OUTPUT, shape: ['batch', 'tokens', config.vocabularySize] }],
    opset: GPT_ONNX_OPSET,
    irVersion: GPT_ONNX_IR_VERSION,
    producerName: 'counterweight-llm-reweighting',
    docString: `GPT language model (${config.layers} layers, width ${d}, ${heads} heads, context ${config.context}, vocabulary ${config.vocabularySize})`,
    metadata: { ...options.metadata, [GPT_ONNX_CONFIG_KEY]: JSON.stringify(config), [GPT_ONNX_FORMAT_KEY]: GPT_ONNX_FORMAT },
  });
  return { bytes, nodes: g.nodeCount };
}

/**
 * Exports a causal GPT to the ONNX file `path` ({@link buildGptOnnx}), written atomically (parents created).
 * @throws ConfigError for a bidirectional model; DataFileError / an fs error when the file cannot be written.
 */
export async function exportGptOnnx(model: GptModel, path: string, options: GptExportOptions = {}): Promise<GptExportResult> {
  const { bytes, nodes } = buildGptOnnx(model, options);
  const written = await writeOnnxModel(path, bytes);
  return { path: written.path, bytes: written.bytes, nodes, opset: GPT_ONNX_OPSET };
}
