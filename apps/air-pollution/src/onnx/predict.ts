import { statSync } from 'node:fs';

import { OnnxModelError, createOnnxSession } from '@counterweight/runtime/onnx';
import * as ort from 'onnxruntime-node';

import { FORECAST_ONNX_INPUT, FORECAST_ONNX_OUTPUT } from './export.js';

/** Options of {@link OnnxForecaster.load}. */
export interface OnnxForecasterOptions {
  /** Threads of one operator (onnxruntime's `intraOpNumThreads`; default 1). */
  readonly intraOpNumThreads?: number;
}

/** Options of {@link OnnxForecaster.predict}. */
export interface OnnxForecastOptions {
  /** Windows per `session.run` (default 1024). */
  readonly batchSize?: number;
}

function staticDim(metadata: ort.InferenceSession.ValueMetadata | undefined, axis: number): number | undefined {
  if (metadata === undefined || !metadata.isTensor) return undefined;
  const d = metadata.shape[axis];
  return typeof d === 'number' && d > 0 ? d : undefined;
}

/**
 * A forecaster exported by `exportForecastModel`, run by onnxruntime-node on the CPU (graph optimisation `all`,
 * sequential, one inter-op thread). Input: windows flattened row-major from `[history, features]`, float32, normalised
 * as in training; output: row-major `[N, outputs]` (weather columns first), in the normalised target units.
 */
export class OnnxForecaster {
  private constructor(
    /** The model file. */
    readonly path: string,
    private readonly session: ort.InferenceSession,
    /** `history·features`: values per window. */
    readonly inputSize: number,
    /** Columns of the forecast. */
    readonly outputSize: number,
    /** The model's `metadata_props` (config, shape, format, and whatever the exporter added). */
    readonly metadata: Readonly<Record<string, string>>,
  ) {}

  /**
   * Loads and checks an exported forecaster.
   * @throws OnnxModelError naming the path when the file is missing, a folder, unreadable or not a valid ONNX model, or it lacks
   *   a float32 input `window` `[N, size]` or an output `forecast` `[N, outputs]` with static sizes.
   */
  static async load(path: string, options: OnnxForecasterOptions = {}): Promise<OnnxForecaster> {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat === undefined) throw new OnnxModelError(path, 'file not found; give a model written by `air-pollution export`');
    if (stat.isDirectory()) throw new OnnxModelError(path, 'is a folder, not an ONNX model file; give a model written by `air-pollution export`');
    const { session, metadata } = await createOnnxSession(path, options.intraOpNumThreads === undefined ? {} : { intraOpNumThreads: options.intraOpNumThreads });
    try {
      const input = session.inputMetadata.find((m) => m.name === FORECAST_ONNX_INPUT);
      const output = session.outputMetadata.find((m) => m.name === FORECAST_ONNX_OUTPUT);
      if (input === undefined || !input.isTensor || input.type !== 'float32' || input.shape.length !== 2) {
        throw new OnnxModelError(path, `needs a 2-D float32 input "${FORECAST_ONNX_INPUT}" (inputs: ${session.inputNames.join(', ')})`);
      }
      if (output === undefined || !output.isTensor || output.shape.length !== 2) {
        throw new OnnxModelError(path, `needs a 2-D output "${FORECAST_ONNX_OUTPUT}" (outputs: ${session.outputNames.join(', ')})`);
      }
      const inputSize = staticDim(input, 1);
      const outputSize = staticDim(output, 1);
      if (inputSize === undefined || outputSize === undefined) {
        throw new OnnxModelError(path, `"${FORECAST_ONNX_INPUT}" and "${FORECAST_ONNX_OUTPUT}" must have a static second dimension`);
      }
      return new OnnxForecaster(path, session, inputSize, outputSize, metadata);
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  /** Forecasts of `rows` windows (`windows.length = rows·inputSize`) in one `session.run`. */
  private async run(windows: Float32Array, rows: number): Promise<Float32Array> {
    const tensor = new ort.Tensor('float32', windows, [rows, this.inputSize]);
    let output: ort.Tensor | undefined;
    try {
      const results = await this.session.run({ [FORECAST_ONNX_INPUT]: tensor });
      output = results[FORECAST_ONNX_OUTPUT];
      if (output === undefined || output.type !== 'float32' || output.dims[0] !== rows || output.dims[1] !== this.outputSize) {
        throw new OnnxModelError(this.path, `output "${FORECAST_ONNX_OUTPUT}" is missing or not float32 [${rows}, ${this.outputSize}]`);
      }
      return (output.data as Float32Array).slice();
    } catch (error) {
      if (error instanceof OnnxModelError) throw error;
      throw new OnnxModelError(this.path, `inference failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    } finally {
      tensor.dispose();
      output?.dispose();
    }
  }

  /**
   * Forecasts `[N, outputSize]` (row-major) of `N = windows.length / inputSize` windows, run in batches of `batchSize`.
   * @throws OnnxModelError naming the path when `windows` is not a whole number of windows, `batchSize` is not a
   *   positive integer, or a run fails.
   */
  async predict(windows: Float32Array, options: OnnxForecastOptions = {}): Promise<Float32Array> {
    const count = windows.length / this.inputSize;
    if (!Number.isInteger(count)) {
      throw new OnnxModelError(this.path, `${windows.length} values are not a whole number of windows of ${this.inputSize} values`);
    }
    const batchSize = options.batchSize ?? 1024;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new OnnxModelError(this.path, `batchSize must be a positive integer, got ${String(batchSize)}`);
    }
    const out = new Float32Array(count * this.outputSize);
    for (let start = 0; start < count; start += batchSize) {
      const rows = Math.min(batchSize, count - start);
      out.set(await this.run(windows.subarray(start * this.inputSize, (start + rows) * this.inputSize), rows), start * this.outputSize);
    }
    return out;
  }

  /** Releases the onnxruntime session. */
  async release(): Promise<void> {
    await this.session.release();
  }
}

/** Loads an exported forecaster, forecasts `windows` (see {@link OnnxForecaster.predict}) and releases it. */
export async function predictOnnx(path: string, windows: Float32Array, options: OnnxForecasterOptions & OnnxForecastOptions = {}): Promise<Float32Array> {
  const forecaster = await OnnxForecaster.load(path, options);
  try {
    return await forecaster.predict(windows, options);
  } finally {
    await forecaster.release();
  }
}
