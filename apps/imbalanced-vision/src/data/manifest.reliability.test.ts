import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { DataFileError } from '@counterweight/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadManifest } from './manifest.js';
import { fashionImageFiles, type FashionImageFiles } from './test-support/fashion-image-files.js';
import { removeTempDirs, tempDir } from './test-support/fixtures.js';

// The bad-input corpus of the multi-label manifest loader (`loadManifest`: a CSV `path,labels` beside its images):
// real Fashion-MNIST test images encoded by sharp, listed in a good manifest, then one thing damaged per case. Every
// case must end in a DataFileError whose one line names the manifest (and the row and column where that applies, or
// the byte offset) and the problem.

const OPTIONS = { image: { height: 28, width: 28, channels: 1 }, quiet: true } as const;
const GOOD = 'path,labels\nimages/0.png,Ankle boot\nimages/1.png,Pullover;Trouser\nimages/2.jpg,Trouser\n';

async function goodManifest(dir: string, images: FashionImageFiles): Promise<string> {
  await mkdir(join(dir, 'images'));
  await writeFile(join(dir, 'images', '0.png'), images.png[0]!);
  await writeFile(join(dir, 'images', '1.png'), images.png[1]!);
  await writeFile(join(dir, 'images', '2.jpg'), images.jpeg[2]!);
  const path = join(dir, 'manifest.csv');
  await writeFile(path, GOOD);
  return path;
}

interface ManifestCase {
  readonly name: string;
  /** Damages the good manifest (or its images) in `dir`; returns the path handed to the loader if not the manifest. */
  readonly make: (dir: string, images: FashionImageFiles) => Promise<string | undefined>;
  /** What the message must start with, after the case folder: the file, then `, row …, column …` where it applies. */
  readonly where: string;
  readonly mention: string | RegExp;
  readonly classNames?: readonly string[];
}

const manifestText = (text: string | Buffer) => async (dir: string) => {
  await writeFile(join(dir, 'manifest.csv'), text);
  return undefined;
};

