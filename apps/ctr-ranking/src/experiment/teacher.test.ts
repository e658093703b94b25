import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { removeTempDirs, tempDir } from '../data/test-support/temp.js';
import { teacherFolder, teacherScores } from './teacher.js';
import { tinyData, tinyTask, TINY_SETTINGS } from './test-support/tiny.js';

const data = tinyData();
let root: string;

beforeAll(async () => {
  await initBackend('wasm', { log: null });
  root = await tempDir('teacher');
});
afterAll(removeTempDirs);

describe('teacherScores (the repetition input of welfare-teacher)', () => {
  it('is undefined, and trains nothing, when no pending run needs a teacher', async () => {
    const out = join(root, 'none');
    const pending = [tinyTask(join(out, 'runs', 'logloss', 'seed-0'), { objective: 'logloss' }), tinyTask(join(out, 'runs', 'welfare', 'seed-0'), { objective: 'welfare' })];
    expect(await teacherScores(out, TINY_SETTINGS, 0, data, pending)).toBeUndefined();
    expect(existsSync(teacherFolder(out, 0))).toBe(false);
  });

  it('trains a logloss teacher per repetition: CTRs in (0, 1) on valid training slots, 0 on padding, seeded by the repetition', async () => {
    const out = join(root, 'model');
    const pending = [tinyTask(join(out, 'runs', 'welfare-teacher', 'seed-0'), { objective: 'welfare-teacher' })];
    const before = tf.memory().numTensors;
    const first = await teacherScores(out, TINY_SETTINGS, 0, data, pending);
    expect(tf.memory().numTensors).toBe(before);
    expect(first).toBeInstanceOf(Float32Array);
    const scores = first as Float32Array;
    expect(scores.length).toBe(data.train.auctions * data.train.slots);
    scores.forEach((p, k) => {
      if ((data.train.mask[k] ?? 0) > 0) {
        expect(p).toBeGreaterThan(0);
        expect(p).toBeLessThan(1);
      } else expect(p).toBe(0);
    });
    expect(existsSync(join(teacherFolder(out, 0), 'checkpoints', 'latest.json'))).toBe(true);
    // Elsewhere, the same repetition gives the same teacher; another repetition another one.
    expect(await teacherScores(join(root, 'model-again'), TINY_SETTINGS, 0, data, pending)).toEqual(scores);
    const second = (await teacherScores(out, TINY_SETTINGS, 1, data, pending)) as Float32Array;
    expect(second.some((p, k) => p !== scores[k])).toBe(true);
  });
});
