import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { sharedDataDir } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { checkContent } from './content-check.js';

describe('checkContent', () => {
  it('checks size first, then SHA-256 or the git blob id (SOURCES.md §2: TinyShakespeare)', async () => {
    const text = gunzipSync(await readFile(join(sharedDataDir(), 'tinyshakespeare', 'input.txt.gz')));
    const sha256 = '86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed';
    expect(checkContent(text, { sha256, size: 1_115_394 })).toBeUndefined();
    expect(checkContent(text, { gitBlob: '7dcb3a2d4cc3b48b6283dd46870bfeb78f88aac9' })).toBeUndefined();
    expect(checkContent(text.subarray(1), { sha256, size: 1_115_394 })).toBe('size 1115393 bytes, expected 1115394');
    expect(checkContent(text.subarray(1), { sha256 })).toMatch(new RegExp(`^SHA-256 [0-9a-f]{64}, expected ${sha256}$`));
    expect(checkContent(new Uint8Array(0), { gitBlob: '00' })).toBe('git blob e69de29bb2d1d6434b8b29ae775ad8c2e48c5391, expected 00');
  });
});
