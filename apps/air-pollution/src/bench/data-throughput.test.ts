import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ConfigError, initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadStationData, makeWindows } from '../data/index.js';
import { measureDataThroughput } from './data-throughput.js';
import { writeTableCopies } from './table-copies.js';
import { writeTinyStationCsv } from './test-support/tiny-station-csv.js';

let dir: string;
let csv: string[];
beforeAll(async () => {
  await initBackend('wasm', { log: null });
  dir = await mkdtemp(join(tmpdir(), 'air-pollution-data-bench-'));
  csv = [join(dir, 'PRSA_Data_A_tiny.csv'), join(dir, 'PRSA_Data_B_tiny.csv')];
  await writeTinyStationCsv(csv[0] as string, 'A', 240);
  await writeTinyStationCsv(csv[1] as string, 'B', 240);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('measureDataThroughput', () => {
  it('batches every window of every split, the same count from CSV, Parquet and Arrow, and leaks nothing', async () => {
    const expected = makeWindows(await loadStationData({ source: csv, threads: 1 }), { history: 6, horizons: [1, 3] });
    const windows = expected.train.count + expected.validation.count + expected.test.count;
    expect(windows).toBeGreaterThan(300);
    const copies = await writeTableCopies(csv, dir);
    for (const files of [copies.files.csv, copies.files.parquet, copies.files.arrow]) {
      const before = tf.memory().numTensors;
      const m = await measureDataThroughput({ files, history: 6, horizons: [1, 3], batchSize: 32, repetitions: 2, warmupPasses: 1, threads: 1, seed: 1 });
      expect(tf.memory().numTensors).toBe(before);
      expect(m.windows).toBe(windows);
      expect(m.stations).toBe(2);
      expect(m.steps).toBe(240);
      expect(m.repetitions).toBe(2);
      const { load, windows: cut, batches, total } = m.seconds;
      for (const s of [load, cut, batches]) expect(s).toBeGreaterThan(0);
      // Medians of the stages need not add up to the median total, but none exceeds the slowest total.
      expect(Math.max(load, cut, batches)).toBeLessThanOrEqual(total * (1 + m.spread) + 1e-9);
      expect(m.windowsPerSec).toBeGreaterThan(0);
      expect(m.windowsPerSec * total).toBeGreaterThan(windows * 0.5);
    }
  }, 60_000);

  it('names the option of a bad repetition count, batch size, warm-up count or empty file list', async () => {
    const base = { files: csv, history: 6, horizons: [1], batchSize: 8, repetitions: 1, seed: 1 };
    await expect(measureDataThroughput({ ...base, repetitions: 0 })).rejects.toThrow(/^repetitions: /);
    await expect(measureDataThroughput({ ...base, batchSize: 1.5 })).rejects.toThrow(/^batchSize: /);
    await expect(measureDataThroughput({ ...base, files: [] })).rejects.toThrow(ConfigError);
    await expect(measureDataThroughput({ ...base, warmupPasses: -1 })).rejects.toThrow(/^warmupPasses: /);
  });
});
