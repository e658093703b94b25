import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { initBackend } from '@counterweight/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createGpt } from '../models/gpt.js';
import { measureGeneration } from './generation-speed.js';
import { exportGptOnnx } from './gpt-onnx-export.js';
import { OnnxLanguageModel } from './onnx-language-model.js';

let dir: string;
beforeAll(async () => {
  await initBackend('wasm', { log: null });
  dir = await mkdtemp(join(tmpdir(), 'llm-speed-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('measureGeneration', () => {
  it('reports positive tokens per second of the median of the timed runs, for tfjs and onnxruntime', async () => {
    const gpt = createGpt({ vocabularySize: 20, layers: 1, heads: 2, width: 8, context: 8, causal: true }, 1);
    const path = join(dir, 'speed.onnx');
    await exportGptOnnx(gpt, path);
    const lm = await OnnxLanguageModel.load(path);
    try {
      const speeds = await measureGeneration(gpt, lm, { promptIds: [1, 2], maxNewTokens: 4, runs: 3 });
      expect(speeds.newTokens).toBe(4);
      for (const speed of [speeds.tfjs, speeds.onnxruntime]) {
        expect(speed?.seconds).toHaveLength(3);
        const sorted = [...(speed?.seconds ?? [])].sort((a, b) => a - b);
        expect(speed?.tokensPerSecond).toBeCloseTo(4 / (sorted[1] ?? Number.NaN), 6);
        expect(speed?.tokensPerSecond).toBeGreaterThan(0);
      }
      const tfjsOnly = await measureGeneration(gpt, undefined, { promptIds: [1], maxNewTokens: 2, runs: 1 });
      expect(tfjsOnly.onnxruntime).toBeUndefined();
      expect(tfjsOnly.tfjs.seconds).toHaveLength(1);
      await expect(measureGeneration(gpt, lm, { promptIds: [1], maxNewTokens: 2, runs: 0 })).rejects.toThrow('runs: must be a positive integer, got 0');
      await expect(measureGeneration(gpt, lm, { promptIds: [1], maxNewTokens: 0 })).rejects.toThrow('maxNewTokens: must be a positive integer, got 0');
    } finally {
      await lm.release();
      gpt.dispose();
    }
  });
});
