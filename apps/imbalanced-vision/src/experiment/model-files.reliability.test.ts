import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { ConfigError, DataFileError, initBackend } from '@counterweight/runtime';
import { OnnxModelError, onnx } from '@counterweight/runtime/onnx';
import { listFiles } from '@counterweight/reliability-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { embeddedSampleDir } from '../data/sample.js';
import { fashionImageFiles, type FashionImageFiles } from '../data/test-support/fashion-image-files.js';
import { removeTempDirs, tempDir } from '../data/test-support/fixtures.js';
import { checkTeacher } from './check-teacher.js';
import { CLASS_NAMES_METADATA_KEY, exportRun } from './export-run.js';
import { COMPARE_DEFAULTS, settingsOf } from './options.js';
import { prepareData, type ExperimentData } from './prepare-data.js';
import { predictImages } from './predict-images.js';
import { ctrLikeModel, foreignImageModel, threeClassTeacher, twoInputModel } from '../onnx/test-support/foreign-models.js';
import { savedRun } from './test-support/saved-run.js';
import { TRAINED_MODEL, TRAINED_WEIGHTS } from './trained-model.js';

// The bad-input corpora of the two model loaders a user points at a file: the run folder given to `export --run`
// (`loadTrainedModel` via `exportRun`) and the ONNX file given to `predict --model` (and `--teacher`; both load it
// with `OnnxClassifier.load`, `predictImages` adds this app's checks). Each case starts from a real run folder
// (a Fashion-MNIST cnn saved by `saveTrainedModel`, normalised on real images) or its real export, damaged one way, and
// must end in a typed error whose one line names the file and the problem — and leave no output file behind.

let root: string;
let goodRun: string;
let goodOnnx: string;
let images: FashionImageFiles;
let imageDir: string;

beforeAll(async () => {
  await initBackend();
  root = await tempDir('model-files');
  images = await fashionImageFiles(4);
  imageDir = join(root, 'images');
  await mkdir(imageDir);
  await Promise.all(images.png.map((png, i) => writeFile(join(imageDir, `${i}.png`), png)));
  ({ run: goodRun, onnx: goodOnnx } = await savedRun(root));
});
afterAll(removeTempDirs);

/** A copy of the good run folder, to damage. */
async function runCopy(): Promise<string> {
  const dir = join(await tempDir('run-case'), 'seed-0');
  await cp(goodRun, dir, { recursive: true });
  return dir;
}

async function editModelJson(dir: string, edit: (info: Record<string, unknown>) => void): Promise<void> {
  const info = JSON.parse(await readFile(join(dir, TRAINED_MODEL), 'utf8')) as Record<string, unknown>;
  edit(info);
  await writeFile(join(dir, TRAINED_MODEL), JSON.stringify(info));
}

interface RunCase {
  readonly name: string;
  /** Makes the run folder to export (from a copy of the good one, or not); returns its path. */
  readonly make: () => Promise<string>;
  /** The file the message must start with, relative to the run folder (`.` for the folder). */
  readonly names: string;
  readonly mention: string | RegExp;
}

