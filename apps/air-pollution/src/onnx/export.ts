import { OnnxGraphBuilder, writeOnnxModel } from '@counterweight/runtime/onnx';
import type * as tf from '@tensorflow/tfjs-core';

import type { ForecastModel } from '../models/forecast-model.js';
import type { MlpTrunk } from '../models/mlp-trunk.js';
import type { TaskHead } from '../models/task-heads.js';
import type { TcnTrunk } from '../models/tcn-trunk.js';

/** ONNX operator set of exported forecasters (default domain). */
export const FORECAST_ONNX_OPSET = 13;
/** ONNX IR version that goes with opset 13 (ONNX 1.8). */
export const FORECAST_ONNX_IR_VERSION = 7;
/** Input: float32 windows `[N, history·features]`, each flattened row-major from `[history, features]` (normalised as in training). */
export const FORECAST_ONNX_INPUT = 'window';
/** Output: float32 forecasts `[N, weatherOutputs + pollutantOutputs]`, weather columns first (normalised targets). */
export const FORECAST_ONNX_OUTPUT = 'forecast';
/** Symbolic batch dimension of input and output. */
export const FORECAST_ONNX_BATCH_DIM = 'windows';
/** `metadata_props` key of the model's architecture config as JSON. */
export const FORECAST_ONNX_CONFIG_KEY = 'counterweight.air-pollution.model';
/** `metadata_props` key of the model's shape (history, features, weather and pollutant outputs) as JSON. */
export const FORECAST_ONNX_SHAPE_KEY = 'counterweight.air-pollution.shape';
/** `metadata_props` key of the input/output layout version. */
export const FORECAST_ONNX_FORMAT_KEY = 'counterweight.air-pollution.format';
/** Current value of {@link FORECAST_ONNX_FORMAT_KEY}. */
export const FORECAST_ONNX_FORMAT = '1';

/** Options of {@link buildForecastOnnx} / {@link exportForecastModel}. */
export interface ForecastExportOptions {
  /** Extra `metadata_props` (e.g. target names, scaling, objective); the config, shape and format keys are always written. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** An encoded forecaster graph. */
export interface ForecastOnnxModel {
  readonly bytes: Uint8Array;
  readonly nodes: number;
}

/** What {@link exportForecastModel} wrote. */
export interface ForecastExportResult {
  readonly path: string;
  readonly bytes: number;
  readonly nodes: number;
  readonly opset: number;
}

type Weights = ReadonlyMap<tf.Variable, Float32Array>;

/** tfjs causal-conv kernel `[k, C, H]` (tap-major) → ONNX `Conv` weight `[H, C, k]`. */
export function convKernelToOnnx(values: Float32Array, shape: readonly number[]): Float32Array {
  const [k = 0, c = 0, h = 0] = shape;
  const out = new Float32Array(values.length);
  for (let j = 0; j < k; j += 1) {
    for (let ci = 0; ci < c; ci += 1) {
      for (let hi = 0; hi < h; hi += 1) out[(hi * c + ci) * k + j] = values[(j * c + ci) * h + hi] as number;
    }
  }
  return out;
}

class ForecastGraphWriter {
  readonly graph = new OnnxGraphBuilder();

  constructor(private readonly weights: Weights) {}

  private values(variable: tf.Variable): Float32Array {
    const values = this.weights.get(variable);
    if (values === undefined) throw new Error(`export: no values read for variable ${variable.name}`);
    return values;
  }

  /** `x·W + b` as one `Gemm`, then `Relu` if asked. */
  dense(x: string, kernel: tf.Variable, bias: tf.Variable, name: string, relu: boolean, output?: string): string {
    const w = this.graph.initializer(`${name}/kernel`, this.values(kernel), kernel.shape);
    const b = this.graph.initializer(`${name}/bias`, this.values(bias), bias.shape);
    if (!relu) return this.graph.node('Gemm', [x, w, b], {}, output);
    return this.graph.node('Relu', [this.graph.node('Gemm', [x, w, b])], {}, output);
  }

  mlp(trunk: MlpTrunk, input: string): string {
    return trunk.layers.reduce((x, layer, i) => this.dense(x, layer.kernel, layer.bias, `trunk/dense${i}`, true), input);
  }

