import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { RESULT_FILE, runFolder as runDirectory } from '@counterweight/experiment';
import { ConfigError, DataFileError, initBackend, repositoryRoot } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEFAULT_IDX_DIR } from '../data/idx.js';
import { removeTempDirs, tempDir } from '../data/test-support/fixtures.js';
import { OnnxClassifier } from '../onnx/predict.js';
import { compare, type CompareResult } from './compare.js';
import { testLogits, type SingleLabelEvaluation } from './evaluate.js';
import { exportRun } from './export-run.js';
import { COMPARE_DEFAULTS, type CompareOptions, type ExperimentSettings } from './options.js';
import { predictImages } from './predict-images.js';
import { prepareData } from './prepare-data.js';
import { recipeContext, recipeNamed } from './run-one.js';
import { loadTrainedModel } from './trained-model.js';

/** A small long-tailed split of real Fashion-MNIST (Debian's copy): 200 head images, ρ = 10, 30 test images per class. */
const SMALL: CompareOptions = {
  ...COMPARE_DEFAULTS,
  dataDir: DEFAULT_IDX_DIR,
  imbalanceRatio: 10,
  nMax: 200,
  testPerClass: 30,
  epochs: 4,
  recipes: ['ce', 'la-posthoc', 'wb-two-stage'],
  seeds: 2,
  jobs: 2,
  out: '',
  quiet: true,
};

let root: string;
let first: CompareResult;

beforeAll(async () => {
  await initBackend('wasm', { log: null });
  root = await tempDir('compare');
  first = await compare({ ...SMALL, out: join(root, 'small') });
}, 240_000);
afterAll(removeTempDirs);

async function savedSettings(dir: string): Promise<ExperimentSettings> {
  return (JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { settings: ExperimentSettings }).settings;
}

const single = (e: unknown): SingleLabelEvaluation => {
  expect((e as SingleLabelEvaluation).task).toBe('single-label');
  return e as SingleLabelEvaluation;
};

