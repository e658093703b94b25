import { join } from 'node:path';

import { DataFileError, sharedDataDir } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { BANK_ADDITIONAL_CATEGORIES, BANK_ADDITIONAL_NUMERIC, readBankAdditional } from './bank-additional.js';

describe('readBankAdditional', () => {
  it('reads UCI bank-additional.csv (4,119 rows, 451 positives) with fixed category lists and without duration', async () => {
    const table = await readBankAdditional(join(sharedDataDir(), 'uci-bank-marketing', 'bank-additional.csv.gz'));
    expect(table.numRows).toBe(4119);
    expect(table.schema.fields.map((f) => f.name)).not.toContain('duration');
    expect(BANK_ADDITIONAL_NUMERIC).toHaveLength(9);
    let positives = 0;
    const y = table.getChild('y');
    for (let r = 0; r < table.numRows; r += 1) if (y?.get(r) === 'yes') positives += 1;
    expect(positives).toBe(451);
    expect(table.getChild('job')?.get(0)).toBe('blue-collar');
  });

  it('reads the full file with every category in its fixed list, and names the file of a missing one', async () => {
    const table = await readBankAdditional(join(sharedDataDir(), 'uci-bank-marketing', 'bank-additional-full.csv.gz'), { limit: 2000 });
    expect(table.numRows).toBe(2000);
    for (const name of Object.keys(BANK_ADDITIONAL_CATEGORIES) as (keyof typeof BANK_ADDITIONAL_CATEGORIES)[]) {
      const categories: readonly string[] = BANK_ADDITIONAL_CATEGORIES[name];
      const seen = new Set<unknown>();
      const column = table.getChild(name);
      for (let r = 0; r < table.numRows; r += 1) seen.add(column?.get(r));
      expect([...seen].every((value) => typeof value === 'string' && categories.includes(value)), name).toBe(true);
    }
    await expect(readBankAdditional('/nonexistent/bank-additional.csv')).rejects.toThrow(DataFileError);
  });
});
