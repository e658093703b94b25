import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { DataFileError } from '@counterweight/runtime';
import { afterAll, describe, expect, it } from 'vitest';

import { loadBankMarketing } from './bank-marketing.js';
import { auctionSetStats } from './grouping.js';
import { removeTempDirs, tempDir } from './test-support/temp.js';

afterAll(removeTempDirs);

describe('loadBankMarketing', () => {
  it('reads the full file: 41,188 rows, 4,640 positives (11.27 %), random auctions of 10, standardised on train', async () => {
    const data = await loadBankMarketing({ seed: 0 });
    expect(data.rows).toBe(41_188);
    expect(data.positives).toBe(4640);
    const parts = [data.train, data.validation, data.test].map(auctionSetStats);
    expect(parts.reduce((s, p) => s + p.candidates, 0)).toBe(41_188);
    expect(parts.reduce((s, p) => s + p.clicks, 0)).toBe(4640);
    expect(data.train.auctions + data.validation.auctions + data.test.auctions).toBe(Math.ceil(41_188 / 10));
    expect(data.train.auctions).toBe(Math.round(4119 * 0.8));
    for (const part of parts) {
      expect(part.clickRate).toBeGreaterThan(0.1);
      expect(part.clickRate).toBeLessThan(0.125);
    }
    expect(data.train.spec.numericNames).not.toContain('duration');
    expect(data.train.spec.categoricalFields).toHaveLength(10);
    expect(data.train.spec.buckets[0]).toBe(13); // 12 jobs + index 0
    // train numeric features: mean 0, std 1 over the real candidates; padded slots 0; bids 1
    const d = 9;
    let sum = 0;
    let sq = 0;
    let n = 0;
    for (let i = 0; i < data.train.mask.length; i += 1) {
      if (data.train.mask[i] !== 1) continue;
      const age = data.train.numeric[i * d] ?? 0;
      sum += age;
      sq += age * age;
      n += 1;
      expect(data.train.bid[i]).toBe(1);
    }
    expect(sum / n).toBeCloseTo(0, 4);
    expect(sq / n).toBeCloseTo(1, 3);
    expect(data.train.spec.standardization?.mean[0]).toBeGreaterThan(39);
    expect(data.train.spec.standardization?.mean[0]).toBeLessThan(41);
  });

  it('names file, row and column of a bad value', async () => {
    const dir = await tempDir('bank');
    const header = '"age";"job";"marital";"education";"default";"housing";"loan";"contact";"month";"day_of_week";"duration";"campaign";"pdays";"previous";"poutcome";"emp.var.rate";"cons.price.idx";"cons.conf.idx";"euribor3m";"nr.employed";"y"';
    const row = '56;"housemaid";"married";"basic.4y";"no";"no";"no";"telephone";"may";"mon";261;1;999;0;"nonexistent";1.1;93.994;-36.4;4.857;5191;"no"';
    const path = join(dir, 'bank.csv');
    await writeFile(path, [header, row, row.replace('"housemaid"', '"astronaut"')].join('\n'));
    const error = await loadBankMarketing({ path, seed: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFileError);
    expect((error as DataFileError).row).toBe(3);
    expect((error as DataFileError).column).toBe('job');
  });
});
