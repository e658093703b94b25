import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { DataFileError } from '@counterweight/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CRITEO_FIELDS, criteoIntegerToken, fitCriteoVocabulary, loadCriteo } from './criteo.js';
import { hashBucket } from './encoding.js';
import { removeTempDirs, tempDir } from './test-support/temp.js';

/** One line in the exact Criteo format: label, 13 integers, 26 categories, tab-separated, '' = missing. */
function line(label: string, ints: readonly string[], cats: readonly string[]): string {
  return [label, ...ints, ...cats].join('\t');
}
const ints = (first: string) => [first, '1', '', '0', '-1', '3', '7', '100', '', '2', '5', '1', '20'];
const cats = (first: string) => [first, ...Array.from({ length: 25 }, (_, i) => (i === 3 ? '' : `c${i % 3}`))];

let dir: string;
beforeAll(async () => {
  dir = await tempDir('criteo');
});
afterAll(removeTempDirs);

describe('criteoIntegerToken', () => {
  it('applies floor(ln(v)^2) above 2 and keeps small integers', () => {
    expect(['-1', '0', '1', '2'].map((v) => criteoIntegerToken(Number(v)))).toEqual(['-1', '0', '1', '2']);
    expect(criteoIntegerToken(3)).toBe('1'); // ln 3 = 1.0986, squared 1.2069
    expect(criteoIntegerToken(100)).toBe('21'); // (4.6052)^2 = 21.2
    expect(criteoIntegerToken(1000)).toBe('47');
  });
});

describe('loadCriteo', () => {
  it('reads a gzip file, builds vocabularies with minCount, groups consecutive rows and draws seeded bids', async () => {
    const rows = [
      line('1', ints('5'), cats('68fd1e64')),
      line('0', ints('5'), cats('68fd1e64')),
      line('0', ints('1000'), cats('rare')),
      line('0', ints(''), cats('68fd1e64')),
      line('1', ints('5'), cats('')),
    ];
    const path = join(dir, 'train.txt.gz');
    await writeFile(path, gzipSync(`${rows.join('\n')}\n`));
    const result = await loadCriteo(path, { seed: 3, encoding: { minCount: 2 }, candidates: 2 });
    expect(result.rows).toBe(5);
    expect(result.clicks).toBe(2);
    const { set } = result;
    expect(set.spec.categoricalFields).toEqual(CRITEO_FIELDS);
    expect(set.spec.numericNames).toEqual([]);
    expect(set.auctions).toBe(3);
    expect(set.slots).toBe(2);
    expect([...set.mask]).toEqual([1, 1, 1, 1, 1, 0]);
    expect([...set.label]).toEqual([1, 0, 0, 0, 1, 0]);
    // I1: token "2" (ln 5 ^2 = 2.59) three times -> index 1; 1000 -> "47" once -> OOV 0; missing -> 0.
    const f = CRITEO_FIELDS.length;
    expect([0, 1, 2, 3, 4].map((r) => set.categorical[r * f])).toEqual([1, 1, 0, 0, 1]);
    // C1: 68fd1e64 three times -> 1, "rare" -> 0, missing -> 0.
    expect([0, 1, 2, 3, 4].map((r) => set.categorical[r * f + 13])).toEqual([1, 1, 0, 1, 0]);
    expect(result.vocabulary?.fields['C1']?.values).toEqual(['68fd1e64']);
    expect(set.spec.buckets[13]).toBe(2);
    expect(set.bid.slice(0, 5).every((b) => b > 0)).toBe(true);
    expect(set.bid[5]).toBe(0);
    const again = await loadCriteo(path, { seed: 3, encoding: { minCount: 2 }, candidates: 2 });
    expect(again.set.bid).toEqual(set.bid);
    // the fitted vocabulary is reused on another file without a first pass
    const test = join(dir, 'test.txt');
    await writeFile(test, `${line('0', ints('1000'), cats('68fd1e64'))}\n`);
    const reused = await loadCriteo(test, { seed: 4, vocabulary: result.vocabulary });
    expect(reused.set.categorical[13]).toBe(1);
    expect(reused.set.categorical[0]).toBe(0);
    expect(await fitCriteoVocabulary(path, { minCount: 2 })).toEqual(result.vocabulary);
  });

  it('hashes "field:value" with FNV-1a into a fixed number of buckets', async () => {
    const path = join(dir, 'hash.txt');
    await writeFile(path, `${line('1', ints('5'), cats('68fd1e64'))}\n`);
    const { set, vocabulary } = await loadCriteo(path, { seed: 0, encoding: { hashBuckets: 1000 } });
    expect(vocabulary).toBeUndefined();
    expect(set.spec.buckets).toEqual(new Array(39).fill(1000));
    expect(set.categorical[0]).toBe(hashBucket('I1', '2', 1000));
    expect(set.categorical[13]).toBe(hashBucket('C1', '68fd1e64', 1000));
    expect(set.categorical[2]).toBe(0); // I3 missing
  });

  it('names file, line and column of a malformed line, or skips and counts them with skipMalformed', async () => {
    const good = line('0', ints('5'), cats('a'));
    const path = join(dir, 'bad.txt');
    await writeFile(path, [good, line('1', ints('4.5'), cats('a')), good, `${good}\textra`, line('2', ints('5'), cats('a')), line('', ints('5'), cats('a'))].join('\n'));
    const error = await loadCriteo(path, { seed: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFileError);
    expect((error as DataFileError).row).toBe(2);
    expect((error as DataFileError).column).toBe('I1');
    expect((error as Error).message).toBe(`${path}, row 2, column "I1": integer feature is not an integer: "4.5"`);
    const skipped = await loadCriteo(path, { seed: 0, skipMalformed: true, encoding: { minCount: 1 } });
    expect(skipped.rows).toBe(2);
    expect(skipped.malformed.count).toBe(4);
    expect(skipped.malformed.firstLines).toEqual([2, 4, 5, 6]);
    expect(skipped.malformed.firstReason).toContain('line 2, column I1');
    const columns = await loadCriteo(join(dir, 'bad.txt'), { seed: 0, limit: 0 }).catch((e: unknown) => e);
    expect((columns as Error).message).toContain('no well-formed rows');
    const missing = await loadCriteo(join(dir, 'nope.txt'), { seed: 0 }).catch((e: unknown) => e);
    expect((missing as Error).message).toBe(`${join(dir, 'nope.txt')}: file not found`);
    const truncated = join(dir, 'cut.txt.gz');
    const zipped = gzipSync(Array.from({ length: 200 }, () => good).join('\n'));
    await writeFile(truncated, zipped.subarray(0, zipped.length - 30));
    await expect(loadCriteo(truncated, { seed: 0, encoding: { hashBuckets: 10 } })).rejects.toThrow(/truncated or corrupt/);
  });
});