describe('compare (single-label, real Fashion-MNIST-LT)', () => {
  it('writes the report, metrics, charts and one result per recipe and seed', async () => {
    for (const file of ['config.json', 'metrics.json', 'report.md', 'summary.png', 'per-class.png', 'training-loss.png', 'reliability.png']) {
      expect(existsSync(join(first.dir, file)), file).toBe(true);
    }
    for (const recipe of SMALL.recipes) expect(existsSync(join(first.dir, `confusion-${recipe}.png`))).toBe(true);
    const png = await sharp(join(first.dir, 'per-class.png')).metadata();
    expect(png.width).toBeGreaterThan(600);
    expect(first.results.map((r) => `${r.recipe}/${r.seed}`)).toEqual(['ce/0', 'ce/1', 'la-posthoc/0', 'la-posthoc/1', 'wb-two-stage/0', 'wb-two-stage/1']);
    const report = await readFile(join(first.dir, 'report.md'), 'utf8');
    expect(report).toContain('mean ± std over 2 seeds');
    for (const recipe of SMALL.recipes) expect(report).toContain(`| \`${recipe}\``);
    expect(report).toMatch(/Top-label ECE within each class group[\s\S]*\| recipe +\| +all ↓ \| +head ↓ \| +mid ↓ \| +tail ↓ \|/);
    // The harness's skeleton: the reading against the baseline with paired 95 % intervals, and provenance without paths.
    expect(report).toMatch(/## Against the baseline\n\nDifference in balanced accuracy against `ce`, method minus baseline, paired by seed:\n\n- `la-posthoc`: [+−]\d+\.\d pp \(95 % interval [+−]\d+\.\d to [+−]\d+\.\d, 2 paired seeds\)/);
    expect(report).toMatch(/## Provenance\n\n- Backend: wasm \(SIMD, 1 thread\)\n- Versions: node [\d.]+, tfjs 4\.22\.0, imbalanced-vision 0\.1\.0\n- Machine: /);
    expect(report).not.toContain(repositoryRoot());
    const metrics = JSON.parse(await readFile(join(first.dir, 'metrics.json'), 'utf8')) as { summaries: unknown[]; runs: unknown[] };
    expect(metrics.summaries).toHaveLength(3);
    expect(metrics.runs).toHaveLength(6);
  });

  it('reports finite, mutually consistent numbers', () => {
    for (const result of first.results) {
      const e = single(result.evaluation);
      const C = e.perClassAccuracy.length;
      expect(C).toBe(10);
      // The test set is balanced: 30 images per class.
      e.confusion.forEach((row) => expect(row.reduce((a, b) => a + b, 0)).toBe(30));
      const correct = e.confusion.reduce((sum, row, i) => sum + (row[i] ?? 0), 0);
      expect(e.top1).toBeCloseTo(correct / 300, 12);
      e.perClassAccuracy.forEach((acc, c) => expect(acc).toBeCloseTo((e.confusion[c]?.[c] ?? 0) / 30, 12));
      const mean = e.perClassAccuracy.reduce((a, b) => a + b, 0) / C;
      expect(e.balancedAccuracy).toBeCloseTo(mean, 12);
      expect(e.top1).toBeCloseTo(e.balancedAccuracy, 12);
      // Head/mid/tail (rank thirds of the natural class order): 3 + 4 + 3 classes.
      const groupMean = (classes: number[]): number => classes.reduce((s, c) => s + (e.perClassAccuracy[c] ?? 0), 0) / classes.length;
      expect(e.groups['head']).toBeCloseTo(groupMean([0, 1, 2]), 12);
      expect(e.groups['mid']).toBeCloseTo(groupMean([3, 4, 5, 6]), 12);
      expect(e.groups['tail']).toBeCloseTo(groupMean([7, 8, 9]), 12);
      for (const v of [e.top1, e.macroF1, e.ece, ...Object.values(e.shotGroups)]) {
        expect(Number.isFinite(v)).toBe(true);
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      expect(e.reliability.reduce((sum, b) => sum + b.count, 0)).toBe(300);
      // Per-group ECE: the same bins within each group; by the triangle inequality inside every bin, the overall ECE
      // is at most the image-weighted mean of the group ECEs (head 90, mid 120, tail 90 test images).
      expect(Object.keys(e.groupEce)).toEqual(['head', 'mid', 'tail']);
      const weighted = (90 * (e.groupEce['head'] ?? 0) + 120 * (e.groupEce['mid'] ?? 0) + 90 * (e.groupEce['tail'] ?? 0)) / 300;
      expect(e.ece).toBeLessThanOrEqual(weighted + 1e-12);
      for (const v of Object.values(e.groupEce)) expect(v >= 0 && v <= 1).toBe(true);
      expect(result.history).toHaveLength(SMALL.epochs);
      result.history.forEach((h) => expect(Number.isFinite(h.loss) && h.loss > 0).toBe(true));
      expect(result.imagesPerSecond).toBeGreaterThan(0);
    }
    // Training did something: plain cross-entropy beats chance (10 %) clearly after four epochs.
    for (const r of first.results.filter((x) => x.recipe === 'ce')) expect(single(r.evaluation).top1).toBeGreaterThan(0.2);
    // Post-hoc logit adjustment trains exactly like `ce` (same seeds) and only moves predictions toward the tail.
    for (const seed of [0, 1]) {
      const ce = single(first.results.find((r) => r.recipe === 'ce' && r.seed === seed)?.evaluation);
      const la = single(first.results.find((r) => r.recipe === 'la-posthoc' && r.seed === seed)?.evaluation);
      expect(la.groups['tail']).toBeGreaterThanOrEqual(ce.groups['tail'] as number);
    }
    const summary = first.summaries.find((s) => s.method === 'ce');
    const values = first.results.filter((r) => r.recipe === 'ce').map((r) => single(r.evaluation).balancedAccuracy);
    expect(summary?.metrics['balancedAccuracy']?.mean).toBeCloseTo((values[0]! + values[1]!) / 2, 12);
  });

  it('gives the same numbers in one thread as in two workers, and reuses finished runs', async () => {
    const tensors = tf.memory().numTensors;
    const serial = await compare({ ...SMALL, recipes: ['ce'], seeds: 2, jobs: 1, out: join(root, 'serial') });
    expect(serial.trained).toBe(2);
    // In this thread: training, evaluation and saving leave no tensor behind.
    expect(tf.memory().numTensors).toBe(tensors);
    for (const seed of [0, 1]) {
      const a = first.results.find((r) => r.recipe === 'ce' && r.seed === seed)?.evaluation;
      const b = serial.results.find((r) => r.seed === seed)?.evaluation;
      expect(b).toEqual(a);
    }
    const again = await compare({ ...SMALL, out: first.dir });
    expect(again.trained).toBe(0);
    expect(again.results.map((r) => r.evaluation)).toEqual(first.results.map((r) => r.evaluation));
  });

  it('resumes an interrupted run from its checkpoint and adds seeds to an existing comparison', async () => {
    const dir = runDirectory(first.dir, 'wb-two-stage', 1);
    // An interruption after training but before the result: only the checkpoints remain.
    await rm(join(dir, RESULT_FILE));
    await rm(join(dir, 'model.json'));
    const resumed = await compare({ ...SMALL, seeds: 3, out: first.dir });
    expect(resumed.trained).toBe(4); // wb-two-stage seed 1 (from its checkpoints) and seed 2 of every recipe
    const before = first.results.find((r) => r.recipe === 'wb-two-stage' && r.seed === 1);
    const after = resumed.results.find((r) => r.recipe === 'wb-two-stage' && r.seed === 1);
    expect(after?.evaluation).toEqual(before?.evaluation);
    expect(resumed.results.filter((r) => r.seed === 2)).toHaveLength(3);
  }, 240_000);

  it('refuses an output directory made with other settings, naming them', async () => {
    await expect(compare({ ...SMALL, epochs: 5, out: first.dir })).rejects.toThrow(/--out: .*other settings \(epochs: 4 → 5\)/);
  });

  it('exports a run as ONNX that takes raw pixels and agrees with tfjs within 1e-4 on the test set', async () => {
    for (const recipe of ['ce', 'la-posthoc']) {
      const runDir = runDirectory(first.dir, recipe, 0);
      const path = join(root, `${recipe}.onnx`);
      await exportRun(runDir, path);
      const data = await prepareData(await savedSettings(first.dir));
      const { model } = await loadTrainedModel(runDir);
      const expected = await testLogits(model, data, recipeNamed(recipe), recipeContext(data, SMALL.epochs, 'cnn'));
      model.dispose();
      const classifier = await OnnxClassifier.load(path);
      try {
        const actual = await classifier.predict(Float32Array.from(data.test.pixels), [28, 28, 1]);
        expect(actual).toHaveLength(expected.length);
        let worst = 0;
        expected.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - (actual[i] as number)))));
        expect(worst).toBeLessThan(1e-4);
      } finally {
        await classifier.release();
      }
    }
  });

  it('predicts image files with the exported model, as tfjs does', async () => {
    const path = join(root, 'ce.onnx');
    const data = await prepareData(await savedSettings(first.dir));
    const images = join(root, 'images');
    await mkdir(images, { recursive: true });
    const files: string[] = [];
    for (let i = 0; i < 12; i += 1) {
      const file = join(images, `test-${i}.png`);
      await sharp(Buffer.from(data.test.pixels.subarray(i * 784, (i + 1) * 784)), { raw: { width: 28, height: 28, channels: 1 } })
        .png()
        .toFile(file);
      files.push(file);
    }
    const { model } = await loadTrainedModel(runDirectory(first.dir, 'ce', 0));
    const logits = await testLogits(model, data, recipeNamed('ce'), recipeContext(data, SMALL.epochs, 'cnn'));
    model.dispose();
    const result = await predictImages(path, files, { quiet: true });
    expect(result.task).toBe('single-label');
    result.predictions.forEach((p, i) => {
      const row = Array.from(logits.subarray(i * 10, (i + 1) * 10));
      expect(p.labels).toEqual([data.classNames[row.indexOf(Math.max(...row))]]);
      expect(p.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    });
    await writeFile(join(images, 'broken.png'), 'not an image');
    await expect(predictImages(path, [...files.slice(0, 2), join(images, 'broken.png')], { quiet: true })).rejects.toThrow(/broken\.png/);
    const skipping = await predictImages(path, [files[0] as string, join(images, 'broken.png')], { quiet: true, skipUnreadable: true });
    expect(skipping.predictions).toHaveLength(1);
    expect(skipping.skipped.map((s) => s.path)).toEqual([join(images, 'broken.png')]);
  });
});

