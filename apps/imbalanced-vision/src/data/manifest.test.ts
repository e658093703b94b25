import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { DataFileError } from '@counterweight/runtime';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { IdxDataset } from './idx.js';
import { loadManifest } from './manifest.js';
import { debianFashionMnist, removeTempDirs, tempDir } from './test-support/fixtures.js';

let fashion: IdxDataset;
let dir: string;
const image = { height: 28, width: 28, channels: 1 } as const;
const QUIET = { quiet: true } as const;

function real(index: number): Uint8Array {
  return fashion.train.pixels.subarray(index * 784, (index + 1) * 784);
}

beforeAll(async () => {
  fashion = await debianFashionMnist();
  dir = await tempDir('manifest');
  await mkdir(join(dir, 'images', 'a,b'), { recursive: true });
  for (let i = 0; i < 4; i += 1) {
    await sharp(Buffer.from(real(i)), { raw: { width: 28, height: 28, channels: 1 } })
      .png()
      .toFile(join(dir, 'images', i === 3 ? 'a,b/three.png' : `${i}.png`));
  }
  await writeFile(join(dir, 'images', 'broken.png'), 'not an image');
});
afterAll(removeTempDirs);

async function manifest(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe('loadManifest', () => {
  it('reads paths and ;-separated labels into multi-hot targets, with classes sorted', async () => {
    const path = await manifest(
      'ok.csv',
      'id,path,labels\r\n7,images/0.png,boot; shoe \r\n8,images/1.png,top\r\n9,images/2.png,\r\n10,"images/a,b/three.png",shoe;top;shoe\r\n',
    );
    const images = await loadManifest(path, { image, ...QUIET });
    expect(images.classNames).toEqual(['boot', 'shoe', 'top']);
    expect(images.count).toBe(4);
    expect(images.paths).toEqual(['images/0.png', 'images/1.png', 'images/2.png', 'images/a,b/three.png']);
    expect(Array.from(images.targets)).toEqual([1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1]);
    for (let i = 0; i < 4; i += 1) {
      expect(Buffer.from(images.pixels.subarray(i * 784, (i + 1) * 784)).equals(Buffer.from(real(i)))).toBe(true);
    }
  });

  it('keeps a given class order and resolves paths against root', async () => {
    const path = await manifest('rooted.csv', 'path,labels\n0.png,top\n1.png,boot\n');
    const images = await loadManifest(path, { image, root: join(dir, 'images'), classNames: ['top', 'shoe', 'boot'], ...QUIET });
    expect(Array.from(images.targets)).toEqual([1, 0, 0, 0, 0, 1]);
  });

  it('a row with an unknown path names the manifest, row and column', async () => {
    const path = await manifest('unknown.csv', 'path,labels\nimages/0.png,top\nimages/nope.png,top\nimages/alsonope.png,top\n');
    const error = await loadManifest(path, { image, ...QUIET }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFileError);
    expect(error).toMatchObject({ file: path, row: 3, column: 'path' });
    expect((error as Error).message).toContain('image "images/nope.png" not found');
    // still an error with skipUnreadable: the manifest is wrong, not the image
    await expect(loadManifest(path, { image, skipUnreadable: true, ...QUIET })).rejects.toThrow('row 3, column "path"');
  });

  it('a label outside the given classes names row and column', async () => {
    const path = await manifest('label.csv', 'path,labels\nimages/0.png,top\nimages/1.png,top;hat\n');
    await expect(loadManifest(path, { image, classNames: ['top', 'boot'], ...QUIET })).rejects.toThrow(
      `${path}, row 3, column "labels": label "hat" is not one of the classes (top, boot)`,
    );
  });

  it('an empty path, a missing column and an empty manifest are errors', async () => {
    const empty = await manifest('empty-path.csv', 'path,labels\nimages/0.png,top\n ,top\n');
    await expect(loadManifest(empty, { image, ...QUIET })).rejects.toThrow(`${empty}, row 3, column "path": is empty`);
    const noLabels = await manifest('no-labels.csv', 'path,tags\nimages/0.png,top\n');
    await expect(loadManifest(noLabels, { image, ...QUIET })).rejects.toThrow(/labels/);
    const header = await manifest('header-only.csv', 'path,labels\n');
    await expect(loadManifest(header, { image, ...QUIET })).rejects.toThrow('lists no images');
  });

  it('an unreadable image fails by path, or is skipped with skipUnreadable', async () => {
    const path = await manifest('broken.csv', 'path,labels\nimages/0.png,top\nimages/broken.png,boot\nimages/1.png,shoe\n');
    await expect(loadManifest(path, { image, ...QUIET })).rejects.toThrow(`${join(dir, 'images', 'broken.png')}: cannot decode image`);
    const images = await loadManifest(path, { image, skipUnreadable: true, ...QUIET });
    expect(images.paths).toEqual(['images/0.png', 'images/1.png']);
    expect(images.classNames).toEqual(['boot', 'shoe', 'top']);
    expect(Array.from(images.targets)).toEqual([0, 0, 1, 0, 1, 0]);
    expect(images.skipped.map((s) => s.path)).toEqual([join(dir, 'images', 'broken.png')]);
  });
});
