// Test-only: a daily AlignedTable over the Beijing period (2013-03-01 … 2017-02-28) with seeded values per station.
import { SeededRandom } from '@counterweight/runtime';

import type { AlignedTable } from '../../data/aligned-table.js';

/** Stations and the PM2.5 level of each (a station shift: the levels differ). */
export function syntheticTable(stations: Readonly<Record<string, number>>, seed = 3): AlignedTable {
  const start = Date.UTC(2013, 2, 1);
  const length = (Date.UTC(2017, 1, 28) - start) / 86_400_000 + 1;
  const random = SeededRandom.fromSeed(seed, 'synthetic-table');
  const series = Object.entries(stations).map(([station, level]) => {
    const TEMP = Float32Array.from({ length }, (_, t) => 12 + 14 * Math.sin((2 * Math.PI * (t - 50)) / 365) + random.normal(0, 2));
    const PM = Float32Array.from({ length }, (_, t) => Math.max(1, level + 3 * (20 - (TEMP[t] ?? 0)) + random.normal(0, 10)));
    return { station, values: { TEMP, 'PM2.5': PM } };
  });
  return {
    frequency: 'daily',
    start,
    stepMs: 86_400_000,
    length,
    stations: series,
    pollutants: ['PM2.5'],
    weather: ['TEMP'],
    derived: [],
    units: { 'PM2.5': 'µg/m³', TEMP: '°C' },
    missing: series.map((s) => ({ station: s.station, variable: 'PM2.5', missingBefore: 0, missingAfter: 0, steps: length })),
    sources: ['synthetic'],
  };
}