const RUN_CASES: readonly RunCase[] = [
  { name: 'a run folder that does not exist', make: async () => join(await tempDir('run-case'), 'seed-9'), names: '.', mention: 'run folder not found' },
  {
    name: 'a file given as the run folder',
    make: async () => join(await runCopy(), TRAINED_WEIGHTS),
    names: '.',
    mention: 'is a file, expected a run folder of `compare` (<out>/runs/<recipe>/seed-<r>)',
  },
  {
    name: 'an unfinished run (checkpoints, no model yet)',
    make: async () => {
      const dir = await runCopy();
      await rm(join(dir, TRAINED_MODEL));
      await mkdir(join(dir, 'stage-0', 'step-8'), { recursive: true });
      return dir;
    },
    names: TRAINED_MODEL,
    mention: 'does not exist: the run has checkpoints but did not finish (run the same compare command again to complete it)',
  },
  { name: 'an empty folder (not a run)', make: () => tempDir('run-case'), names: TRAINED_MODEL, mention: 'does not exist: not a run folder of `compare`' },
  {
    name: 'the comparison folder instead of a run folder',
    make: () => Promise.resolve(root),
    names: TRAINED_MODEL,
    mention: 'does not exist: not a run folder of `compare`',
  },
  {
    name: 'a zero-byte model.json',
    make: async () => {
      const dir = await runCopy();
      await writeFile(join(dir, TRAINED_MODEL), '');
      return dir;
    },
    names: TRAINED_MODEL,
    mention: 'is empty (0 bytes); expected the JSON description of a trained model',
  },
  {
    name: 'model.json cut in half',
    make: async () => {
      const dir = await runCopy();
      const text = await readFile(join(dir, TRAINED_MODEL), 'utf8');
      await writeFile(join(dir, TRAINED_MODEL), text.slice(0, text.length >> 1));
      return dir;
    },
    names: TRAINED_MODEL,
    mention: /not valid JSON at line \d+, column \d+: (unterminated string|expected .*, found the end of the text)/,
  },
  {
    name: "another app's model.json (a result.json in its place)",
    make: async () => {
      const dir = await runCopy();
      await writeFile(join(dir, TRAINED_MODEL), JSON.stringify({ run: { method: 'ce' }, result: { top1: 0.8 } }));
      return dir;
    },
    names: TRAINED_MODEL,
    mention: 'is not an imbalanced-vision model (format missing, expected "imbalanced-vision-model")',
  },
  {
    name: 'model.json without its weights manifest',
    make: async () => {
      const dir = await runCopy();
      await editModelJson(dir, (info) => delete info['weights']);
      return dir;
    },
    names: TRAINED_MODEL,
    mention: 'has no "weights" manifest',
  },
  {
    name: 'model.json naming an unknown architecture',
    make: async () => {
      const dir = await runCopy();
      await editModelJson(dir, (info) => (info['model'] = { ...(info['model'] as object), arch: 'vgg' }));
      return dir;
    },
    names: TRAINED_MODEL,
    mention: /its "model" options do not describe a model this app builds \(.*vgg/,
  },
  {
    name: 'model.json describing 3 classes for weights of 10',
    make: async () => {
      const dir = await runCopy();
      await editModelJson(dir, (info) => (info['model'] = { ...(info['model'] as object), numClasses: 3 }));
      return dir;
    },
    names: TRAINED_WEIGHTS,
    mention: /variable .* is missing or has another shape/,
  },
  {
    name: 'weights.bin missing',
    make: async () => {
      const dir = await runCopy();
      await rm(join(dir, TRAINED_WEIGHTS));
      return dir;
    },
    names: TRAINED_WEIGHTS,
    mention: 'is missing or unreadable',
  },
  {
    name: 'weights.bin truncated',
    make: async () => {
      const dir = await runCopy();
      const bytes = await readFile(join(dir, TRAINED_WEIGHTS));
      await writeFile(join(dir, TRAINED_WEIGHTS), bytes.subarray(0, bytes.length - 1000));
      return dir;
    },
    names: TRAINED_WEIGHTS,
    mention: /has \d+ bytes, model\.json describes \d+/,
  },
];

/** The good export with one metadata entry replaced. */
async function withMetadata(key: string, value: string): Promise<Uint8Array> {
  const model = onnx.ModelProto.decode(await readFile(goodOnnx));
  model.metadataProps = model.metadataProps.map((p) => (p.key === key ? onnx.StringStringEntryProto.create({ key, value }) : p));
  return onnx.ModelProto.encode(model).finish();
}

interface OnnxCase {
  readonly name: string;
  /** Makes the model path handed to `predict --model`. */
  readonly make: (dir: string) => Promise<string>;
  readonly errorClass: typeof OnnxModelError | typeof ConfigError | typeof DataFileError;
  /** What the message must start with. */
  readonly starts: (model: string) => string;
  readonly mention: string | RegExp;
}

const file = (name: string, content: () => Promise<Uint8Array | string> | Uint8Array | string) => async (dir: string) => {
  const path = join(dir, name);
  await writeFile(path, await content());
  return path;
};

const ONNX_CASES: readonly OnnxCase[] = [
  { name: 'a zero-byte .onnx', make: file('empty.onnx', () => ''), errorClass: OnnxModelError, starts: (m) => m, mention: 'is empty, not an ONNX model' },
  {
    name: 'a text file named .onnx',
    make: file('notes.onnx', () => 'this is where the model will go\n'),
    errorClass: OnnxModelError,
    starts: (m) => m,
    mention: 'is not a valid ONNX model (onnxruntime: ',
  },
  {
    name: 'the app’s export cut in half',
    make: file('half.onnx', async () => {
      const bytes = await readFile(goodOnnx);
      return bytes.subarray(0, bytes.length >> 1);
    }),
    errorClass: OnnxModelError,
    starts: (m) => m,
    mention: 'is not a valid ONNX model (onnxruntime: ',
  },
  { name: 'a model file that does not exist', make: (dir) => Promise.resolve(join(dir, 'absent.onnx')), errorClass: OnnxModelError, starts: (m) => m, mention: 'file not found' },
  {
    name: 'a folder given as the model',
    make: async (dir) => {
      await mkdir(join(dir, 'models'));
      return join(dir, 'models');
    },
    errorClass: OnnxModelError,
    starts: (m) => m,
    mention: 'is a folder, expected an ONNX model file',
  },
  {
    name: 'a run folder given as the model',
    make: () => Promise.resolve(goodRun),
    errorClass: OnnxModelError,
    starts: (m) => m,
    mention: `is a run folder, not an ONNX file; export it first: imbalanced-vision export --run ${'<run>'} --out model.onnx`,
  },
  {
    name: 'a CTR-style ONNX model (39 features in)',
    make: file('ctr.onnx', ctrLikeModel),
    errorClass: OnnxModelError,
    starts: (m) => m,
    mention: 'is not an image classifier: its input "features" is float32 [?, 39], expected a 4-D float32 image tensor (NHWC or NCHW)',
  },
  { name: 'a two-input ONNX model', make: file('two.onnx', twoInputModel), errorClass: OnnxModelError, starts: (m) => m, mention: 'has 2 inputs (image, mask)' },
  {
    name: 'an image classifier exported elsewhere (PyTorch-style NCHW, no metadata)',
    make: file('torch.onnx', foreignImageModel),
    errorClass: ConfigError,
    starts: () => '--model',
    mention: /torch\.onnx was not written by `imbalanced-vision export` \(it does not take raw pixels\)/,
  },
  {
    name: 'the app’s export with its class names damaged',
    make: file('names.onnx', () => withMetadata(CLASS_NAMES_METADATA_KEY, '["T-shirt/top", "Trou')),
    errorClass: OnnxModelError,
    starts: (m) => m,
    mention: 'metadata "classNames" is missing or not a JSON array of class names',
  },
  {
    name: 'the app’s export naming 3 classes for 10 outputs',
    make: file('three.onnx', () => withMetadata(CLASS_NAMES_METADATA_KEY, '["a", "b", "c"]')),
    errorClass: OnnxModelError,
    starts: (m) => m,
    mention: 'gives 10 logits per image but names 3 classes',
  },
];

describe(`run folders given to export: ${RUN_CASES.length} bad inputs made from a real run folder`, () => {
  it.each(RUN_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const run = await c.make();
    const out = join(await tempDir('export-out'), 'model.onnx');
    const error = await exportRun(run, out).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, 'export must refuse the run folder').toBeInstanceOf(DataFileError);
    const message = (error as Error).message;
    expect(message.startsWith(`${join(run, c.names)}: `), message).toBe(true);
    if (typeof c.mention === 'string') expect(message).toContain(c.mention);
    else expect(message).toMatch(c.mention);
    expect(message).not.toMatch(/\n|\uFFFD|undefined|\bE(ACCES|ISDIR|NOENT|NOTDIR|EXIST|PERM|NOTEMPTY|MFILE|IO|INVAL)\b|SyntaxError|TypeError/);
    expect(existsSync(out), 'no model file is written').toBe(false);
  });
});

