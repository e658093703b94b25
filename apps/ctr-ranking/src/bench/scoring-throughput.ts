import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { medianCallMilliseconds } from '@counterweight/bench-kit';
import * as tf from '@tensorflow/tfjs-core';

import { ctrInputs, type CtrModel } from '../models/index.js';
import { exportCtrModel, loadCtrOnnx } from '../onnx/index.js';
import { randomCandidates } from './random-candidates.js';

/** Options of {@link measureScoringThroughput}. */
export interface ScoringThroughputOptions {
  /** The tfjs model; exported to a temporary ONNX file unless `onnxPath` is given. */
  readonly model: CtrModel;
  /** An export of the same model (default: exported for the measurement and deleted afterwards). */
  readonly onnxPath?: string;
  /** Candidates scored per call, as one batch (default 10,000). */
  readonly candidates?: number;
  /** onnxruntime's `intraOpNumThreads` (default 1; tfjs wasm computes on one thread in Node). */
  readonly intraOpNumThreads?: number;
  /** Each repetition runs calls for at least this long (default 0.5 s). */
  readonly minSeconds?: number;
  /** Repetitions; the median is reported (default 3). */
  readonly repetitions?: number;
  /** Seeds the random candidates (default 1). */
  readonly seed?: number;
}

/** One engine's scoring speed. */
export interface EngineThroughput {
  readonly engine: 'tfjs' | 'onnxruntime';
  /** The tfjs backend, or `cpu` for onnxruntime-node. */
  readonly backend: string;
  readonly threads: number;
  /** Median candidates per second. */
  readonly candidatesPerSecond: number;
  /** Median milliseconds per call (one batch of `candidates`). */
  readonly batchMilliseconds: number;
}

/** What {@link measureScoringThroughput} measured. */
export interface ScoringThroughput {
  readonly kind: CtrModel['config']['kind'];
  readonly candidates: number;
  readonly tfjs: EngineThroughput;
  readonly onnxruntime: EngineThroughput;
  /** onnxruntime candidates/s ÷ tfjs candidates/s. */
  readonly speedup: number;
  /** Largest |logit_onnx − logit_tfjs| on the measured inputs (a sanity check that both computed the same thing). */
  readonly maxAbsLogitDifference: number;
}

/**
 * Candidates per second of scoring `candidates` random candidates as one batch, in the same process on the same
 * inputs: tfjs (`model.predict` on the current backend, input tensors built from typed arrays and logits read back)
 * against onnxruntime-node (`CtrOnnxModel.score` of the model's ONNX export: feature checks, tensor creation,
 * `session.run`, output copy). Warm-up calls, then calls per repetition double until one takes `minSeconds`; the
 * median of `repetitions` is reported. The caller picks the tfjs backend (`initBackend`).
 */
export async function measureScoringThroughput(options: ScoringThroughputOptions): Promise<ScoringThroughput> {
  const { model } = options;
  const count = options.candidates ?? 10_000;
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`candidates must be a positive integer, got ${count}`);
  const threads = options.intraOpNumThreads ?? 1;
  const minSeconds = options.minSeconds ?? 0.5;
  const repetitions = options.repetitions ?? 3;
  const data = randomCandidates(model.spec, count, options.seed ?? 1);
  let tempDir: string | undefined;
  let onnxPath = options.onnxPath;
  if (onnxPath === undefined) {
    tempDir = await mkdtemp(join(tmpdir(), 'ctr-scoring-bench-'));
    onnxPath = join(tempDir, 'model.onnx');
    await exportCtrModel(model, model.spec, model.config, onnxPath);
  }
  const onnxModel = await loadCtrOnnx(onnxPath, { intraOpNumThreads: threads });
  try {
    let tfjsLogits: Float32Array = new Float32Array(0);
    const tfjsMs = await medianCallMilliseconds(
      async () => {
        const inputs = ctrInputs(model.spec, data.numeric, data.categorical, count);
        const logits = model.predict(inputs, { training: false });
        tfjsLogits = (await logits.data()) as Float32Array;
        tf.dispose([logits, inputs.numeric, inputs.categorical]);
      },
      minSeconds,
      repetitions,
    );
    let onnxLogits: Float32Array = new Float32Array(0);
    const onnxMs = await medianCallMilliseconds(
      async () => {
        onnxLogits = (await onnxModel.score(data.numeric, data.categorical, count)).logits;
      },
      minSeconds,
      repetitions,
    );
    let worst = 0;
    tfjsLogits.forEach((z, i) => (worst = Math.max(worst, Math.abs(z - (onnxLogits[i] as number)))));
    const tfjs: EngineThroughput = { engine: 'tfjs', backend: tf.getBackend(), threads: 1, candidatesPerSecond: (1000 * count) / tfjsMs, batchMilliseconds: tfjsMs };
    const onnxruntime: EngineThroughput = {
      engine: 'onnxruntime',
      backend: 'cpu',
      threads,
      candidatesPerSecond: (1000 * count) / onnxMs,
      batchMilliseconds: onnxMs,
    };
    return { kind: model.config.kind, candidates: count, tfjs, onnxruntime, speedup: tfjsMs / onnxMs, maxAbsLogitDifference: worst };
  } finally {
    await onnxModel.release();
    if (tempDir !== undefined) await rm(tempDir, { recursive: true, force: true });
  }
}
