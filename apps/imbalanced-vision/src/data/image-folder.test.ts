import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { ConfigError, DataFileError } from '@counterweight/runtime';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { decodeImage, decodeImages } from './decode-image.js';
import type { IdxDataset } from './idx.js';
import { loadImageFolder } from './image-folder.js';
import { debianFashionMnist, removeTempDirs, tempDir } from './test-support/fixtures.js';

let fashion: IdxDataset;
let dir: string;

/** Real Fashion-MNIST training image `index` (28×28 grey). */
function real(index: number): Uint8Array {
  return fashion.train.pixels.subarray(index * 784, (index + 1) * 784);
}

function grey(index: number): sharp.Sharp {
  return sharp(Buffer.from(real(index)), { raw: { width: 28, height: 28, channels: 1 } });
}

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let total = 0;
  for (let i = 0; i < a.length; i += 1) total += Math.abs((a[i] as number) - (b[i] as number));
  return total / a.length;
}

const QUIET = { quiet: true } as const;

beforeAll(async () => {
  fashion = await debianFashionMnist();
  dir = await tempDir('folder');
});
afterAll(removeTempDirs);

describe('decodeImage', () => {
  it('decodes a grey PNG to exactly its pixels, and to RGB with equal channels', async () => {
    const path = join(dir, 'img0.png');
    await grey(0).png().toFile(path);
    const one = await decodeImage(path, { height: 28, width: 28, channels: 1 });
    expect(Buffer.from(one).equals(Buffer.from(real(0)))).toBe(true);
    const three = await decodeImage(path, { height: 28, width: 28, channels: 3 });
    expect(three.length).toBe(28 * 28 * 3);
    for (let p = 0; p < 784; p += 1) {
      expect([three[3 * p], three[3 * p + 1], three[3 * p + 2]]).toEqual([real(0)[p], real(0)[p], real(0)[p]]);
    }
  });

  it('converts colour to grey, drops alpha by compositing onto the background, and reads 16-bit PNGs', async () => {
    // RGBA: the real image in the red channel, fully transparent where the real pixel is 0 (RGB white there)
    const rgba = new Uint8Array(784 * 4);
    for (let p = 0; p < 784; p += 1) {
      const v = real(1)[p] as number;
      rgba.set(v === 0 ? [255, 255, 255, 0] : [v, 0, 0, 255], 4 * p);
    }
    const path = join(dir, 'rgba.png');
    await sharp(Buffer.from(rgba), { raw: { width: 28, height: 28, channels: 4 } }).png().toFile(path);
    const rgb = await decodeImage(path, { height: 28, width: 28, channels: 3 });
    const greyed = await decodeImage(path, { height: 28, width: 28, channels: 1 });
    for (let p = 0; p < 784; p += 1) {
      const v = real(1)[p] as number;
      expect([rgb[3 * p], rgb[3 * p + 1], rgb[3 * p + 2]]).toEqual(v === 0 ? [0, 0, 0] : [v, 0, 0]);
      if (v === 0) expect(greyed[p]).toBe(0);
    }
    // libvips converts sRGB to grey through linear light: Y = 0.2126 R + 0.7152 G + 0.0722 B on linearised values
    const toLinear = (v: number): number => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    const toSrgb = (v: number): number => (v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055);
    for (let p = 0; p < 784; p += 1) {
      const v = real(1)[p] as number;
      if (v > 0) expect(Math.abs((greyed[p] as number) - 255 * toSrgb(0.2126 * toLinear(v / 255)))).toBeLessThanOrEqual(2);
    }
    const white = await decodeImage(path, { height: 28, width: 28, channels: 1, background: 255 });
    expect(white[real(1).indexOf(0)]).toBe(255);

    const deep = join(dir, 'deep.png');
    await grey(2).toColourspace('grey16').png().toFile(deep);
    expect((await sharp(deep).metadata()).depth).toBe('ushort');
    const back = await decodeImage(deep, { height: 28, width: 28, channels: 1 });
    expect(meanAbsDiff(back, real(2))).toBeLessThan(1);
  });

  it('resizes to the declared size (cover, contain, fill)', async () => {
    const path = join(dir, 'wide.png');
    // 28×56: the real image next to a black one
    const wide = new Uint8Array(28 * 56);
    for (let y = 0; y < 28; y += 1) wide.set(real(3).subarray(y * 28, y * 28 + 28), y * 56);
    await sharp(Buffer.from(wide), { raw: { width: 56, height: 28, channels: 1 } }).png().toFile(path);
    for (const fit of ['cover', 'contain', 'fill'] as const) {
      const out = await decodeImage(path, { height: 14, width: 14, channels: 1, fit });
      expect(out.length).toBe(196);
    }
    // contain pads top and bottom with the background: the first rows are black, whatever the image
    const contain = await decodeImage(path, { height: 28, width: 28, channels: 1, fit: 'contain', background: 200 });
    expect(Array.from(contain.subarray(0, 28 * 3))).toEqual(new Array(28 * 3).fill(200));
    // fill at the source size is the identity on the left half
    const fill = await decodeImage(path, { height: 28, width: 56, channels: 1, fit: 'fill' });
    for (let y = 0; y < 28; y += 1) {
      expect(Array.from(fill.subarray(y * 56, y * 56 + 28))).toEqual(Array.from(real(3).subarray(y * 28, y * 28 + 28)));
    }
  });

  it('applies the EXIF orientation', async () => {
    // stored unrotated with orientation 6 ("rotate 90° clockwise to display")
    const path = join(dir, 'oriented.jpg');
    await grey(5).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toFile(path);
    const decoded = await decodeImage(path, { height: 28, width: 28, channels: 1 });
    const rotated = new Uint8Array(784);
    for (let y = 0; y < 28; y += 1) for (let x = 0; x < 28; x += 1) rotated[y * 28 + x] = real(5)[(27 - x) * 28 + y] as number;
    expect(meanAbsDiff(decoded, rotated)).toBeLessThan(3);
    expect(meanAbsDiff(decoded, real(5))).toBeGreaterThan(10);
  });

  it('reports an unreadable or truncated file by path', async () => {
    const garbage = join(dir, 'garbage.png');
    await writeFile(garbage, 'this is not a PNG');
    await expect(decodeImage(garbage, { height: 28, width: 28, channels: 1 })).rejects.toThrow(
      new RegExp(`^${garbage}: cannot decode image: `),
    );
    const jpeg = join(dir, 'cut.jpg');
    const whole = await grey(4).resize(112, 112).jpeg().toBuffer();
    await writeFile(jpeg, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const error = await decodeImage(jpeg, { height: 28, width: 28, channels: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFileError);
    expect((error as DataFileError).file).toBe(jpeg);
    await expect(decodeImage(join(dir, 'missing.png'), { height: 28, width: 28, channels: 1 })).rejects.toThrow('missing.png');
  });

  it('rejects a bad spec', async () => {
    await expect(decodeImages([], { height: 0, width: 28, channels: 1 })).rejects.toThrow(ConfigError);
    await expect(decodeImages([], { height: 28, width: 28, channels: 4 as 3 })).rejects.toThrow('image channels');
  });
});

describe('loadImageFolder', () => {
  let root: string;
  // classes by folder name; sorted: bag, sneaker, trouser
  const folders: Record<string, { format: 'png' | 'jpeg' | 'webp'; label: number }> = {
    trouser: { format: 'png', label: 1 },
    sneaker: { format: 'jpeg', label: 7 },
    bag: { format: 'webp', label: 8 },
  };
  const written: Record<string, number[]> = {};

  beforeAll(async () => {
    root = join(dir, 'folder');
    for (const [name, { format, label }] of Object.entries(folders)) {
      await mkdir(join(root, name, 'nested'), { recursive: true });
      const indices: number[] = [];
      for (let i = 0; i < fashion.train.count && indices.length < 5; i += 1) if (fashion.train.labels[i] === label) indices.push(i);
      written[name] = indices;
      for (const [k, index] of indices.entries()) {
        const file = k === 4 ? join('nested', `z${k}.${format}`) : `img${k}.${format === 'jpeg' ? 'JPG' : format}`;
        const image = grey(index);
        await (format === 'png' ? image.png() : format === 'jpeg' ? image.jpeg({ quality: 95 }) : image.webp({ quality: 95 })).toFile(
          join(root, name, file),
        );
      }
      await writeFile(join(root, name, 'notes.txt'), 'not an image');
      await writeFile(join(root, name, '.hidden.png'), 'hidden, not read');
    }
  });

  it('sorts class folders into ids, reads images recursively in path order, fixed size and channels', async () => {
    const images = await loadImageFolder(root, { image: { height: 28, width: 28, channels: 1 }, ...QUIET });
    expect(images.classNames).toEqual(['bag', 'sneaker', 'trouser']);
    expect(images.count).toBe(15);
    expect(Array.from(images.labels)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
    expect(images.paths.slice(10)).toEqual([
      'trouser/img0.png',
      'trouser/img1.png',
      'trouser/img2.png',
      'trouser/img3.png',
      'trouser/nested/z4.png',
    ]);
    expect(images.pixels.length).toBe(15 * 784);
    // PNG is lossless: byte for byte; JPEG and WebP close to the real image
    for (let k = 0; k < 5; k += 1) {
      const png = images.pixels.subarray((10 + k) * 784, (11 + k) * 784);
      expect(Buffer.from(png).equals(Buffer.from(real(written['trouser']?.[k] ?? -1)))).toBe(true);
      expect(meanAbsDiff(images.pixels.subarray(k * 784, (k + 1) * 784), real(written['bag']?.[k] ?? -1))).toBeLessThan(6);
      expect(meanAbsDiff(images.pixels.subarray((5 + k) * 784, (6 + k) * 784), real(written['sneaker']?.[k] ?? -1))).toBeLessThan(6);
    }
    const rgb = await loadImageFolder(root, { image: { height: 32, width: 32, channels: 3 }, ...QUIET });
    expect([rgb.height, rgb.width, rgb.channels, rgb.pixels.length]).toEqual([32, 32, 3, 15 * 32 * 32 * 3]);
  });

  it('fails on an unreadable image by path, or skips it with skipUnreadable', async () => {
    const broken = join(root, 'sneaker', 'img1b.jpg');
    await writeFile(broken, (await readFile(join(root, 'sneaker', 'img1.JPG'))).subarray(0, 200));
    try {
      await expect(loadImageFolder(root, { image: { height: 28, width: 28, channels: 1 }, ...QUIET })).rejects.toThrow(
        `${broken}: cannot decode image`,
      );
      const images = await loadImageFolder(root, { image: { height: 28, width: 28, channels: 1 }, skipUnreadable: true, ...QUIET });
      expect(images.count).toBe(15);
      expect(images.skipped).toHaveLength(1);
      expect(images.skipped[0]?.path).toBe(broken);
      expect(images.skipped[0]?.reason).toMatch(/^cannot decode image: /);
      expect(images.paths).not.toContain('sneaker/img1b.jpg');
    } finally {
      await rm(broken);
    }
  });

  it('rejects a missing folder, a folder without classes and an empty class', async () => {
    await expect(loadImageFolder(join(dir, 'absent'), { image: { height: 28, width: 28, channels: 1 } })).rejects.toThrow(
      'directory not found',
    );
    const flat = join(dir, 'flat');
    await mkdir(flat, { recursive: true });
    await grey(0).png().toFile(join(flat, 'a.png'));
    await expect(loadImageFolder(flat, { image: { height: 28, width: 28, channels: 1 } })).rejects.toThrow('holds no class folders');
    await mkdir(join(flat, 'empty'));
    await writeFile(join(flat, 'empty', 'readme.txt'), 'no images here');
    await expect(loadImageFolder(flat, { image: { height: 28, width: 28, channels: 1 } })).rejects.toThrow(
      `${join(flat, 'empty')}: class folder holds no JPEG, PNG or WebP images`,
    );
    await writeFile(join(flat, 'empty', 'bad.png'), 'not a png');
    await expect(
      loadImageFolder(flat, { image: { height: 28, width: 28, channels: 1 }, skipUnreadable: true, ...QUIET }),
    ).rejects.toThrow(`${join(flat, 'empty')}: class folder holds no readable image (all were skipped)`);
  });
});