  /** `[N, T·F]` → `[N, F, T]` → causal `Conv` blocks (left padding `(k−1)·d`, dilation `d`) → last step `[N, H]`. */
  tcn(trunk: TcnTrunk, input: string): string {
    const shape = this.graph.int64Initializer('window/shape', [-1, trunk.history, trunk.features], [3]);
    const steps = this.graph.node('Reshape', [input, shape]);
    let x = this.graph.node('Transpose', [steps], { perm: { ints: [0, 2, 1] } });
    trunk.blocks.forEach((block, i) => {
      const k = trunk.kernelSize;
      const w = this.graph.initializer(`trunk/conv${i}/kernel`, convKernelToOnnx(this.values(block.kernel), block.kernel.shape), [
        block.outputChannels,
        block.inputChannels,
        k,
      ]);
      const b = this.graph.initializer(`trunk/conv${i}/bias`, this.values(block.bias), block.bias.shape);
      const conv = this.graph.node('Conv', [x, w, b], {
        kernel_shape: { ints: [k] },
        dilations: { ints: [block.dilation] },
        strides: { ints: [1] },
        pads: { ints: [(k - 1) * block.dilation, 0] },
      });
      const relu = this.graph.node('Relu', [conv]);
      x = block.residual ? this.graph.node('Add', [x, relu]) : relu;
    });
    const last = this.graph.int64Initializer('last_step', [trunk.history - 1], []);
    return this.graph.node('Gather', [x, last], { axis: { int: 2 } });
  }

  head(head: TaskHead, features: string, output?: string): string {
    const hidden = this.dense(features, head.hidden.kernel, head.hidden.bias, `${head.name}/hidden`, true);
    return this.dense(hidden, head.output.kernel, head.output.bias, `${head.name}/output`, false, output);
  }
}

/**
 * Encodes a forecaster as an ONNX graph (opset 13): input {@link FORECAST_ONNX_INPUT} `[N, history·features]`
 * float32, output {@link FORECAST_ONNX_OUTPUT} `[N, weatherOutputs + pollutantOutputs]` float32, weather columns first,
 * the same numbers as `model.predict` (up to float rounding). Dense layers are `Gemm` (+ `Relu`); the TCN's causal
 * blocks are 1-D `Conv` with left-only padding and dilation on `[N, features, history]`, its residual an `Add`, and
 * the last step a `Gather`. `metadata_props` hold the config, the shape and the layout version.
 */
export async function buildForecastOnnx(model: ForecastModel, options: ForecastExportOptions = {}): Promise<ForecastOnnxModel> {
  const weights = new Map<tf.Variable, Float32Array>();
  for (const { variable } of model.variables) weights.set(variable, (await variable.data()) as Float32Array);
  const writer = new ForecastGraphWriter(weights);
  const { trunk, weatherHead, pollutantHead, shape } = model;
  const features = trunk.kind === 'mlp' ? writer.mlp(trunk, FORECAST_ONNX_INPUT) : writer.tcn(trunk, FORECAST_ONNX_INPUT);
  if (weatherHead === undefined) {
    writer.head(pollutantHead, features, FORECAST_ONNX_OUTPUT);
  } else {
    const weather = writer.head(weatherHead, features);
    const pollutant = writer.head(pollutantHead, features);
    writer.graph.node('Concat', [weather, pollutant], { axis: { int: 1 } }, FORECAST_ONNX_OUTPUT);
  }
  const bytes = writer.graph.encode({
    graphName: `air-pollution-${model.config.kind}-forecaster`,
    inputs: [{ name: FORECAST_ONNX_INPUT, shape: [FORECAST_ONNX_BATCH_DIM, model.inputSize] }],
    outputs: [{ name: FORECAST_ONNX_OUTPUT, shape: [FORECAST_ONNX_BATCH_DIM, model.outputSize] }],
    opset: FORECAST_ONNX_OPSET,
    irVersion: FORECAST_ONNX_IR_VERSION,
    producerName: 'counterweight-air-pollution',
    docString: `Forecasts [N, ${model.outputSize}] (${shape.weatherOutputs} weather columns, then ${shape.pollutantOutputs} pollutant columns) from windows [N, ${shape.history}·${shape.features}] flattened row-major from [history, features].`,
    metadata: {
      ...options.metadata,
      [FORECAST_ONNX_CONFIG_KEY]: JSON.stringify(model.config),
      [FORECAST_ONNX_SHAPE_KEY]: JSON.stringify(shape),
      [FORECAST_ONNX_FORMAT_KEY]: FORECAST_ONNX_FORMAT,
    },
  });
  return { bytes, nodes: writer.graph.nodeCount };
}

/**
 * Writes a forecaster as an ONNX file (see {@link buildForecastOnnx}) atomically: to a temporary sibling, then renamed;
 * missing parent directories are created.
 */
export async function exportForecastModel(model: ForecastModel, path: string, options: ForecastExportOptions = {}): Promise<ForecastExportResult> {
  const { bytes, nodes } = await buildForecastOnnx(model, options);
  const written = await writeOnnxModel(path, bytes);
  return { path: written.path, bytes: written.bytes, nodes, opset: FORECAST_ONNX_OPSET };
}
