import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import type { RunRecord } from '@counterweight/experiment';
import { runSourceCli, type CliRun } from '@counterweight/experiment/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { removeTempDirs, tempDir, writeLines } from './data/test-support/temp.js';
import type { AirRunResult } from './experiment/run-one.js';
import type { AirMethodOptions } from './experiment/settings.js';

const CLI = resolve(import.meta.dirname, 'cli.ts');
const air = (...args: string[]): Promise<CliRun> => runSourceCli(CLI, args);

let root: string;
beforeAll(async () => {
  root = await tempDir('cli');
});
afterAll(removeTempDirs);

const SMALL = ['--stride', '24', '--epochs', '2', '--hidden', '16', '--layers', '1', '--head-hidden', '8', '--seeds', '2', '--jobs', '1'];

describe('air-pollution CLI on the embedded Beijing sample (real data, three stations)', () => {
  it('compares baselines, objectives and the ordinal forecast; reuses every run; exports a run; predicts from a table', async () => {
    const out = join(root, 'sample');
    const args = ['compare', '--data', 'sample', ...SMALL, '--methods', 'persistence,mae,fmae,igb,quantile,ordinal-aqi', '--out', out];
    const compare = await air(...args);
    expect(compare.stderr).toMatch(/^backend: wasm/m);
    expect(compare.code).toBe(0);
    for (const name of ['persistence', 'mae', 'fmae', 'igb', 'quantile']) {
      expect(compare.stdout).toMatch(new RegExp(`^${name} +MAE PM2.5 \\d+\\.\\d{2} {2}RMSE PM2.5 \\d+\\.\\d{2} {2}skill vs persistence -?\\d+\\.\\d{3}$`, 'm'));
    }
    for (const file of ['report.md', 'metrics.json', 'config.json', 'episode.png', 'error-by-decile.png', 'stations.png', 'task-weights.png']) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    const metrics = JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8')) as {
      runs: RunRecord<AirMethodOptions, AirRunResult>[];
      summaries: { method: string; seeds: number[]; metrics: Record<string, { mean: number }> }[];
    };
    expect(metrics.runs).toHaveLength(12);
    expect(metrics.summaries.map((s) => s.method)).toEqual(['persistence', 'mae', 'fmae', 'igb', 'quantile']);
    // persistence has skill 0 against itself; the quantile forecasts are scored as intervals too
    expect(metrics.summaries[0]?.metrics['skill.PM2.5']?.mean).toBe(0);
    expect(metrics.summaries[4]?.metrics['intervalCoverage.PM2.5']?.mean).toBeGreaterThan(0.5);
    const report = await readFile(join(out, 'report.md'), 'utf8');
    expect(report).toMatch(/## Ordinal forecast of the AQI category/);
    expect(report).toMatch(/\| PRESTO \| 0\.\d{4} ± 0\.\d{4} \|/);
    expect(report).not.toMatch(/\/tmp\//);

    // The same command again: every run is reused, the printed numbers are identical. Beside it (both only read the
    // run folder), export → ONNX; then predict the last 2 windows per station with onnxruntime-node.
    const onnx = join(root, 'mae.onnx');
    const [again, exported] = await Promise.all([air(...args), air('export', '--run', join(out, 'runs', 'mae', 'seed-0'), '--out', onnx)]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(compare.stdout);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/mae\.onnx: mae, \d+ nodes, opset 13, \d+ bytes/);
    const csv = join(root, 'forecasts.csv');
    const predicted = await air('predict', '--model', onnx, '--data', 'sample', '--last', '2', '--out', csv);
    expect(predicted.code).toBe(0);
    const lines = (await readFile(csv, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('station,time,horizon,target_time,variable,forecast');
    // 3 stations × 2 windows × 3 horizons × 11 targets
    expect(lines).toHaveLength(1 + 3 * 2 * 3 * 11);
    expect(lines.slice(1).every((l) => Number.isFinite(Number(l.split(',').at(-1))))).toBe(true);
  });
});

describe('air-pollution CLI on a pollutant-only table (wide layout, daily, no weather)', () => {
  it('forecasts without a weather head, and refuses the multi-task weighters by name', async () => {
    const days = 420;
    const lines = ['day,north,south,harbour'];
    for (let d = 0; d < days; d += 1) {
      const date = new Date(Date.UTC(2019, 0, 1) + d * 86_400_000);
      const day = `${String(date.getUTCDate()).padStart(2, '0')}/${String(date.getUTCMonth() + 1).padStart(2, '0')}/${date.getUTCFullYear()}`;
      const level = (k: number): string => (d % 37 === k ? '-' : (40 + 30 * Math.sin(d / 9 + k) + 25 * Math.sin(d / 3.1 + 2 * k) ** 8).toFixed(1));
      lines.push(`${day},${level(0)},${level(1)},${level(2)}`);
    }
    const table = await writeLines(root, 'pm10-daily.csv', lines);
    const mapping = join(root, 'wide.json');
    await writeFile(mapping, JSON.stringify({ layout: 'wide', time: { column: 'day', format: 'DD/MM/YYYY' }, pollutant: 'PM10', units: { PM10: 'µg/m³' }, missing: ['-'] }));
    const out = join(root, 'wide');
    const common = ['compare', '--data', table, '--mapping', mapping, '--frequency', 'daily', '--variable', 'PM10', '--thresholds', '75', '--epochs', '2', '--seeds', '1', '--jobs', '1'];
    // The comparison and the refused one side by side (separate output folders).
    const [run, refused] = await Promise.all([
      air(...common, '--objectives', 'persistence,seasonal-naive,mae,fmae,lds', '--out', out),
      air(...common, '--methods', 'uncertainty', '--out', join(root, 'wide-uncertainty')),
    ]);
    expect(run.stderr).toMatch(/^backend: wasm/m);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^lds +MAE PM10 /m);
    const report = await readFile(join(out, 'report.md'), 'utf8');
    expect(report).toMatch(/weather none \(pollutant-only table: no weather head\)/);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/uncertainty.*needs a weather head/);
  });
});

describe('air-pollution CLI: bad input is named and leaves nothing in --out', () => {
  const sampleArgs = (out: string, ...extra: string[]): string[] => ['compare', '--data', 'sample', ...SMALL, '--methods', 'mae', '--out', out, ...extra];

  it('names the flag of a horizon longer than the series and of a test period outside the data', async () => {
    const long = join(root, 'bad-horizon');
    const outside = join(root, 'bad-period');
    const [horizon, period] = await Promise.all([air(...sampleArgs(long, '--horizons', '40000')), air(...sampleArgs(outside, '--test-start', '2019-01-01', '--test-end', '2019-06-01'))]);
    expect(horizon.code).toBe(1);
    expect(horizon.stderr).toMatch(/^air-pollution: --horizons: 40000 steps is longer than the series allows/m);
    expect(existsSync(long)).toBe(false);
    expect(period.code).toBe(1);
    expect(period.stderr).toMatch(/--test-start: 2019-01-01 is after the data's last time 2017-02-28 23:00/);
    expect(existsSync(outside)).toBe(false);
  });

  it('names the file, row and column of a malformed cell, and the key of an unknown mapped column', async () => {
    const table = await writeLines(root, 'stations.csv', ['site,date,pm25,temp', 'A,2020-01-01 00:00,12,1.5', 'A,2020-01-01 01:00,1x2,1.4']);
    const mapping = join(root, 'long.json');
    await writeFile(mapping, JSON.stringify({ layout: 'long', station: 'site', time: { column: 'date', format: 'YYYY-MM-DD HH:mm' }, pollutants: ['pm25'], weather: ['temp'] }));
    const out = join(root, 'bad-cell');
    const unknown = join(root, 'unknown.json');
    await writeFile(unknown, JSON.stringify({ layout: 'long', station: 'site', time: { column: 'date', format: 'YYYY-MM-DD HH:mm' }, pollutants: ['pm10'] }));
    const [malformed, missing] = await Promise.all([
      air('compare', '--data', table, '--mapping', mapping, '--out', out, '--seeds', '1'),
      air('compare', '--data', table, '--mapping', unknown, '--out', out, '--seeds', '1'),
    ]);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toMatch(/stations\.csv, row 3, column "pm25": .*"1x2" is not a number/);
    expect(existsSync(out)).toBe(false);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/stations\.csv.*"pm10"/);
    expect(existsSync(out)).toBe(false);
  });
});
