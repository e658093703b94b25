import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DataFileError } from '@counterweight/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AlignedTable } from '../data/aligned-table.js';
import { BEIJING_MAPPING, BEIJING_SAMPLE_DIR, loadStationData, readStationTable } from '../data/index.js';
import { TABLE_FORMATS, writeTableCopies } from './table-copies.js';
import { writeTinyStationCsv } from './test-support/tiny-station-csv.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'air-pollution-copies-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Values with NaN replaced by null, so that toEqual compares missing values too. */
const plain = (values: ArrayLike<number>): (number | null)[] => Array.from(values, (v) => (Number.isNaN(v) ? null : v));

function expectSameTable(a: AlignedTable, b: AlignedTable): void {
  expect([b.start, b.length, b.stations.map((s) => s.station), b.pollutants, b.weather, b.derived]).toEqual([a.start, a.length, a.stations.map((s) => s.station), a.pollutants, a.weather, a.derived]);
  a.stations.forEach((series, i) => {
    for (const [name, values] of Object.entries(series.values)) expect(plain(b.stations[i]?.values[name] ?? []), `${series.station} ${name}`).toEqual(plain(values));
  });
}

describe('writeTableCopies', () => {
  it('writes Parquet and Arrow copies that the data layer reads to the same records as the CSV', async () => {
    const csv = [join(dir, 'PRSA_Data_A_tiny.csv'), join(dir, 'PRSA_Data_B_tiny.csv.gz')];
    await writeTinyStationCsv(csv[0] as string, 'A', 30);
    await writeTinyStationCsv(csv[1] as string, 'B', 20);
    const copies = await writeTableCopies(csv, dir);
    expect(copies.files.parquet).toEqual([join(dir, 'PRSA_Data_A_tiny.parquet'), join(dir, 'PRSA_Data_B_tiny.parquet')]);
    expect(copies.files.arrow).toEqual([join(dir, 'PRSA_Data_A_tiny.arrow'), join(dir, 'PRSA_Data_B_tiny.arrow')]);
    for (const format of TABLE_FORMATS) expect(copies.bytes[format]).toBeGreaterThan(0);
    const fromCsv = await readStationTable({ files: copies.files.csv, mapping: BEIJING_MAPPING, threads: 1 });
    expect(fromCsv.station.length).toBe(50);
    for (const format of ['parquet', 'arrow'] as const) {
      const copy = await readStationTable({ files: copies.files[format], mapping: BEIJING_MAPPING, threads: 1 });
      expect(copy.stations).toEqual(fromCsv.stations);
      expect(Array.from(copy.time)).toEqual(Array.from(fromCsv.time));
      for (const [name, values] of Object.entries(fromCsv.values)) expect(plain(copy.values[name] ?? []), `${format} ${name}`).toEqual(plain(values));
      expect(plain(copy.windDirection ?? [])).toEqual(plain(fromCsv.windDirection ?? []));
    }
    // The made-up NA cells (hours 5 and 18 of each station) stay missing.
    expect(plain(fromCsv.values['PM2.5'] ?? []).filter((v) => v === null).length).toBe(4);
  });

  it('names the CSV file it cannot read', async () => {
    const missing = join(dir, 'absent.csv');
    await expect(writeTableCopies([missing], dir)).rejects.toThrow(DataFileError);
    await expect(writeTableCopies([missing], dir)).rejects.toThrow(/absent\.csv/);
  });

  it('copies a real Beijing station file (Dongsi) losslessly: the same aligned table from CSV, Parquet and Arrow', async () => {
    const csv = `${BEIJING_SAMPLE_DIR}PRSA_Data_Dongsi_20130301-20170228.csv.gz`;
    const copies = await writeTableCopies([csv], dir);
    expect(copies.bytes.parquet).toBeLessThan(copies.bytes.arrow);
    const reference = await loadStationData({ source: [csv], threads: 1 });
    expect(reference.length).toBe(35_064);
    for (const format of ['parquet', 'arrow'] as const) expectSameTable(reference, await loadStationData({ source: copies.files[format], threads: 1 }));
  }, 120_000);
});
