import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { initBackend } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { createModel } from '../models/vision-model.js';
import { exportOnnx } from './export.js';
import { measureInference } from './inference-bench.js';

describe('measureInference', () => {
  it('reports finite images/s for tfjs and for onnxruntime at each batch size and thread count', async () => {
    await initBackend('wasm', { log: null });
    const dir = await mkdtemp(join(tmpdir(), 'iv-inference-bench-'));
    const model = createModel({ arch: 'cnn', head: 'linear', inputShape: [12, 12, 1], numClasses: 3, seed: 1 });
    try {
      const onnxPath = join(dir, 'cnn.onnx');
      await exportOnnx(model, onnxPath);
      const results = await measureInference({ model, onnxPath, batchSizes: [1, 4], threads: [1, 2], minSeconds: 0.001, repetitions: 1 });
      expect(results.map((r) => [r.engine, r.backend, r.threads, r.batchSize])).toEqual([
        ['tfjs', 'wasm', 1, 1],
        ['onnxruntime', 'cpu', 1, 1],
        ['onnxruntime', 'cpu', 2, 1],
        ['tfjs', 'wasm', 1, 4],
        ['onnxruntime', 'cpu', 1, 4],
        ['onnxruntime', 'cpu', 2, 4],
      ]);
      for (const r of results) {
        expect(r.imagesPerSecond).toBeGreaterThan(0);
        expect(r.imagesPerSecond).toBeCloseTo((1000 * r.batchSize) / r.batchMilliseconds, 6);
      }
    } finally {
      model.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
