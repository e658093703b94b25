import { medianCallMilliseconds } from '@counterweight/bench-kit';
import { SeededRandom } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import type { VisionModel } from '../models/vision-model.js';
import { OnnxClassifier } from './predict.js';

/** One inference throughput figure. */
export interface InferenceMeasurement {
  readonly arch: string;
  readonly head: string;
  /** `tfjs` (the model's `logits()` plus reading the values back) or `onnxruntime` (`session.run` on the export). */
  readonly engine: 'tfjs' | 'onnxruntime';
  /** The tfjs backend, or `cpu` for onnxruntime-node. */
  readonly backend: string;
  /** onnxruntime's `intraOpNumThreads`; 1 for tfjs (wasm computes on one thread in Node). */
  readonly threads: number;
  readonly batchSize: number;
  /** Median over repetitions. */
  readonly imagesPerSecond: number;
  /** Median time of one batch, milliseconds. */
  readonly batchMilliseconds: number;
}

/** Options of {@link measureInference}. */
export interface MeasureInferenceOptions {
  readonly model: VisionModel;
  /** The model exported with `exportOnnx`. */
  readonly onnxPath: string;
  /** Default `[1, 256]`. */
  readonly batchSizes?: readonly number[];
  /** onnxruntime intra-op thread counts to measure (default `[1, 2]`). */
  readonly threads?: readonly number[];
  /** Each repetition runs batches for at least this long (default 0.25 s). */
  readonly minSeconds?: number;
  /** Repetitions; the median is reported (default 5). */
  readonly repetitions?: number;
}

/**
 * Inference images/s of a model in tfjs (current backend, `model.logits` + `data()`) and of its ONNX export in
 * onnxruntime-node (graph optimisation `all`, each thread count), per batch size, on random normal images. Warm-up
 * calls, then the number of calls per repetition is doubled until it takes `minSeconds`, and the median of
 * `repetitions` is reported. Runs sequentially; the caller picks the tfjs backend (`initBackend`).
 */
export async function measureInference(options: MeasureInferenceOptions): Promise<InferenceMeasurement[]> {
  const { model } = options;
  const [h, w, c] = model.options.inputShape;
  const batchSizes = options.batchSizes ?? [1, 256];
  const minSeconds = options.minSeconds ?? 0.25;
  const repetitions = options.repetitions ?? 5;
  const random = SeededRandom.fromSeed(model.options.seed, 'inference-bench');
  const base = { arch: model.options.arch, head: model.options.head };
  const results: InferenceMeasurement[] = [];
  const record = (engine: InferenceMeasurement['engine'], backend: string, threads: number, batchSize: number, ms: number) =>
    results.push({ ...base, engine, backend, threads, batchSize, imagesPerSecond: (1000 * batchSize) / ms, batchMilliseconds: ms });
  for (const batchSize of batchSizes) {
    const images = random.normalArray(batchSize * h * w * c);
    const input = tf.tensor4d(images, [batchSize, h, w, c]);
    try {
      const ms = await medianCallMilliseconds(
        async () => {
          const logits = model.logits(input);
          await logits.data();
          logits.dispose();
        },
        minSeconds,
        repetitions,
      );
      record('tfjs', tf.getBackend(), 1, batchSize, ms);
    } finally {
      input.dispose();
    }
    for (const threads of options.threads ?? [1, 2]) {
      const classifier = await OnnxClassifier.load(options.onnxPath, { intraOpNumThreads: threads });
      try {
        const ms = await medianCallMilliseconds(
          async () => {
            await classifier.run(images, [batchSize, h, w, c]);
          },
          minSeconds,
          repetitions,
        );
        record('onnxruntime', 'cpu', threads, batchSize, ms);
      } finally {
        await classifier.release();
      }
    }
  }
  return results;
}
