import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { isGzip, sharedDataDir } from '@counterweight/runtime/base';
import { afterAll, describe, expect, it } from 'vitest';

import { fileContent, verifyBytes, verifyFile } from './file-content.js';
import { removeTempDirs, tempDir } from './test-support/index.js';

afterAll(removeTempDirs);

const STORIES = join(sharedDataDir(), 'tinystories-sample', 'tiny_stories.txt.gz');
const check = { sha256: 'c56cfd24fb1c542b141a396184b822a4db3672abdb4c49c6aa843171c5e822a5', size: 944_426 };

describe('fileContent, verifyBytes and verifyFile', () => {
  it('decompress gzip before checking, and say what is wrong with a file, naming it', async () => {
    const gz = await readFile(STORIES);
    expect(isGzip(gz)).toBe(true);
    const content = await fileContent(gz, STORIES);
    expect(isGzip(content)).toBe(false);
    expect(await verifyBytes(content, check, 'plain')).toBeUndefined();
    expect(await verifyFile(STORIES, check)).toBeUndefined();
    const dir = await tempDir('content');
    const cut = join(dir, 'cut.txt.gz');
    await writeFile(cut, gz.subarray(0, 1000));
    expect(await verifyFile(cut, check)).toBe(`${cut}: gzip data is corrupt or truncated (unexpected end of file)`);
    await expect(fileContent(gz.subarray(0, 1000), 'x.gz')).rejects.toThrow('x.gz: gzip data is corrupt or truncated');
    expect(await verifyFile(join(dir, 'absent'), check)).toBe(`${join(dir, 'absent')}: file not found`);
    expect(await verifyFile(dir, check)).toBe(`${dir}: is a directory, not a file`);
    expect(await verifyBytes(Buffer.from('hello'), check, 'u')).toBe('u: size 5 bytes, expected 944426');
  });
});
