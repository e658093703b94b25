import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { runSourceCli } from '@counterweight/experiment/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { writeTinyStationCsv } from './test-support/tiny-station-csv.js';

const BENCH = resolve(import.meta.dirname, 'cli.ts');
const OPTIONS = '(options: --data, --formats, --backends, --models, --steps, --repetitions, --threads, --torch-python, --no-torch, --quick, --out)';

let dir: string;
let files: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'air-pollution-bench-cli-'));
  const a = join(dir, 'PRSA_Data_A_tiny.csv');
  const b = join(dir, 'PRSA_Data_B_tiny.csv.gz');
  await writeTinyStationCsv(a, 'A', 480);
  await writeTinyStationCsv(b, 'B', 480);
  files = `${a},${b}`;
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('air-pollution bench CLI', () => {
  it('runs tiny (--quick, two tiny station files, wasm, MLP) and writes the JSON: data per format, training, peer unavailable with its reason', async () => {
    const out = join(dir, 'bench.json');
    const absent = join(dir, 'no-such-python');
    const run = await runSourceCli(BENCH, ['--quick', '--data', files, '--backends', 'wasm', '--models', 'mlp', '--torch-python', absent, '--out', out]);
    expect(run.stderr).toContain(`wrote ${out}`);
    expect(run.code).toBe(0);
    const json = JSON.parse(await readFile(out, 'utf8')) as Record<string, unknown>;
    expect(json['benchmark']).toBe('air-pollution');
    expect(json['quick']).toBe(true);
    const machine = json['machine'] as Record<string, unknown>;
    expect(typeof machine['cpu']).toBe('string');
    expect(machine['loadAverageAtStart']).toHaveLength(3);
    expect(machine['loadAverageAtEnd']).toHaveLength(3);
    const data = json['data'] as { files: number; results: Record<string, unknown>[]; ratios: Record<string, number> };
    expect(data.files).toBe(2);
    expect(data.results.map((r) => r['format'])).toEqual(['csv', 'parquet', 'arrow']);
    const windows = data.results[0]?.['windows'];
    for (const r of data.results) {
      expect(r['error']).toBeUndefined();
      expect(r['backend']).toBe('wasm');
      expect(r['stations']).toBe(2);
      expect(r['windows']).toBe(windows);
      expect(r['windowsPerSec']).toBeGreaterThan(0);
      expect(Object.keys(r['seconds'] as object)).toEqual(['load', 'windows', 'batches', 'total']);
    }
    expect(Object.keys(data.ratios)).toEqual(['parquet/csv', 'arrow/csv']);
    const training = json['training'] as Record<string, unknown>[];
    expect(training).toHaveLength(1);
    expect(training[0]).toMatchObject({ stage: 'training', model: 'mlp', objective: 'mae', backend: 'wasm', threads: 1, batchSize: 256, stepsPerRepetition: 2, repetitions: 1 });
    expect(training[0]?.['samplesPerSec']).toBeGreaterThan(0);
    const peer = json['peer'] as Record<string, unknown>;
    expect(peer['status']).toBe('unavailable');
    expect(String(peer['reason'])).toContain(absent);
    expect(json['comparisons']).toEqual([]);
    expect(json['headline']).toEqual({ 'tfjs-wasm/torch-1t': null, reason: `peer unavailable: ${String(peer['reason'])}` });
    expect(json['settings']).toMatchObject({ batchSize: 256, history: 48, horizons: [1, 6, 24], features: 19, outputs: { weather: 15, pollutant: 18 }, torchThreads: [1, 2] });
    // Every record was also printed as a JSON line.
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l['stage'])).toEqual(['data', 'data', 'data', 'training', 'peer']);
  }, 180_000);

  it('prints a bad flag as one line naming it and the options, and exits 1', async () => {
    const unknown = await runSourceCli(BENCH, ['--bogus']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(`air-pollution bench: Unknown option '--bogus' ${OPTIONS}\n`);
    const value = await runSourceCli(BENCH, ['--models', 'lstm']);
    expect(value.code).toBe(1);
    expect(value.stderr).toMatch(/^air-pollution bench: --models: unknown or empty value "lstm"; .* \(options: /);
    const steps = await runSourceCli(BENCH, ['--steps', '0']);
    expect(steps.stderr).toBe(`air-pollution bench: --steps: must be a positive integer, got "0" ${OPTIONS}\n`);
  }, 60_000);
});
