import { describe, expect, it } from 'vitest';

import { defaultPeriods } from '../data/windows.js';
import { parseYearRange, resolveShiftDomains } from './shift-domains.js';
import { syntheticTable } from './test-support/synthetic-table.js';

const table = syntheticTable({ Dongsi: 80, Tiantan: 80, Dingling: 50 });

describe('parseYearRange', () => {
  it('reads a year or an inclusive range, and names the flag otherwise', () => {
    expect(parseYearRange('2016', '--test-years')).toEqual([2016, 2016]);
    expect(parseYearRange('2013-2015', '--train-years')).toEqual([2013, 2015]);
    expect(() => parseYearRange('2015-2013', '--train-years')).toThrow(/--train-years: the range 2015-2013 runs backwards/);
    expect(() => parseYearRange('16', '--test-years')).toThrow(/--test-years: expected a year/);
  });
});

describe('resolveShiftDomains', () => {
  it('defaults to urban Dongsi → rural Dingling over the default periods', () => {
    const d = resolveShiftDomains(table, {});
    expect(d).toEqual({ kind: 'stations', trainStations: ['Dongsi'], testStations: ['Dingling'], periods: defaultPeriods(table) });
  });

  it('a time shift: the source years split 85/15 at a day into train and validation, the test years clipped to the data', () => {
    const d = resolveShiftDomains(table, { trainYears: [2013, 2015], testYears: [2016, 2017] });
    expect(d.kind).toBe('years');
    expect(d.trainStations).toEqual(['Dongsi', 'Tiantan', 'Dingling']);
    expect(d.testStations).toEqual(d.trainStations);
    // 2013-03-01 … 2016-01-01 is 1036 days; the last round(0.15 · 1036) = 155 days validate
    expect(d.periods).toEqual({
      train: { start: '2013-03-01', end: '2015-07-30' },
      validation: { start: '2015-07-30', end: '2016-01-01' },
      test: { start: '2016-01-01', end: '2017-03-01' },
    });
    expect(resolveShiftDomains(table, { trainStations: ['Tiantan'], trainYears: [2014, 2014], testYears: [2015, 2015] }).testStations).toEqual(['Tiantan']);
  });

  it('names the flag and the problem', () => {
    expect(() => resolveShiftDomains(table, { trainStations: ['Nowhere'], testStations: ['Dingling'] })).toThrow(/--train-stations: "Nowhere" is not a station of the data \(its stations: Dongsi, Tiantan, Dingling\)/);
    expect(() => resolveShiftDomains(table, { trainStations: ['Dongsi', 'Dingling'], testStations: ['Dingling'] })).toThrow(/--test-stations: Dingling is also in --train-stations: the domains must be disjoint/);
    expect(() => resolveShiftDomains(table, { trainStations: [], testStations: ['Dingling'] })).toThrow(/--train-stations: names no station: the domain would be empty/);
    expect(() => resolveShiftDomains(table, { trainStations: ['Dongsi'] })).toThrow(/--test-stations: is needed with --train-stations/);
    expect(() => resolveShiftDomains(table, { testYears: [2016, 2016] })).toThrow(/--train-years: is needed with --test-years/);
    expect(() => resolveShiftDomains(table, { trainYears: [2013, 2015], testYears: [2015, 2016] })).toThrow(/--test-years: 2015-2016 overlaps --train-years 2013-2015/);
    expect(() => resolveShiftDomains(table, { trainYears: [2015, 2016], testYears: [2013, 2013] })).toThrow(/--test-years: 2013-2013 comes before --train-years/);
    expect(() => resolveShiftDomains(table, { trainYears: [2013, 2015], testYears: [2019, 2019] })).toThrow(/--test-years: the data has no day of 2019 \(it runs 2013-03-01 to 2017-02-28\)/);
  });
});
