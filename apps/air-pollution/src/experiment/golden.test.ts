// The app's results cannot change silently: the small configuration in __golden__/README.md gives, bit for bit on the
// wasm backend, the metrics recorded there (every headline metric of every run, and every epoch's losses).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { initBackend } from '@counterweight/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { compareObjectives, type AirComparison } from './compare.js';
import type { AirSettings } from './settings.js';

interface GoldenRun {
  readonly method: string;
  readonly repetition: number;
  readonly headline: Readonly<Record<string, number>>;
  readonly loss: readonly number[];
  readonly validationLoss: readonly number[];
}
const golden = JSON.parse(await readFile(join(import.meta.dirname, '__golden__', 'small-compare.json'), 'utf8')) as { readonly runs: readonly GoldenRun[] };

/** The golden command's settings (`--stride 24 --epochs 2 --hidden 16 --layers 1 --head-hidden 8`, the rest at their CLI defaults). */
const SETTINGS: AirSettings = {
  data: { source: 'sample', frequency: 'hourly', interpolateMaxGap: 0 },
  windows: { history: 24, horizons: [1, 6, 24], stride: 24 },
  model: { kind: 'mlp', hidden: 16, layers: 1, headHidden: 8, kernelSize: 3 },
  training: { epochs: 2, batchSize: 256, learningRate: 0.001, patience: 3 },
  extremes: { variable: 'PM2.5', thresholds: [75, 150] },
};

let dir: string;
let result: AirComparison;
beforeAll(async () => {
  await initBackend('wasm', { log: null });
  dir = await mkdtemp(join(tmpdir(), 'ap-golden-'));
  result = await compareObjectives({
    settings: SETTINGS,
    methods: ['persistence', 'mae', 'fmae', 'igb', 'lds', 'quantile'],
    seed: 1,
    seeds: 2,
    jobs: 1,
    out: join(dir, 'small'),
    quiet: true,
  });
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('air-pollution compare: the small golden configuration gives the recorded metrics', () => {
  it('has the same runs', () => {
    expect(result.runs.map((r) => `${r.method}/${r.repetition}`).sort()).toEqual(golden.runs.map((r) => `${r.method}/${r.repetition}`).sort());
  });

  it('every run has identical headline metrics and per-epoch losses', () => {
    for (const want of golden.runs) {
      const got = result.runs.find((r) => r.method === want.method && r.repetition === want.repetition)?.result;
      if (got?.kind !== 'forecast') throw new Error(`no forecast run ${want.method}/${want.repetition}`);
      expect(got.test.headline, `${want.method}/${want.repetition}`).toEqual(want.headline);
      expect(got.history.map((e) => e.loss)).toEqual(want.loss);
      expect(got.history.map((e) => e.validationLoss)).toEqual(want.validationLoss);
    }
  });
});