describe('compare (dual-head distillation from an ONNX teacher)', () => {
  it('trains the dhkd student against a teacher exported from another run', async () => {
    const teacher = join(root, 'teacher.onnx');
    await exportRun(runDirectory(first.dir, 'ce', 0), teacher);
    const result = await compare({ ...SMALL, recipes: ['dhkd'], seeds: 1, teacher, out: join(root, 'dhkd') });
    const [run] = result.results;
    const e = single(run?.evaluation);
    expect(e.top1).toBeGreaterThan(0.2);
    expect(run?.history).toHaveLength(SMALL.epochs);
    const losses = (run?.history ?? []).map((h) => h.loss);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] as number);
    await expect(compare({ ...SMALL, recipes: ['dhkd'], out: join(root, 'dhkd-no-teacher') })).rejects.toThrow(/--teacher: recipe dhkd needs a teacher/);
  }, 120_000);
});

describe('prepareData', () => {
  it('follows the class order of the settings (single-label split and mosaics)', async () => {
    const reversed = [9, 8, 7, 6, 5, 4, 3, 2, 1, 0];
    const single = await prepareData({ ...SMALL, classOrder: reversed });
    expect(single.classCounts[9]).toBe(200);
    expect(single.classCounts[0]).toBe(20);
    if (single.task !== 'single-label') throw new Error('expected single-label data');
    expect(single.metadata.groupings['rank-thirds'].groups[0].classes).toEqual([9, 8, 7]);
    const shuffled = await prepareData({ ...SMALL, classOrder: 'shuffled' });
    if (shuffled.task !== 'single-label') throw new Error('expected single-label data');
    expect([...shuffled.metadata.classOrder].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(shuffled.metadata.classOrder).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const mosaics = await prepareData({ ...SMALL, task: 'multi-label', trainMosaics: 2000, imbalanceRatio: 100, classOrder: reversed });
    // Class 9 is the head: it appears in the most training mosaics, class 0 in the fewest.
    expect(Math.max(...mosaics.classCounts)).toBe(mosaics.classCounts[9]);
    expect(Math.min(...mosaics.classCounts)).toBe(mosaics.classCounts[0]);
  });
});

describe('compare: bad inputs', () => {
  it('names the unknown recipe, the bad ratio, and the empty class', async () => {
    await expect(compare({ ...SMALL, recipes: ['ce', 'nope'], out: join(root, 'bad1') })).rejects.toThrow(/unknown single-label recipe "nope"; known: ce, /);
    await expect(compare({ ...SMALL, recipes: ['bce'], out: join(root, 'bad2') })).rejects.toThrow(/unknown single-label recipe "bce"/);
    await expect(compare({ ...SMALL, imbalanceRatio: 0.5, out: join(root, 'bad3') })).rejects.toThrow(ConfigError);
    await expect(compare({ ...SMALL, imbalanceRatio: 0.5, out: join(root, 'bad3') })).rejects.toThrow(/--imbalance-ratio/);
    // 20 head images at ρ = 100 leave the tail classes with floor(0.2…) = 0 images.
    await expect(compare({ ...SMALL, nMax: 20, imbalanceRatio: 100, out: join(root, 'bad4') })).rejects.toThrow(/would be empty/);
  });

  it('names a truncated IDX file', async () => {
    const dir = join(root, 'corrupt');
    await mkdir(dir, { recursive: true });
    for (const name of ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']) {
      await copyFile(join(DEFAULT_IDX_DIR, name), join(dir, name));
    }
    const { gunzipSync } = await import('node:zlib');
    const labels = gunzipSync(await readFile(join(dir, 't10k-labels-idx1-ubyte.gz')));
    await rm(join(dir, 't10k-labels-idx1-ubyte.gz'));
    await writeFile(join(dir, 't10k-labels-idx1-ubyte'), labels.subarray(0, 5000));
    const failure = compare({ ...SMALL, dataDir: dir, out: join(root, 'bad5') });
    await expect(failure).rejects.toThrow(DataFileError);
    await expect(compare({ ...SMALL, dataDir: dir, out: join(root, 'bad5') })).rejects.toThrow(/t10k-labels-idx1-ubyte/);
  });
});

describe('compare (multi-label mosaics)', () => {
  it('trains BCE and ASL on real mosaics and reports mAP, CP/CR/CF1, OP/OR/OF1 and group mAP', async () => {
    const result = await compare({
      ...SMALL,
      task: 'multi-label',
      recipes: ['bce', 'asl'],
      seeds: 1,
      epochs: 1,
      trainMosaics: 300,
      testMosaics: 200,
      imbalanceRatio: 10,
      out: join(root, 'mosaics'),
    });
    for (const file of ['report.md', 'metrics.json', 'summary.png', 'per-class.png', 'training-loss.png']) {
      expect(existsSync(join(result.dir, file)), file).toBe(true);
    }
    for (const r of result.results) {
      const e = r.evaluation;
      if (e.task !== 'multi-label') throw new Error('expected a multi-label evaluation');
      expect(e.perClassAP).toHaveLength(10);
      expect(e.mAP).toBeCloseTo(e.perClassAP.reduce((a, b) => a + b, 0) / 10, 12);
      for (const v of [e.mAP, e.classPrecision, e.classF1, e.overallPrecision, e.overallRecall, e.overallF1, ...Object.values(e.groups)]) {
        expect(Number.isFinite(v) && v >= 0 && v <= 1).toBe(true);
      }
      // Better than a constant scorer, whose AP equals the positive rate (≈ 1 − 0.9⁴ ≈ 0.34 for uniform tiles).
      expect(e.mAP).toBeGreaterThan(0.4);
    }
  }, 240_000);
});
