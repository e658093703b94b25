import { describe, expect, it } from 'vitest';

import type { InferenceMeasurement } from '../onnx/inference-bench.js';
import { inferenceRatios } from './inference-comparison.js';

function measurement(
  engine: InferenceMeasurement['engine'],
  threads: number,
  batchSize: number,
  imagesPerSecond: number,
): InferenceMeasurement {
  return {
    arch: 'cnn',
    head: 'linear',
    engine,
    backend: engine === 'tfjs' ? 'wasm' : 'cpu',
    threads,
    batchSize,
    imagesPerSecond,
    batchMilliseconds: (1000 * batchSize) / imagesPerSecond,
  };
}

describe('inferenceRatios', () => {
  it('divides the fastest onnxruntime thread count by tfjs per batch size, and gives the one-thread ratio', () => {
    const ratios = inferenceRatios([
      measurement('tfjs', 1, 1, 100),
      measurement('onnxruntime', 1, 1, 400),
      measurement('onnxruntime', 2, 1, 300),
      measurement('tfjs', 1, 256, 1000),
      measurement('onnxruntime', 1, 256, 2000),
      measurement('onnxruntime', 2, 256, 3000),
    ]);
    expect(ratios).toEqual([
      { arch: 'cnn', batchSize: 1, tfjs: 100, tfjsBackend: 'wasm', onnxruntime: 400, onnxruntimeThreads: 1, ratio: 4, ratioOneThread: 4 },
      { arch: 'cnn', batchSize: 256, tfjs: 1000, tfjsBackend: 'wasm', onnxruntime: 3000, onnxruntimeThreads: 2, ratio: 3, ratioOneThread: 2 },
    ]);
  });

  it('leaves out a batch size that lacks an onnxruntime figure', () => {
    expect(inferenceRatios([measurement('tfjs', 1, 1, 100), measurement('onnxruntime', 2, 4, 10)])).toEqual([]);
  });
});
