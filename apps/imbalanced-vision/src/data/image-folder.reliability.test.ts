import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { DataFileError } from '@counterweight/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FASHION_MNIST_CLASSES } from './fashion-mnist.js';
import { loadImageFolder } from './image-folder.js';
import { fashionImageFiles, type FashionImageFiles } from './test-support/fashion-image-files.js';
import { removeTempDirs, tempDir } from './test-support/fixtures.js';

// The bad-input corpus of the image-folder loader (`loadImageFolder`: one sub-folder of images per class): a real
// Fashion-MNIST folder (test images encoded by sharp, filed under their class names) damaged one way each. Every case
// must end in a DataFileError whose one line names the folder or file at fault and the problem.

const OPTIONS = { image: { height: 28, width: 28, channels: 1 }, quiet: true } as const;

/** Writes a good two-class folder under `root`: three PNGs and a JPEG per class, named by class. */
async function goodFolder(root: string, images: FashionImageFiles): Promise<void> {
  for (const [c, name] of ['Trouser', 'Bag'].entries()) {
    const dir = join(root, name);
    await mkdir(dir, { recursive: true });
    for (let i = 0; i < 3; i += 1) await writeFile(join(dir, `${i}.png`), images.png[2 * c + i]!);
    await writeFile(join(dir, '3.jpg'), images.jpeg[2 * c]!);
  }
}

interface FolderCase {
  readonly name: string;
  /** The path the message must start with, relative to the case folder (`.` for the case folder itself). */
  readonly names: string;
  /** Damages the good folder in `root` (or builds something else there). */
  readonly make: (root: string, images: FashionImageFiles) => Promise<void>;
  /** The folder handed to the loader, relative to the case folder (default `.`). */
  readonly root?: string;
  readonly mention: string;
  readonly skipUnreadable?: boolean;
}

const CASES: readonly FolderCase[] = [
  { name: 'a folder that does not exist', names: 'absent', root: 'absent', make: () => Promise.resolve(), mention: 'directory not found' },
  {
    name: 'a file given as the folder',
    names: 'Bag/0.png',
    root: 'Bag/0.png',
    make: (root, images) => goodFolder(root, images),
    mention: 'is a file, expected a folder with one sub-folder of images per class',
  },
  { name: 'an empty folder (no classes)', names: '.', make: () => Promise.resolve(), mention: 'holds no class folders (expected one sub-folder of images per class)' },
  {
    name: 'images but no class folders (a flat folder of PNGs)',
    names: '.',
    make: (root, images) => writeFile(join(root, 'a.png'), images.png[0]!),
    mention: 'holds no class folders',
  },
  { name: 'only hidden folders', names: '.', make: (root) => mkdir(join(root, '.cache', 'Bag'), { recursive: true }).then(() => undefined), mention: 'holds no class folders' },
  {
    name: 'a class folder with no images (only a README)',
    names: 'Coat',
    make: async (root, images) => {
      await goodFolder(root, images);
      await mkdir(join(root, 'Coat'));
      await writeFile(join(root, 'Coat', 'README.txt'), 'coats go here');
    },
    mention: 'class folder holds no JPEG, PNG or WebP images',
  },
  {
    name: 'a zero-byte PNG in a class',
    names: 'Trouser/1.png',
    make: async (root, images) => {
      await goodFolder(root, images);
      await writeFile(join(root, 'Trouser', '1.png'), '');
    },
    mention: 'is empty (0 bytes), not an image',
  },
  {
    name: 'a truncated JPEG in a class',
    names: 'Bag/3.jpg',
    make: async (root, images) => {
      await goodFolder(root, images);
      await writeFile(join(root, 'Bag', '3.jpg'), images.jpeg[2]!.subarray(0, 120));
    },
    mention: 'JPEG data truncated or corrupt (120 bytes',
  },
  {
    name: 'a text file named .png in a class',
    names: 'Bag/notes.png',
    make: async (root, images) => {
      await goodFolder(root, images);
      await writeFile(join(root, 'Bag', 'notes.png'), 'to do: more bags');
    },
    mention: 'not a JPEG, PNG or WebP file (it looks like a text file)',
  },
  {
    name: 'a broken symbolic link named .png',
    names: 'Trouser/link.png',
    make: async (root, images) => {
      await goodFolder(root, images);
      await symlink(join(root, 'gone.png'), join(root, 'Trouser', 'link.png'));
    },
    mention: 'is a broken symbolic link (its target does not exist)',
  },
  {
    name: 'a class whose every image is unreadable, with skipUnreadable',
    names: 'Coat',
    skipUnreadable: true,
    make: async (root, images) => {
      await goodFolder(root, images);
      await mkdir(join(root, 'Coat'));
      await writeFile(join(root, 'Coat', 'a.png'), '');
      await writeFile(join(root, 'Coat', 'b.jpg'), images.png[0]!.subarray(0, 30));
    },
    mention: 'class folder holds no readable image (all were skipped)',
  },
];

let images: FashionImageFiles;
beforeAll(async () => {
  images = await fashionImageFiles(6);
});
afterAll(removeTempDirs);

describe(`image-folder loader: ${CASES.length} bad inputs made from real Fashion-MNIST images`, () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const dir = await tempDir('folder-case');
    await c.make(dir, images);
    const error = await loadImageFolder(join(dir, c.root ?? '.'), { ...OPTIONS, skipUnreadable: c.skipUnreadable === true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, 'the loader must refuse the input').toBeInstanceOf(DataFileError);
    const message = (error as DataFileError).message;
    expect(message.startsWith(`${join(dir, c.names)}: `), message).toBe(true);
    expect(message).toContain(c.mention);
    expect(message).not.toMatch(/\n|\uFFFD|undefined|\bE(ACCES|ISDIR|NOENT|NOTDIR|EXIST|PERM|NOTEMPTY|MFILE|IO|INVAL)\b/);
    expect(message.length).toBeLessThan(400);
  });

  it('loads the good folder the cases start from (so each failure is the damage, not the fixture)', async () => {
    const dir = await tempDir('folder-good');
    await goodFolder(dir, images);
    const loaded = await loadImageFolder(dir, OPTIONS);
    expect(loaded.classNames).toEqual(['Bag', 'Trouser']);
    expect(loaded.count).toBe(8);
    expect(FASHION_MNIST_CLASSES).toContain('Bag');
  });
});
