import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { removeTempDirs, tempDir } from '../data/test-support/temp.js';
import { languageModelLoss } from '../evaluation/index.js';
import { generateTokens, loadGpt } from '../models/index.js';
import { prepareData, type LmData } from './prepare-data.js';
import { runLanguageModel } from './run-one.js';
import type { LmSettings } from './settings.js';

// "A long training run's tensor count and resident memory stay flat": the app's GPT (tiny) trained for many steps on
// the embedded TinyShakespeare through the path `compare` takes (runLanguageModel → trainLanguageModel → runtime's
// train(), linupper reweighting on from step 0, a validation estimate and a checkpoint every interval), then a long
// evaluation and generation loop on the trained model. tf.memory().numTensors and process.memoryUsage().rss are
// sampled between intervals (outside any tf.tidy, after a full garbage collection).

const STEPS = 300;
const EVERY = 10;
/** Samples before the warm-up is over (optimiser slots, kernels and the wasm heap are created in the first intervals). */
const WARM_UP = 3;
/**
 * Most the mean resident memory of the last quarter of the samples may exceed the first quarter's (and the growth the
 * fitted slope predicts over the steady part). A leak of what one step allocates — the activations of 8 windows of 32
 * tokens at width 32 through one block, ≥ 0.5 MB — would add ≥ 100 MB over the ~200 steps between the quarters'
 * centres. Measured here: 3–15 MB, all of it outside the V8 heap and the wasm heap, which stay flat (checked below):
 * native memory the process settles into in its first few hundred steps (compiled code, allocator arenas) — the same
 * training run outside vitest for 600 steps held 202–206 MB from step 100 on. 32 MB leaves room for that while
 * staying far below a per-step leak.
 */
const RSS_MARGIN = 32 * 2 ** 20;
/** Most the V8 heap in use may grow over the steady part: the curve and weight samples a run keeps grow by a few KB. */
const HEAP_MARGIN = 4 * 2 ** 20;

const settings: LmSettings = {
  corpus: { source: 'tinyshakespeare', tokenizer: 'char', bpeVocabulary: 512, trainFraction: 0.9 },
  model: { layers: 1, heads: 2, width: 32, context: 32 },
  training: { steps: STEPS, evalEvery: EVERY, batchSize: 8, evalWindows: 16, learningRate: 1e-3, minLearningRate: 1e-4, warmupSteps: 10, weightDecay: 0.1, beta1: 0.9, beta2: 0.99, clip: 1 },
  objectives: { temperature: null, reweightingWarmup: 0, ntlLambda: 0.3 },
  samples: { prompt: '\n', tokens: 0, temperature: 0.8 },
};

interface Sample {
  readonly at: number;
  readonly tensors: number;
  readonly rss: number;
  /** V8's heap in use and the size of the wasm backend's heap (its WebAssembly.Memory), for the report. */
  readonly heap: number;
  readonly wasm: number;
}

/** Bytes of the tfjs wasm backend's heap (grown by its allocator, never shrunk). */
function wasmHeapBytes(): number {
  return (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm?.HEAPU8?.length ?? 0;
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function sample(at: number): Sample {
  gc();
  const usage = process.memoryUsage();
  return { at, tensors: tf.memory().numTensors, rss: usage.rss, heap: usage.heapUsed, wasm: wasmHeapBytes() };
}

/** Least-squares slope of rss against `at` (bytes per unit of `at`). */
function slope(samples: readonly Sample[]): number {
  const n = samples.length;
  const mx = samples.reduce((s, p) => s + p.at, 0) / n;
  const my = samples.reduce((s, p) => s + p.rss, 0) / n;
  const sxy = samples.reduce((s, p) => s + (p.at - mx) * (p.rss - my), 0);
  const sxx = samples.reduce((s, p) => s + (p.at - mx) ** 2, 0);
  return sxy / sxx;
}

const mean = (values: readonly number[]): number => values.reduce((s, v) => s + v, 0) / values.length;
const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;

/** The checks of a sampled loop after warm-up; returns the figures for the report. */
function checkFlat(name: string, samples: readonly Sample[], unit: string): void {
  const steady = samples.slice(WARM_UP);
  const quarter = Math.max(1, Math.floor(steady.length / 4));
  const first = mean(steady.slice(0, quarter).map((s) => s.rss));
  const last = mean(steady.slice(-quarter).map((s) => s.rss));
  const perUnit = slope(steady);
  console.log(
    `${name}: ${samples.length} samples; tensors ${samples.map((s) => s.tensors).join(',').replace(/(\d+)(,\1)+/g, '$1×…')} ` +
      `(steady ${steady[0]?.tensors}); rss start ${mb(samples[0]?.rss ?? 0)}, after warm-up ${mb(steady[0]?.rss ?? 0)}, end ${mb(samples.at(-1)?.rss ?? 0)}; ` +
      `first/last quarter ${mb(first)} / ${mb(last)}; slope ${(perUnit / 1024).toFixed(2)} KB per ${unit}; ` +
      `V8 heap ${mb(steady[0]?.heap ?? 0)} → ${mb(samples.at(-1)?.heap ?? 0)}, wasm heap ${mb(steady[0]?.wasm ?? 0)} → ${mb(samples.at(-1)?.wasm ?? 0)}`,
  );
  expect(new Set(steady.map((s) => s.tensors)).size, `${name}: tensor count after warm-up`).toBe(1);
  expect(last - first, `${name}: resident memory growth between the first and last quarter`).toBeLessThan(RSS_MARGIN);
  expect(new Set(steady.map((s) => s.wasm)).size, `${name}: wasm heap size after warm-up`).toBe(1);
  expect((steady.at(-1)?.heap ?? 0) - (steady[0]?.heap ?? 0), `${name}: V8 heap growth`).toBeLessThan(HEAP_MARGIN);
  const span = (steady.at(-1)?.at ?? 0) - (steady[0]?.at ?? 0);
  expect(perUnit * span, `${name}: growth the fitted slope predicts over the steady part`).toBeLessThan(RSS_MARGIN);
}

let dir: string;
let data: LmData;
beforeAll(async () => {
  await initBackend('wasm', { log: null });
  dir = await tempDir('long-run');
  data = await prepareData(settings);
});
afterAll(removeTempDirs);

describe('a long run stays flat', () => {
  it(`trains ${STEPS} reweighted steps with a constant tensor count and resident memory, then evaluates and generates the same way`, async () => {
    const training: Sample[] = [sample(0)];
    const task = { method: 'linupper', options: { objective: 'linupper' }, repetition: 0, seed: 7, settings, dir };
    const before = tf.memory().numTensors;
    const result = await runLanguageModel(task, data, (progress) => training.push(sample(progress.epoch * EVERY)));
    expect(result.curve).toHaveLength(STEPS / EVERY + 1);
    expect(result.weights.length).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
    checkFlat('training', training, 'step');

    const gpt = await loadGpt(join(dir, 'model'));
    try {
      const prompt = data.tokenizer.encode('ROMEO:\n');
      const loop: Sample[] = [];
      for (let i = 0; i < 30; i += 1) {
        languageModelLoss(gpt.model, data.validation, { context: settings.model.context, batchSize: 8, unitsPerToken: data.unitsPerToken });
        generateTokens(gpt, prompt, { maxNewTokens: 8, temperature: 0.8, seed: i });
        loop.push(sample(i));
      }
      checkFlat('evaluation and generation', loop, 'iteration');
    } finally {
      gpt.dispose();
    }
  });
});
