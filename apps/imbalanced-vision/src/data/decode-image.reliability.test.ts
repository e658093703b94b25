import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { DataFileError } from '@counterweight/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { decodeImage, decodeImages } from './decode-image.js';
import { fashionImageFiles, type FashionImageFiles } from './test-support/fashion-image-files.js';
import { removeTempDirs, tempDir } from './test-support/fixtures.js';

// The bad-input corpus of the image decoder (`decodeImage`, used by `predict`, image folders and manifests): real
// Fashion-MNIST test images encoded by sharp as PNG, JPEG and WebP, then emptied, truncated, corrupted or replaced.
// Each must end in a DataFileError whose one line names the file and the real problem (empty, folder, missing, not an
// image, or truncated/corrupt data of the format its bytes announce, with the file size).

const SPEC = { height: 28, width: 28, channels: 1 } as const;

function flip(bytes: Buffer, from: number, to: number): Buffer {
  const copy = Buffer.from(bytes);
  for (let i = from; i < to; i += 1) copy[i] = (copy[i] as number) ^ 0xff;
  return copy;
}

interface ImageCase {
  readonly name: string;
  /** File name inside the case folder (the message must name it). */
  readonly file: string;
  /** Writes the file; `images` holds real Fashion-MNIST images encoded as PNG, JPEG and WebP. */
  readonly make: (path: string, images: FashionImageFiles) => Promise<void>;
  readonly mention: string | RegExp;
}

const write = (content: Buffer | string) => (path: string) => writeFile(path, content);

