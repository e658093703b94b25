import { describe, expect, it } from 'vitest';

import { CategoryCounter, Vocabulary, checkBuckets, fnv1a32, hashBucket } from './encoding.js';

describe('encoding', () => {
  it('FNV-1a 32 matches the reference vectors, over UTF-8 bytes', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
    expect(fnv1a32('é')).not.toBe(fnv1a32('\u00e9'.normalize('NFD')));
    const b = hashBucket('C1', '68fd1e64', 10);
    expect(b).toBeGreaterThanOrEqual(1);
    expect(b).toBeLessThan(10);
    // FNV-1a 32 of the UTF-8 bytes of "C1:68fd1e64" is 1126488993 (computed apart from this code, in Python:
    // h = 0x811c9dc5; per byte h ^= b; h = h * 0x01000193 mod 2^32); 1 + 1126488993 mod 9 = 7.
    expect(b).toBe(7);
    expect(() => checkBuckets(1, 'hashBuckets')).toThrow(/hashBuckets/);
  });

  it('fits a vocabulary with minCount in count-then-value order; unknown and missing are 0', () => {
    const counter = new CategoryCounter();
    for (const v of ['b', 'a', 'b', 'c', 'a', 'b', 'd']) counter.add(v);
    const vocabulary = Vocabulary.fit(counter.counts, 2);
    expect(vocabulary.values).toEqual(['b', 'a']);
    expect(vocabulary.size).toBe(3);
    expect(['b', 'a', 'c', undefined].map((v) => vocabulary.index(v))).toEqual([1, 2, 0, 0]);
    expect(Vocabulary.fromJSON(JSON.parse(JSON.stringify(vocabulary)) as { values: string[] }).index('a')).toBe(2);
    expect(() => Vocabulary.fit(counter.counts, 0)).toThrow(/minCount/);
  });
});