const CASES: readonly ManifestCase[] = [
  {
    name: 'a row naming an absent image',
    make: manifestText(`${GOOD}images/9.png,Bag\n`),
    where: 'manifest.csv, row 5, column "path"',
    mention: /image "images\/9\.png" not found \(resolved to .*images\/9\.png\)/,
  },
  {
    name: 'a label that is not one of the given classes',
    make: manifestText(GOOD.replace('Pullover;Trouser', 'Pullover;Sock')),
    classNames: ['Ankle boot', 'Pullover', 'Trouser'],
    where: 'manifest.csv, row 3, column "labels"',
    mention: 'label "Sock" is not one of the classes (Ankle boot, Pullover, Trouser)',
  },
  {
    name: 'invalid UTF-8 in a path (a Latin-1 é)',
    make: manifestText(Buffer.concat([Buffer.from('path,labels\nimages/0.png,Bag\nimages/caf'), Buffer.from([0xe9]), Buffer.from('.png,Bag\n')])),
    where: 'manifest.csv, row 3',
    mention: 'invalid UTF-8 at column 11, byte offset 39 (byte 0xe9); expected a CSV manifest (path,labels) as UTF-8 text',
  },
  {
    name: 'invalid UTF-8 in a label (a cut multi-byte character)',
    make: manifestText(Buffer.concat([Buffer.from('path,labels\nimages/0.png,T-shirt'), Buffer.from([0xe2, 0x80]), Buffer.from('\n')])),
    where: 'manifest.csv, row 2',
    mention: 'invalid UTF-8 at column 21, byte offset 32 (byte 0xe2)',
  },
  {
    name: 'a PNG given as the manifest (binary)',
    make: async (dir, images) => {
      const path = join(dir, 'images.csv');
      await writeFile(path, images.png[0]!);
      return path;
    },
    where: 'images.csv, row 1',
    mention: 'invalid UTF-8 at column 1, byte offset 0 (byte 0x89); expected a CSV manifest (path,labels) as UTF-8 text',
  },
  { name: 'a zero-byte manifest', make: manifestText(''), where: 'manifest.csv', mention: 'is empty: a header row is required' },
  { name: 'a header without the labels column', make: manifestText('path,classes\nimages/0.png,Bag\n'), where: 'manifest.csv, row 1, column "labels"', mention: 'column not in the header; the header has "path", "classes"' },
  { name: 'a row with an extra field', make: manifestText(`${GOOD}images/0.png,Bag,extra\n`), where: 'manifest.csv, row 5', mention: 'has 3 fields but the header has 2' },
  { name: 'an unclosed quote', make: manifestText('path,labels\n"images/0.png,Bag\n'), where: 'manifest.csv, row 2', mention: 'malformed CSV: Quote Not Closed' },
  {
    name: 'a path naming a folder',
    make: manifestText(`${GOOD}images,Bag\n`),
    where: 'manifest.csv, row 5, column "path"',
    mention: 'image "images" is a folder, not an image file',
  },
  { name: 'an empty path', make: manifestText('path,labels\nimages/0.png,Bag\n,Bag\n'), where: 'manifest.csv, row 3, column "path"', mention: 'is empty' },
  { name: 'a header and no rows', make: manifestText('path,labels\n'), where: 'manifest.csv', mention: 'lists no images' },
  {
    name: 'a row whose image is a zero-byte PNG',
    make: async (dir) => {
      await writeFile(join(dir, 'images', '1.png'), '');
      return undefined;
    },
    where: 'manifest.csv, row 3, column "path"',
    mention: /image .*images\/1\.png: is empty \(0 bytes\), not an image/,
  },
  {
    name: 'a row whose image is text named .jpg',
    make: async (dir) => {
      await writeFile(join(dir, 'images', '2.jpg'), 'a trouser');
      return undefined;
    },
    where: 'manifest.csv, row 4, column "path"',
    mention: /image .*images\/2\.jpg: cannot decode image: not a JPEG, PNG or WebP file/,
  },
  { name: 'a manifest that does not exist', make: async (dir) => Promise.resolve(join(dir, 'absent.csv')), where: 'absent.csv', mention: 'file not found' },
  { name: 'a folder given as the manifest', make: async (dir) => Promise.resolve(join(dir, 'images')), where: 'images', mention: 'is a folder, expected a file' },
  {
    name: 'a gzip manifest cut short',
    make: async (dir) => {
      const path = join(dir, 'manifest.csv.gz');
      const bytes = gzipSync(GOOD.repeat(20));
      await writeFile(path, bytes.subarray(0, bytes.length - 20));
      return path;
    },
    where: 'manifest.csv.gz',
    mention: 'gzip data is corrupt or truncated',
  },
];

let images: FashionImageFiles;
beforeAll(async () => {
  images = await fashionImageFiles(3);
});
afterAll(removeTempDirs);

describe(`manifest loader: ${CASES.length} bad inputs made from a real Fashion-MNIST manifest`, () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const dir = await tempDir('manifest-case');
    const manifest = await goodManifest(dir, images);
    const given = (await c.make(dir, images)) ?? manifest;
    const error = await loadManifest(given, { ...OPTIONS, ...(c.classNames === undefined ? {} : { classNames: c.classNames }) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, 'the loader must refuse the input').toBeInstanceOf(DataFileError);
    const message = (error as DataFileError).message;
    expect(message.startsWith(`${join(dir, c.where)}: `), message).toBe(true);
    if (typeof c.mention === 'string') expect(message).toContain(c.mention);
    else expect(message).toMatch(c.mention);
    expect(message).not.toMatch(/\n|\uFFFD|undefined|\bE(ACCES|ISDIR|NOENT|NOTDIR|EXIST|PERM|NOTEMPTY|MFILE|IO|INVAL)\b/);
    expect(message.length).toBeLessThan(400);
  });

  it('loads the good manifest the cases start from', async () => {
    const dir = await tempDir('manifest-good');
    const loaded = await loadManifest(await goodManifest(dir, images), OPTIONS);
    expect(loaded.classNames).toEqual(['Ankle boot', 'Pullover', 'Trouser']);
    expect(Array.from(loaded.targets)).toEqual([1, 0, 0, 0, 1, 1, 0, 0, 1]);
  });
});
