import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { sharedDataDir } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { makeZip } from './test-support/index.js';
import { extractZipEntry } from './zip.js';

describe('extractZipEntry', () => {
  it('reads nested deflate members (real bank-additional.csv bytes) and names missing ones and non-archives', async () => {
    const csv = gunzipSync(await readFile(join(sharedDataDir(), 'uci-bank-marketing', 'bank-additional.csv.gz')));
    const inner = makeZip([{ name: 'bank-additional/bank-additional.csv', data: csv }]);
    const outer = makeZip([{ name: 'bank.zip', data: Buffer.from('x') }, { name: 'bank-additional.zip', data: inner }]);
    const extracted = extractZipEntry(extractZipEntry(outer, 'bank-additional.zip', 'outer.zip'), 'bank-additional/bank-additional.csv', 'inner');
    expect(extracted.equals(csv)).toBe(true);
    expect(() => extractZipEntry(outer, 'nope', 'outer.zip')).toThrow('outer.zip: has no member "nope"; members: "bank.zip", "bank-additional.zip"');
    expect(() => extractZipEntry(Buffer.from('not a zip'), 'x', 'f')).toThrow('f: not a ZIP archive (no end-of-central-directory record)');
    const truncated = outer.subarray(0, 40);
    expect(() => extractZipEntry(truncated, 'bank.zip', 'cut.zip')).toThrow(/^cut\.zip: /);
  });
});
