// The app's results cannot change silently: the small configuration in __golden__/README.md gives, bit for bit on the
// wasm backend, the numbers recorded there (final evaluation, every estimate's losses, the sampled text).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { initBackend } from '@counterweight/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { NANOGPT_CPU_TRAINING, type LmSettings } from './settings.js';
import { compareStrategies, type LmComparison } from './compare.js';
import type { GeneratedSamples } from './run-one.js';
import type { LanguageModelLoss } from '../evaluation/index.js';

interface GoldenRun {
  readonly method: string;
  readonly repetition: number;
  readonly final: LanguageModelLoss;
  readonly trainLoss: readonly (number | null)[];
  readonly validationLoss: readonly number[];
  readonly samples: GeneratedSamples | null;
}
const golden = JSON.parse(await readFile(join(import.meta.dirname, '__golden__', 'small-compare.json'), 'utf8')) as { readonly runs: readonly GoldenRun[] };

/** The golden command's settings (the flags of __golden__/README.md, the rest at their CLI defaults). */
const SETTINGS: LmSettings = {
  corpus: { source: 'tinyshakespeare', field: 'text', tokenizer: 'char', bpeVocabulary: 512, trainFraction: 0.9 },
  model: { layers: 1, heads: 2, width: 32, context: 32 },
  training: { ...NANOGPT_CPU_TRAINING, steps: 20, evalEvery: 10, warmupSteps: 2, batchSize: 8, evalWindows: 16 },
  objectives: { temperature: null, reweightingWarmup: 10, ntlLambda: 0.3 },
  samples: { prompt: '\n', tokens: 20, temperature: 0.8 },
};

let dir: string;
let result: LmComparison;
beforeAll(async () => {
  await initBackend('wasm', { log: null });
  dir = await mkdtemp(join(tmpdir(), 'lm-golden-'));
  result = await compareStrategies({ settings: SETTINGS, methods: ['uniform', 'linupper', 'z-loss', 'md4'], seed: 1, seeds: 2, jobs: 1, out: join(dir, 'small'), quiet: true });
}, 300_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('llm-reweighting compare: the small golden configuration gives the recorded numbers', () => {
  it('has the same runs', () => {
    expect(result.runs.map((r) => `${r.method}/${r.repetition}`).sort()).toEqual(golden.runs.map((r) => `${r.method}/${r.repetition}`).sort());
  });

  it('every run has the identical final evaluation, estimates and samples', () => {
    for (const want of golden.runs) {
      const got = result.runs.find((r) => r.method === want.method && r.repetition === want.repetition)?.result;
      if (got === undefined) throw new Error(`no run ${want.method}/${want.repetition}`);
      expect(got.final, `${want.method}/${want.repetition}`).toEqual(want.final);
      expect(got.curve.map((p) => p.trainLoss)).toEqual(want.trainLoss);
      expect(got.curve.map((p) => p.validationLoss)).toEqual(want.validationLoss);
      expect(got.samples).toEqual(want.samples);
    }
  });
});
