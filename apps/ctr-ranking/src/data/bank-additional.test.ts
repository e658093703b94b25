import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { BANK_ADDITIONAL_NUMERIC, readBankAdditional } from './bank-marketing.js';
import { sharedDataDir } from './shared-data.js';

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
});
