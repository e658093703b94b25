import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { DataFileError } from '@counterweight/runtime';
import { afterAll, describe, expect, it } from 'vitest';

import { auctionSetStats } from './grouping.js';
import { OBD_CATEGORICAL_FIELDS, loadOpenBandit, openBanditDir } from './open-bandit.js';
import { removeTempDirs, tempDir } from './test-support/temp.js';

afterAll(removeTempDirs);

describe('loadOpenBandit on the shared random/men and random/women samples', () => {
  it.each([
    ['men', 34, 249, 345],
    ['women', 46, 190, 244],
  ] as const)('%s: 10,000 rows, 46 clicks, %i items, propensity 1/items, per-item counts as in SOURCES.md', async (campaign, items, minCount, maxCount) => {
    const data = await loadOpenBandit({ campaign, seed: 1 });
    expect(data.rows).toBe(10_000);
    expect(data.clicks).toBe(46);
    expect(data.items).toBe(items);
    expect(data.trainRows.length + data.testRows.length).toBe(10_000);
    expect(data.testRows.length).toBe(3000);
    const counts = new Array<number>(items).fill(0);
    for (const log of [data.trainLog, data.testLog]) {
      expect(log.candidates).toBe(items);
      for (let r = 0; r < log.rows; r += 1) {
        expect(log.propensity[r]).toBe(1 / items);
        counts[log.action[r] ?? 0] = (counts[log.action[r] ?? 0] ?? 0) + 1;
      }
    }
    expect(Math.min(...counts)).toBe(minCount);
    expect(Math.max(...counts)).toBe(maxCount);
    const train = auctionSetStats(data.train);
    const test = auctionSetStats(data.test);
    expect(train.candidates).toBe(7000);
    expect(test.candidates).toBe(3000);
    expect(train.clicks + test.clicks).toBe(46);
    expect(data.spec.categoricalFields).toEqual(OBD_CATEGORICAL_FIELDS);
    expect(data.spec.buckets[4]).toBe(items + 1);
    expect(data.spec.buckets[8]).toBe(4);
    // values exp(item_feature_0) > 0; the logged candidate's bid is its item's value
    expect(data.itemValue.every((v) => v > 0)).toBe(true);
    for (let s = 0; s < data.train.slots; s += 1) {
      if (data.train.mask[s] !== 1) continue;
      const item = (data.train.categorical[s * 9 + 4] ?? 0) - 1;
      expect(data.train.bid[s]).toBe(data.itemValue[item]);
    }
    // numeric features standardised on train: mean ≈ 0 over the training impressions
    expect(Math.abs(data.standardizer.mean[0] ?? 1)).toBeLessThan(0.2);
    expect(data.spec.standardization?.std).toHaveLength(2);
    // the log's row r candidate i carries item id i + 1 and the row's position
    const log = data.testLog;
    expect(log.categorical[(0 * items + 5) * 9 + 4]).toBe(6);
    expect(log.categorical[(0 * items + 5) * 9 + 8]).toBe(log.position?.[0]);
  });

  it('groups consecutive rows when asked, takes an explicit directory with plain CSVs, and names bad rows', async () => {
    const dir = await tempDir('obd');
    const source = openBanditDir('random', 'men');
    const { gunzipSync } = await import('node:zlib');
    const { readFile } = await import('node:fs/promises');
    const log = gunzipSync(await readFile(join(source, 'men.csv.gz'))).toString('utf8').split('\n');
    await writeFile(join(dir, 'men.csv'), `${log.slice(0, 101).join('\n')}\n`);
    await copyFile(join(source, 'item_context.csv.gz'), join(dir, 'item_context.csv.gz'));
    const data = await loadOpenBandit({ campaign: 'men', dir, seed: 0, grouping: 'consecutive', candidates: 7, testFraction: 0.2, value: 'unit' });
    expect(data.rows).toBe(100);
    expect(data.train.auctions).toBe(Math.ceil(80 / 7));
    expect(data.itemValue.every((v) => v === 1)).toBe(true);
    // row 3 of the file (second data row): item 99 is not an item
    const bad = [...log.slice(0, 101)];
    const fields = (bad[2] ?? '').split(',');
    fields[2] = '99';
    bad[2] = fields.join(',');
    await writeFile(join(dir, 'men.csv'), bad.join('\n'));
    const error = await loadOpenBandit({ campaign: 'men', dir, seed: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFileError);
    expect((error as DataFileError).row).toBe(3);
    expect((error as DataFileError).column).toBe('item_id');
    await expect(loadOpenBandit({ campaign: 'women', dir, seed: 0 })).rejects.toThrow(/women\.csv\.gz: file not found/);
  });
});
