import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { initBackend } from '@counterweight/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { FeatureSpec } from '../data/auction-set.js';
import { createCtrModel } from '../models/index.js';
import { exportCtrModel } from '../onnx/index.js';
import { loadTestServer } from './load-test.js';
import { measureScoringThroughput } from './scoring-throughput.js';

/** Criteo-like width: 13 dense features, 26 hashed fields. */
const SPEC: FeatureSpec = {
  numericNames: Array.from({ length: 13 }, (_, i) => `i${i + 1}`),
  categoricalFields: Array.from({ length: 26 }, (_, i) => `c${i + 1}`),
  buckets: Array.from({ length: 26 }, (_, i) => 10 + 97 * i),
};

let dir: string;
beforeAll(async () => {
  await initBackend('wasm', { log: null });
  dir = await mkdtemp(join(tmpdir(), 'ctr-bench-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('measureScoringThroughput', () => {
  it.each(['logistic', 'fm', 'dnn'] as const)('reports candidates/s of tfjs and onnxruntime for a %s model on the same inputs', async (kind) => {
    const model = createCtrModel(SPEC, { kind }, 1);
    try {
      const started = performance.now();
      const result = await measureScoringThroughput({ model, candidates: 10_000, minSeconds: 0.1, repetitions: 3 });
      const elapsedMs = performance.now() - started;
      console.info(
        `scoring ${kind}, 10,000 candidates: tfjs (${result.tfjs.backend}) ${Math.round(result.tfjs.candidatesPerSecond)}/s, ` +
          `onnxruntime (1 thread) ${Math.round(result.onnxruntime.candidatesPerSecond)}/s, ×${result.speedup.toFixed(1)}`,
      );
      expect(result.tfjs.backend).toBe('wasm');
      for (const engine of [result.tfjs, result.onnxruntime]) {
        expect(engine.candidatesPerSecond).toBeGreaterThan(0);
        expect(engine.batchMilliseconds).toBeGreaterThan(0);
      }
      // Checked against a clock of its own: of 3 repetitions (at least one call each), 2 took at least the median
      // per-call time, for each engine, all inside this call.
      expect(2 * (result.tfjs.batchMilliseconds + result.onnxruntime.batchMilliseconds)).toBeLessThan(elapsedMs);
      expect(result.maxAbsLogitDifference).toBeLessThan(1e-4);
    } finally {
      model.dispose();
    }
  });
});

describe('loadTestServer', () => {
  it('drives POST /rank with 100 candidates per request and reports requests/s, latency percentiles and errors', async () => {
    const modelPath = join(dir, 'fm.onnx');
    const model = createCtrModel(SPEC, { kind: 'fm' }, 1);
    await exportCtrModel(model, SPEC, model.config, modelPath);
    model.dispose();
    const before = process.listenerCount('SIGINT');
    const result = await loadTestServer({ modelPath, candidatesPerRequest: 100, durationSeconds: 2, connections: 4 });
    console.info(
      `load test fm, 100 candidates/request, 4 connections, 2 s: ${Math.round(result.requestsPerSecond)} req/s ` +
        `(${Math.round(result.candidatesPerSecond)} candidates/s), p50 ${result.latencyP50Ms} ms, p99 ${result.latencyP99Ms} ms, ` +
        `errors ${result.errors}, non-2xx ${result.non2xx}`,
    );
    expect(result.requests).toBeGreaterThan(0);
    expect(result.requestsPerSecond).toBeGreaterThan(0);
    expect(result.latencyP99Ms).toBeGreaterThanOrEqual(result.latencyP50Ms);
    expect(result.errors).toBe(0);
    expect(result.non2xx).toBe(0);
    expect(process.listenerCount('SIGINT')).toBe(before);
  });
});