describe('export to a folder', () => {
  it('is refused naming --out and the folder, before anything is read or written', async () => {
    const out = await tempDir('export-folder');
    const error = await exportRun(goodRun, out).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(`--out: ${out} is a folder; give the ONNX file to write, e.g. ${join(out, 'model.onnx')}`);
    expect(listFiles(out).size).toBe(0);
  });
});

describe(`ONNX models given to predict: ${ONNX_CASES.length} bad inputs`, () => {
  it.each(ONNX_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const model = await c.make(await tempDir('onnx-case'));
    const error = await predictImages(model, [join(imageDir, '0.png')], { quiet: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, 'predict must refuse the model').toBeInstanceOf(c.errorClass);
    const message = (error as Error).message;
    expect(message.startsWith(`${c.starts(model)}: `), message).toBe(true);
    expect(message).toContain(model);
    const mention = typeof c.mention === 'string' ? c.mention.replace('<run>', model) : c.mention;
    if (typeof mention === 'string') expect(message).toContain(mention);
    else expect(message).toMatch(mention);
    expect(message).not.toMatch(/\n|\uFFFD|undefined|\bE(ACCES|ISDIR|NOENT|NOTDIR|EXIST|PERM|NOTEMPTY|MFILE|IO|INVAL)\b|SyntaxError|TypeError/);
    expect(message.length).toBeLessThan(400);
  });
});

