import { describe, expect, it } from 'vitest';

import { makeWindows } from '../data/windows.js';
import { domainTable } from './domain-table.js';
import { resolveShiftDomains } from './shift-domains.js';
import { shiftWindows } from './shift-windows.js';
import { syntheticTable } from './test-support/synthetic-table.js';
import { windowRows } from './window-rows.js';

const table = syntheticTable({ Dongsi: 90, Tiantan: 80, Dingling: 40 });
const options = { history: 3, horizons: [1, 2], stride: 1 };

describe('shiftWindows, station shift', () => {
  const domains = resolveShiftDomains(table, { trainStations: ['Dongsi', 'Tiantan'], testStations: ['Dingling'] });
  const { windows, sourceTest } = shiftWindows(table, domains, options);
  const stationOf = (split: { station: Int32Array }) => [...new Set(Array.from(split.station, (s) => windows.stations[s]))];

  it('trains and validates on the train stations only and tests on the test station only', () => {
    expect(stationOf(windows.train)).toEqual(['Dongsi', 'Tiantan']);
    expect(stationOf(windows.validation)).toEqual(['Dongsi', 'Tiantan']);
    expect(stationOf(windows.test)).toEqual(['Dingling']);
    expect(sourceTest === undefined ? [] : stationOf({ station: sourceTest.station })).toEqual(['Dongsi', 'Tiantan']);
    // every day of Dingling from 2016-07-01 to 2017-02-26 (its +2 target is the data's last day): 31+31+30+31+30+31+31+26 = 241 ends
    expect(windows.test.count).toBe(241);
  });

  it('scales with the source stations alone: the test station adds nothing to the statistics', () => {
    const sourceOnly = { ...table, stations: table.stations.filter((s) => s.station !== 'Dingling') };
    const reference = makeWindows(sourceOnly, { ...options, periods: domains.periods });
    expect(windows.scaling).toEqual(reference.scaling);
    expect(windows.train.inputs).toEqual(reference.train.inputs);
  });

  it('keeps the full history of the test windows, standardised with the source scaling', () => {
    const dingling = table.stations.find((s) => s.station === 'Dingling')!;
    const t0 = (windows.test.time[0]! - table.start) / table.stepMs;
    const F = windows.features.length;
    const j = windows.features.indexOf('PM2.5');
    const { mean, std } = windows.scaling['PM2.5']!;
    for (let k = 0; k < options.history; k++) {
      const x = dingling.values['PM2.5']![t0 - options.history + 1 + k]!;
      expect(windows.test.inputs[k * F + j]).toBeCloseTo((x - mean) / std, 5);
    }
  });

  it('blanks a test-only station before its first test input step, and nothing of the others', () => {
    const blanked = domainTable(table, domains, options.history);
    const d = blanked.stations.find((s) => s.station === 'Dingling')!.values['PM2.5']!;
    const cutoff = (Date.UTC(2016, 6, 1) - table.start) / table.stepMs - (options.history - 1);
    expect(Number.isNaN(d[cutoff - 1]!)).toBe(true);
    expect(Number.isNaN(d[cutoff]!)).toBe(false);
    expect(blanked.stations.find((s) => s.station === 'Dongsi')).toBe(table.stations.find((s) => s.station === 'Dongsi'));
  });
});

describe('shiftWindows, time shift', () => {
  it('cuts train/validation from the source years and tests on the target year at the same stations', () => {
    const domains = resolveShiftDomains(table, { trainStations: ['Dongsi'], trainYears: [2013, 2014], testYears: [2016, 2016] });
    const { windows, sourceTest } = shiftWindows(table, domains, options);
    expect(sourceTest).toBeUndefined();
    expect(Math.max(...windows.validation.time)).toBeLessThan(Date.UTC(2015, 0, 1));
    expect(Math.min(...windows.test.time)).toBeGreaterThanOrEqual(Date.UTC(2016, 0, 1));
    expect(Math.max(...windows.test.time)).toBeLessThan(Date.UTC(2017, 0, 1));
  });

  it('names the domain without windows', () => {
    const empty = { ...table, stations: table.stations.map((s) => (s.station === 'Dingling' ? { ...s, values: { ...s.values, 'PM2.5': new Float32Array(table.length).fill(Number.NaN) } } : s)) };
    const domains = resolveShiftDomains(empty, { trainStations: ['Dongsi'], testStations: ['Dingling'] });
    expect(() => shiftWindows(empty, domains, options)).toThrow(/--test-stations: Dingling has no test window with an observed target in 2016-07-01 – 2017-03-01/);
  });
});

describe('windowRows', () => {
  it('cuts every per-window array to the kept rows, in order', () => {
    const { windows } = shiftWindows(table, resolveShiftDomains(table, {}), options);
    const s = windows.validation;
    const kept = windowRows(s, (i) => i % 3 === 1);
    const rows = Array.from({ length: s.count }, (_, i) => i).filter((i) => i % 3 === 1);
    expect(kept.count).toBe(rows.length);
    const F = options.history * windows.features.length;
    const K = options.horizons.length * windows.targets.length;
    rows.forEach((r, k) => {
      expect(kept.time[k]).toBe(s.time[r]);
      expect(kept.inputs.subarray(k * F, (k + 1) * F)).toEqual(s.inputs.subarray(r * F, (r + 1) * F));
      expect(kept.raw.subarray(k * K, (k + 1) * K)).toEqual(s.raw.subarray(r * K, (r + 1) * K));
      expect(kept.persistence[k * windows.targets.length]).toBe(s.persistence[r * windows.targets.length]);
    });
  });
});
