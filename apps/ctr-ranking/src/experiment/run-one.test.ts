import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { removeTempDirs, tempDir } from '../data/test-support/temp.js';
import { TRAINED_MODEL_FILE } from './export-run.js';
import { clickRate, runCtrMethod, type CtrRunResult } from './run-one.js';
import { tinyData, tinyTask, TINY_SETTINGS } from './test-support/tiny.js';

const data = tinyData();
let root: string;

beforeAll(async () => {
  await initBackend('wasm', { log: null });
  root = await tempDir('run-one');
});
afterAll(removeTempDirs);

/** The result without wall-clock numbers (they differ between identical runs). */
function withoutTimes(result: CtrRunResult): unknown {
  return { ...result, trainSeconds: 0, history: result.history.map((e) => ({ epoch: e.epoch, loss: e.loss })) };
}

describe('clickRate', () => {
  it('is the mean click of the valid (unpadded) candidates', () => {
    const set = { ...data.train, auctions: 2, slots: 3, label: Float32Array.from([1, 0, 1, 0, 1, 1]), mask: Float32Array.from([1, 1, 0, 1, 1, 1]) };
    // Valid labels 1, 0, 0, 1, 1: the padded slot's 1 does not count.
    expect(clickRate(set)).toBe(3 / 5);
  });
});

describe('runCtrMethod (one run on tiny auctions)', () => {
  let welfare: CtrRunResult;
  const epochs: number[] = [];
  beforeAll(async () => {
    welfare = await runCtrMethod(tinyTask(join(root, 'welfare'), { objective: 'welfare' }), data, (p) => {
      expect(p.epochs).toBe(TINY_SETTINGS.epochs);
      epochs.push(p.epoch);
    });
  });

  it('trains the settings epochs, reporting each one, and evaluates on every valid test candidate', () => {
    expect(welfare.history.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(epochs).toEqual([1, 2, 3]);
    for (const e of welfare.history) expect(Number.isFinite(e.loss)).toBe(true);
    const valid = data.test.mask.reduce((n, m) => n + (m > 0 ? 1 : 0), 0);
    expect(welfare.test.candidates).toBe(valid);
    expect(valid).toBeLessThan(data.test.auctions * data.test.slots); // the padded slots are left out
    expect(welfare.test.auctions).toBe(data.test.auctions);
    expect(welfare.test.welfareOutcome).toBe('exact'); // the tiny auctions know their true CTRs
    expect(welfare.test.welfareRatio).toBeGreaterThan(0);
    expect(welfare.test.welfareRatio).toBeLessThanOrEqual(1);
    expect(welfare.test.recalibrated.scale).toBeGreaterThan(0);
    expect(welfare.offPolicy).toBeUndefined(); // no logged feedback in this data
  });

  it('records how to rebuild the model for export', async () => {
    const info = JSON.parse(await readFile(join(root, 'welfare', TRAINED_MODEL_FILE), 'utf8')) as Record<string, unknown>;
    expect(info).toMatchObject({ format: 'counterweight-ctr-trained-model', objective: 'welfare', seed: 7, model: TINY_SETTINGS.model, spec: data.train.spec });
    expect(existsSync(join(root, 'welfare', 'checkpoints', 'latest.json'))).toBe(true);
  });

  it('is deterministic: the same task in another folder gives the same numbers', async () => {
    const again = await runCtrMethod(tinyTask(join(root, 'welfare-again'), { objective: 'welfare' }), data);
    expect(withoutTimes(again)).toEqual(withoutTimes(welfare));
  });

  it('resumes from its checkpoints: the same folder trains no further and gives the same numbers', async () => {
    const reported: number[] = [];
    const resumed = await runCtrMethod(tinyTask(join(root, 'welfare'), { objective: 'welfare' }), data, (p) => reported.push(p.epoch));
    expect(reported).toEqual([]);
    expect(resumed.test).toEqual(welfare.test);
  });

  it('trains with the method objective and λ: another seed, objective or λ changes the numbers, combined at λ = 1 is logloss', async () => {
    const otherSeed = await runCtrMethod(tinyTask(join(root, 'welfare-seed'), { objective: 'welfare' }, 8), data);
    expect(otherSeed.test.logloss).not.toBe(welfare.test.logloss);
    const logloss = await runCtrMethod(tinyTask(join(root, 'logloss'), { objective: 'logloss' }), data);
    expect(logloss.test.logloss).not.toBe(welfare.test.logloss);
    const lambda1 = await runCtrMethod(tinyTask(join(root, 'combined-1'), { objective: 'combined', lambda: 1 }), data);
    expect(lambda1.test.logloss).toBeCloseTo(logloss.test.logloss, 5);
    expect(lambda1.test.auc).toBeCloseTo(logloss.test.auc, 5);
    const lambdaHalf = await runCtrMethod(tinyTask(join(root, 'combined-0.5'), { objective: 'combined', lambda: 0.5 }), data);
    expect(Math.abs(lambdaHalf.test.logloss - logloss.test.logloss)).toBeGreaterThan(1e-4);
  });

  it('welfare-teacher needs the teacher CTRs as task input, and they change the run', async () => {
    await expect(runCtrMethod(tinyTask(join(root, 'no-teacher'), { objective: 'welfare-teacher' }), data)).rejects.toThrow(/welfare-teacher needs the teacher's CTRs/);
    const n = data.train.auctions * data.train.slots;
    const teacherA = Float32Array.from({ length: n }, (_, k) => (data.train.mask[k] ?? 0) * 0.2);
    const teacherB = Float32Array.from(data.train.trueCtr ?? [], (p, k) => (data.train.mask[k] ?? 0) * p);
    const a = await runCtrMethod(tinyTask(join(root, 'teacher-a'), { objective: 'welfare-teacher' }, 7, teacherA), data);
    const b = await runCtrMethod(tinyTask(join(root, 'teacher-b'), { objective: 'welfare-teacher' }, 7, teacherB), data);
    expect(a.test.logloss).not.toBe(b.test.logloss);
  });

  it('leaves no tensor behind (counted outside tf.tidy)', async () => {
    const before = tf.memory().numTensors;
    await runCtrMethod(tinyTask(join(root, 'leak'), { objective: 'combined', lambda: 0.3 }), data);
    expect(tf.memory().numTensors).toBe(before);
  });
});