describe('teachers given to compare --teacher: 5 bad inputs, refused before anything is written', () => {
  let data: ExperimentData;
  beforeAll(async () => {
    data = await prepareData(
      settingsOf({ ...COMPARE_DEFAULTS, dataDir: embeddedSampleDir(), imbalanceRatio: 10, nMax: 100, testPerClass: 20, recipes: ['dhkd'], out: root, jobs: 1 }),
    );
  });

  it.each([
    ['a folder', (dir: string) => mkdir(join(dir, 'teacher')).then(() => join(dir, 'teacher')), 'is a folder, expected an ONNX model file'],
    ['a run folder', () => Promise.resolve(goodRun), 'is a run folder, not an ONNX file; export it first'],
    ['a zero-byte file', file('teacher.onnx', () => ''), 'is empty, not an ONNX model'],
    ['a CTR-style model', file('ctr.onnx', ctrLikeModel), 'is not an image classifier: its input "features" is float32 [?, 39]'],
    ['an image classifier for 3 classes', file('three.onnx', threeClassTeacher), 'returns 3 logits per image; the data has 10 classes'],
  ] as const)('%s', async (_name, make, mention) => {
    const teacher = await make(await tempDir('teacher-case'));
    const error = await checkTeacher(teacher, data).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain(teacher);
    expect(message).toContain(mention);
    expect(message).not.toMatch(/\n|undefined|\bE(ACCES|ISDIR|NOENT|NOTDIR|EXIST|PERM|NOTEMPTY|MFILE|IO|INVAL)\b/);
  });

  it('accepts the app’s own export as a teacher', async () => {
    await expect(checkTeacher(goodOnnx, data)).resolves.toBeUndefined();
  });
});

describe('predict on folders and bad images', () => {
  it('a folder stands for the images under it, in sorted order, with the same predictions as the files', async () => {
    const nested = join(root, 'nested');
    await mkdir(join(nested, 'more'), { recursive: true });
    await copyFile(join(imageDir, '1.png'), join(nested, 'b.png'));
    await copyFile(join(imageDir, '2.png'), join(nested, 'more', 'a.png'));
    await writeFile(join(nested, 'notes.txt'), 'not an image');
    const byFolder = await predictImages(goodOnnx, [nested], { quiet: true });
    const byFile = await predictImages(goodOnnx, [join(imageDir, '1.png'), join(imageDir, '2.png')], { quiet: true });
    expect(byFolder.predictions.map((p) => p.path)).toEqual([join(nested, 'b.png'), join(nested, 'more', 'a.png')]);
    expect(byFolder.predictions.map((p) => p.probabilities)).toEqual(byFile.predictions.map((p) => p.probabilities));
  });

  it('a folder without images, a zero-byte image and a text file named .png are named with their real problem', async () => {
    const dir = await tempDir('predict-images');
    await mkdir(join(dir, 'empty-folder'));
    await writeFile(join(dir, 'empty.png'), '');
    await writeFile(join(dir, 'text.png'), 'hello');
    const message = (paths: string[]) =>
      predictImages(goodOnnx, paths, { quiet: true }).then(
        () => 'no error',
        (e: unknown) => (e instanceof DataFileError ? e.message : String(e)),
      );
    expect(await message([join(dir, 'empty-folder')])).toBe(`${join(dir, 'empty-folder')}: is a folder holding no JPEG, PNG or WebP image`);
    expect(await message([join(imageDir, '0.png'), join(dir, 'empty.png')])).toBe(`${join(dir, 'empty.png')}: is empty (0 bytes), not an image`);
    expect(await message([join(dir, 'text.png')])).toBe(
      `${join(dir, 'text.png')}: cannot decode image: not a JPEG, PNG or WebP file (it looks like a text file)`,
    );
  });
});
