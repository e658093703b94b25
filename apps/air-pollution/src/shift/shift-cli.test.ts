import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import type { RunRecord } from '@counterweight/experiment';
import { runSourceCli, type CliRun } from '@counterweight/experiment/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { removeTempDirs, tempDir } from '../data/test-support/temp.js';
import type { ShiftRunResult } from './shift-runner.js';
import type { ShiftMethodOptions } from './shift-settings.js';

const CLI = resolve(import.meta.dirname, '../cli.ts');
const air = (...args: string[]): Promise<CliRun> => runSourceCli(CLI, args);

let root: string;
beforeAll(async () => {
  root = await tempDir('shift-cli');
});
afterAll(removeTempDirs);

const TINY = ['--data', 'sample', '--stride', '24', '--epochs', '2', '--hidden', '16', '--layers', '1', '--head-hidden', '8', '--seeds', '2', '--jobs', '1', '--kernel-rows', '150', '--dw-rank', '60'];

describe('air-pollution shift on the embedded sample (Dongsi → Dingling)', () => {
  it('trains one forecaster per weighting and seed, writes the report, the charts and an attribution whose φ sum to v(all); reuses every run', async () => {
    const out = join(root, 'stations');
    const args = ['shift', ...TINY, '--weights', 'classifier,dw', '--out', out];
    const run = await air(...args);
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.code).toBe(0);
    for (const name of ['none', 'classifier', 'dw']) expect(run.stdout).toMatch(new RegExp(`^${name} +MAE PM2.5 \\d+\\.\\d{2} {2}RMSE PM2.5 \\d+\\.\\d{2} {2}ESS \\d+$`, 'm'));
    expect(run.stdout).toMatch(/^attribution {2}φ\(P\(weather\)\) -?\d+\.\d{2} {2}φ\(P\(PM2\.5 \| weather\)\) -?\d+\.\d{2} {2}v\(all\) -?\d+\.\d{2} {2}observed -?\d+\.\d{2}$/m);
    for (const file of ['report.md', 'metrics.json', 'config.json', 'test-error.png', 'attribution.png']) expect(existsSync(join(out, file)), file).toBe(true);

    const metrics = JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8')) as {
      runs: RunRecord<ShiftMethodOptions, ShiftRunResult>[];
      summaries: { method: string; metrics: Record<string, { mean: number }> }[];
      domains: { trainStations: string[]; testStations: string[] };
    };
    expect(metrics.domains.trainStations).toEqual(['Dongsi']);
    expect(metrics.domains.testStations).toEqual(['Dingling']);
    expect(metrics.runs).toHaveLength(6);
    expect(metrics.summaries.map((s) => s.method)).toEqual(['none', 'classifier', 'dw']);
    for (const r of metrics.runs) {
      const a = r.result.attribution;
      if (r.method !== 'none') {
        expect(a).toBeNull();
        expect(r.result.effectiveSampleSize).toBeLessThan(metrics.runs[0]!.result.effectiveSampleSize);
        continue;
      }
      // efficiency: the Shapley values sum to v(all); the observed change is the measured target − source error
      expect(a!.weather + a!.pm25GivenWeather).toBeCloseTo(a!.attributed, 9);
      expect(a!.targetLoss - a!.sourceLoss).toBeCloseTo(a!.observed, 9);
    }
    const report = await readFile(join(out, 'report.md'), 'utf8');
    expect(report).toMatch(/## Shift attribution/);
    expect(report).toMatch(/## In-domain reference/);
    expect(report).not.toMatch(/\/tmp\//);

    const again = await air(...args);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(run.stdout);
  }, 120_000);

  it('fails with one line naming the flag (unknown station, overlapping years; the other cases in shift-domains.test.ts); nothing is written', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--train-stations', 'Dongsi', '--test-stations', 'Atlantis'], /--test-stations: "Atlantis" is not a station of the data \(its stations: Changping, Dingling, Dongsi\)/],
      [['--train-years', '2013-2015', '--test-years', '2015-2016'], /--test-years: 2015-2016 overlaps --train-years 2013-2015/],
    ];
    // Both at once: each fails on its own output folder.
    const runs = await Promise.all(cases.map(([flags]) => air('shift', ...TINY, ...flags, '--out', join(root, `bad-${flags.join('-')}`))));
    cases.forEach(([flags, message], i) => {
      const run = runs[i];
      expect(run?.code).not.toBe(0);
      expect(run?.stderr).toMatch(message);
      expect(existsSync(join(root, `bad-${flags.join('-')}`))).toBe(false);
    });
  }, 120_000);
});
