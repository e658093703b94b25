import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Architecture } from '../models/options.js';
import { createModel } from '../models/vision-model.js';
import { exportOnnx } from '../onnx/export.js';
import { measureInference, type InferenceMeasurement } from '../onnx/inference-bench.js';

/** onnxruntime-node against tfjs at one architecture and batch size. */
export interface InferenceRatio {
  readonly arch: string;
  readonly batchSize: number;
  /** tfjs images/s (its backend computes on one thread). */
  readonly tfjs: number;
  /** The tfjs backend measured. */
  readonly tfjsBackend: string;
  /** onnxruntime images/s at its fastest thread count. */
  readonly onnxruntime: number;
  readonly onnxruntimeThreads: number;
  /** onnxruntime (fastest thread count) / tfjs images/s. */
  readonly ratio: number;
  /** onnxruntime with one thread / tfjs images/s: the same number of threads on both sides (absent if not measured). */
  readonly ratioOneThread?: number;
}

/**
 * Pairs the tfjs and onnxruntime figures of {@link measureInference} by architecture and batch size into ratios
 * onnxruntime / tfjs (images/s). Pairs lacking either engine are left out.
 */
export function inferenceRatios(measurements: readonly InferenceMeasurement[]): InferenceRatio[] {
  const ratios: InferenceRatio[] = [];
  for (const tfjs of measurements.filter((m) => m.engine === 'tfjs')) {
    const peers = measurements.filter((m) => m.engine === 'onnxruntime' && m.arch === tfjs.arch && m.batchSize === tfjs.batchSize);
    const best = peers.reduce<InferenceMeasurement | undefined>(
      (a, b) => (a === undefined || b.imagesPerSecond > a.imagesPerSecond ? b : a),
      undefined,
    );
    if (best === undefined) continue;
    const single = peers.find((m) => m.threads === 1);
    ratios.push({
      arch: tfjs.arch,
      batchSize: tfjs.batchSize,
      tfjs: tfjs.imagesPerSecond,
      tfjsBackend: tfjs.backend,
      onnxruntime: best.imagesPerSecond,
      onnxruntimeThreads: best.threads,
      ratio: best.imagesPerSecond / tfjs.imagesPerSecond,
      ...(single === undefined ? {} : { ratioOneThread: single.imagesPerSecond / tfjs.imagesPerSecond }),
    });
  }
  return ratios;
}

/** Options of {@link compareInference}. */
export interface CompareInferenceOptions {
  readonly batchSizes: readonly number[];
  /** onnxruntime intra-op thread counts. */
  readonly threads: readonly number[];
  /** Each repetition runs batches for at least this long. */
  readonly minSeconds: number;
  readonly repetitions: number;
}

/**
 * Inference images/s of a freshly initialised Fashion-MNIST model (`[28, 28, 1]`, 10 classes, linear head) of `arch`
 * in tfjs on the current backend and, exported with `exportOnnx` to a temporary file, in onnxruntime-node: see
 * {@link measureInference}. The temporary file and the model are removed afterwards.
 */
export async function compareInference(arch: Architecture, options: CompareInferenceOptions): Promise<InferenceMeasurement[]> {
  const dir = await mkdtemp(join(tmpdir(), 'cw-iv-bench-'));
  const model = createModel({ arch, head: 'linear', inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
  try {
    const onnxPath = join(dir, `${arch}.onnx`);
    await exportOnnx(model, onnxPath);
    return await measureInference({ model, onnxPath, ...options });
  } finally {
    model.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}