/** The corpus: name → how it is made → what the message must mention. */
const CASES: readonly ImageCase[] = [
  { name: 'a zero-byte PNG', file: 'empty.png', make: write(''), mention: 'is empty (0 bytes), not an image' },
  { name: 'a zero-byte JPEG', file: 'empty.jpg', make: write(''), mention: 'is empty (0 bytes), not an image' },
  { name: 'a folder named like an image', file: 'folder.png', make: (path) => mkdir(path).then(() => undefined), mention: 'is a folder, not an image file' },
  { name: 'a missing file', file: 'absent.png', make: () => Promise.resolve(), mention: 'file not found' },
  { name: 'a broken symbolic link', file: 'dangling.png', make: (path) => symlink(join(path, '..', 'nowhere.png'), path), mention: 'file not found' },
  { name: 'a text file named .png', file: 'notes.png', make: write('shirt, boot and bag\n'), mention: 'cannot decode image: not a JPEG, PNG or WebP file (it looks like a text file)' },
  { name: 'a CSV file named .jpg', file: 'table.jpg', make: write('path,labels\na.png,cat\n'), mention: 'not a JPEG, PNG or WebP file (it looks like a text file)' },
  {
    name: 'random binary bytes named .webp',
    file: 'noise.webp',
    make: write(Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 73 + 11) % 256))),
    mention: 'not a JPEG, PNG or WebP file (it starts with the bytes 0b 54 9d e6)',
  },
  { name: 'a PNG cut in half', file: 'half.png', make: (path, im) => writeFile(path, im.png[0]!.subarray(0, im.png[0]!.length >> 1)), mention: /PNG data truncated or corrupt \(\d+ bytes; decoder: .*end of stream\)/ },
  { name: 'a PNG cut after its signature and IHDR start (20 bytes)', file: 'head.png', make: (path, im) => writeFile(path, im.png[1]!.subarray(0, 20)), mention: 'PNG data truncated or corrupt (20 bytes; decoder: pngload_buffer: end of stream)' },
  { name: 'a PNG whose chunk bytes are flipped', file: 'flipped.png', make: (path, im) => writeFile(path, flip(im.png[2]!, 40, 60)), mention: /PNG data truncated or corrupt \(\d+ bytes; decoder: pngload_buffer: / },
  { name: 'a PNG whose signature is broken', file: 'magic.png', make: (path, im) => writeFile(path, flip(im.png[3]!, 0, 1)), mention: 'not a JPEG, PNG or WebP file (it starts with the bytes 76 50 4e 47)' },
  { name: 'a JPEG cut in half', file: 'half.jpg', make: (path, im) => writeFile(path, im.jpeg[0]!.subarray(0, im.jpeg[0]!.length >> 1)), mention: /JPEG data truncated or corrupt \(\d+ bytes; decoder: VipsJpeg: premature end of JPEG image\)/ },
  { name: 'a JPEG of only its SOI marker', file: 'soi.jpg', make: (path, im) => writeFile(path, im.jpeg[1]!.subarray(0, 2)), mention: 'JPEG data truncated or corrupt (2 bytes; decoder: VipsJpeg: premature end of JPEG image)' },
  { name: 'a JPEG without its end marker', file: 'noeoi.jpg', make: (path, im) => writeFile(path, im.jpeg[2]!.subarray(0, im.jpeg[2]!.length - 2)), mention: 'premature end of JPEG image' },
  {
    name: 'a JPEG with a corrupted header (the decoder reports three lines)',
    file: 'header.jpg',
    make: (path, im) => writeFile(path, Buffer.concat([im.jpeg[3]!.subarray(0, 2), Buffer.alloc(28, 0x55), im.jpeg[3]!.subarray(30)])),
    mention: /JPEG data truncated or corrupt \(\d+ bytes; decoder: VipsJpeg: Corrupt JPEG data: .*; VipsJpeg: /,
  },
  { name: 'a JPEG with flipped entropy-coded bytes', file: 'flipped.jpg', make: (path, im) => writeFile(path, flip(im.jpeg[4]!, 200, 260)), mention: /JPEG data truncated or corrupt/ },
  { name: 'a WebP cut in half', file: 'half.webp', make: (path, im) => writeFile(path, im.webp[0]!.subarray(0, im.webp[0]!.length >> 1)), mention: /WebP data truncated or corrupt \(\d+ bytes; decoder: / },
  { name: 'a JPEG named .png (the content decides)', file: 'jpeg-inside.png', make: (path, im) => writeFile(path, im.jpeg[0]!.subarray(0, 100)), mention: /JPEG data truncated or corrupt \(100 bytes/ },
];

let root: string;
let images: FashionImageFiles;
beforeAll(async () => {
  root = await tempDir('decode-reliability');
  images = await fashionImageFiles(5);
});
afterAll(removeTempDirs);

describe(`image decoder: ${CASES.length} bad inputs made from real Fashion-MNIST images`, () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const dir = await tempDir('decode-case');
    const path = join(dir, c.file);
    await c.make(path, images);
    const error = await decodeImage(path, SPEC).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, 'the decoder must refuse the input').toBeInstanceOf(DataFileError);
    const message = (error as DataFileError).message;
    expect((error as DataFileError).file).toBe(path);
    expect(message.startsWith(`${path}: `), message).toBe(true);
    if (typeof c.mention === 'string') expect(message).toContain(c.mention);
    else expect(message).toMatch(c.mention);
    expect(message).not.toMatch(/\n|\uFFFD|undefined|unsupported image format|\bE(ACCES|ISDIR|NOENT|NOTDIR|EXIST|PERM|NOTEMPTY|MFILE|IO|INVAL)\b/);
    expect(message.length).toBeLessThan(400);
  });

  it('decodes what is damaged only after the pixels (a PNG without its 12-byte IEND chunk)', async () => {
    const path = join(root, 'no-iend.png');
    await writeFile(path, images.png[0]!.subarray(0, images.png[0]!.length - 12));
    const whole = join(root, 'whole.png');
    await writeFile(whole, images.png[0]!);
    expect(await decodeImage(path, SPEC)).toEqual(await decodeImage(whole, SPEC));
  });

  it('with skipUnreadable, lists every bad file with its reason and keeps the good ones in order', async () => {
    const dir = await tempDir('decode-skip');
    const good = join(dir, 'good.png');
    const empty = join(dir, 'empty.png');
    const text = join(dir, 'text.png');
    await writeFile(good, images.png[4]!);
    await writeFile(empty, '');
    await writeFile(text, 'not an image');
    const decoded = await decodeImages([empty, good, text], SPEC, { skipUnreadable: true, quiet: true });
    expect(Array.from(decoded.kept)).toEqual([1]);
    expect(decoded.skipped).toEqual([
      { path: empty, reason: 'is empty (0 bytes), not an image' },
      { path: text, reason: 'cannot decode image: not a JPEG, PNG or WebP file (it looks like a text file)' },
    ]);
  });
});
