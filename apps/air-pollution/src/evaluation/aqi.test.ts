import { DuckDBInstance } from '@duckdb/node-api';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AQI_CATEGORY_COUNT, aqiCategories, aqiCategory, aqiCategoryCounts } from './aqi.js';

const DONGSI = '/work/shared/data/beijing-multisite-air-quality/PRSA_Data_Dongsi_20130301-20170228.csv.gz';

describe('aqiCategory', () => {
  it('puts a breakpoint in the lower (cleaner) category, per HJ 633-2012 (0–35 is excellent)', () => {
    expect(aqiCategory(0)).toBe(0);
    expect(aqiCategory(35)).toBe(0);
    expect(aqiCategory(35.0001)).toBe(1);
    expect(aqiCategory(75)).toBe(1);
    expect(aqiCategory(75.5)).toBe(2);
    expect(aqiCategory(115)).toBe(2);
    expect(aqiCategory(116)).toBe(3);
    expect(aqiCategory(150)).toBe(3);
    expect(aqiCategory(151)).toBe(4);
    expect(aqiCategory(250)).toBe(4);
    expect(aqiCategory(250.1)).toBe(5);
    expect(aqiCategory(999)).toBe(5);
    expect(aqiCategory(-3)).toBe(0);
    expect(aqiCategory(Number.NaN)).toBe(-1);
  });

  it('counts categories and skips missing values', () => {
    const c = aqiCategories([10, 35, 36, Number.NaN, 300, 300, 151]);
    expect(Array.from(c)).toEqual([0, 0, 1, -1, 5, 5, 4]);
    expect(aqiCategoryCounts(c)).toEqual([2, 1, 0, 0, 1, 2]);
    expect(() => aqiCategoryCounts([0, 6])).toThrow(/categories.*index 1/);
  });
});

describe('aqiCategory on real Beijing data (Dongsi, hourly PM2.5)', () => {
  it('agrees with an independent count by DuckDB SQL', async () => {
    // A small CSV reader: the PM2.5 column of the gzipped file, NA → NaN.
    const lines = gunzipSync(readFileSync(DONGSI)).toString('utf8').trim().split('\n');
    const header = (lines[0] ?? '').split(',').map((h) => h.replaceAll('"', ''));
    const column = header.indexOf('PM2.5');
    expect(column).toBeGreaterThan(0);
    const values = lines.slice(1).map((line) => {
      const cell = line.split(',')[column] ?? 'NA';
      return cell === 'NA' ? Number.NaN : Number(cell);
    });
    const counts = aqiCategoryCounts(aqiCategories(values));

    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll(`
        SELECT CASE WHEN "PM2.5" <= 35 THEN 0 WHEN "PM2.5" <= 75 THEN 1 WHEN "PM2.5" <= 115 THEN 2
                    WHEN "PM2.5" <= 150 THEN 3 WHEN "PM2.5" <= 250 THEN 4 ELSE 5 END AS category, COUNT(*) AS n
        FROM read_csv('${DONGSI}', nullstr = 'NA', header = true)
        WHERE "PM2.5" IS NOT NULL GROUP BY category ORDER BY category`);
      const expected = new Array<number>(AQI_CATEGORY_COUNT).fill(0);
      for (const [category, n] of reader.getRowsJS()) expected[Number(category)] = Number(n);
      expect(counts).toEqual(expected);
      // 35 064 hourly rows, 750 of them without PM2.5 (checked with zcat | awk).
      expect(values).toHaveLength(35_064);
      expect(counts.reduce((s, c) => s + c, 0)).toBe(35_064 - 750);
      expect(counts.every((c) => c > 0)).toBe(true);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});
