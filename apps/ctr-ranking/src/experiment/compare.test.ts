import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { ConfigError, initBackend } from '@counterweight/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { removeTempDirs, tempDir } from '../data/test-support/temp.js';
import { compareObjectives, type CtrComparison, type CtrComparisonOptions } from './compare.js';
import type { CtrSettings } from './settings.js';
import { teacherFolder } from './teacher.js';

const SETTINGS: CtrSettings = {
  data: { kind: 'synthetic', generator: 'A', auctions: 60, candidates: 4 },
  dataSeed: 3,
  model: { kind: 'logistic' },
  optimizer: 'adam',
  learningRate: 0.05,
  epochs: 2,
  batchSize: 16,
  temperature: 0.05,
  teacherMix: 1,
  teacher: { kind: 'model', model: { kind: 'logistic' }, epochs: 1 },
};

let options: CtrComparisonOptions;
let first: CtrComparison;
beforeAll(async () => {
  await initBackend('wasm', { log: null });
  const out = join(await tempDir('compare'), 'small');
  options = { settings: SETTINGS, objectives: ['logloss', 'welfare-teacher', 'combined'], lambdas: [0.5], seeds: 2, out, quiet: true };
  first = await compareObjectives(options);
}, 60_000);
afterAll(removeTempDirs);

describe('compareObjectives on the harness (tiny synthetic auctions)', () => {
  it('runs every method on every repetition in runs/<method>/seed-<r>, a teacher per repetition, and writes the report', async () => {
    expect(first.runs.map((r) => `${r.method}/${r.repetition}`)).toEqual(['logloss/0', 'logloss/1', 'welfare-teacher/0', 'welfare-teacher/1', 'combined-0.5/0', 'combined-0.5/1']);
    expect(first.trained).toBe(6);
    for (const r of first.runs) {
      expect(r.dir).toBe(join(first.out.dir, 'runs', r.method, `seed-${r.repetition}`));
      const saved = JSON.parse(await readFile(join(r.dir, 'result.json'), 'utf8')) as { run: { method: string; seed: number }; result: unknown };
      expect(saved.run).toMatchObject({ method: r.method, seed: r.seed });
      expect(saved.result).toEqual(JSON.parse(JSON.stringify(r.result)));
    }
    // Both repetitions of a method differ (their seeds do), and every method of a repetition shares its seed.
    expect(first.seeds[0]).not.toBe(first.seeds[1]);
    expect(first.runs.filter((r) => r.repetition === 1).every((r) => r.seed === first.seeds[1])).toBe(true);
    for (const repetition of [0, 1]) expect(existsSync(join(teacherFolder(first.out.dir, repetition), 'checkpoints'))).toBe(true);
    expect(first.summaries.map((s) => s.method)).toEqual(['logloss', 'welfare-teacher', 'combined-0.5']);
    for (const file of [first.files.markdown, first.files.metrics, ...first.files.charts]) expect(existsSync(join(first.out.dir, file))).toBe(true);
  });

  it('reuses every finished run when called again with the same settings', async () => {
    const again = await compareObjectives(options);
    expect(again.trained).toBe(0);
    expect(again.runs.every((r) => r.reused)).toBe(true);
    expect(again.runs.map((r) => r.result)).toEqual(first.runs.map((r) => r.result));
  });

  it('refuses the folder for other settings, naming --out and the difference', async () => {
    const error = await compareObjectives({ ...options, settings: { ...SETTINGS, temperature: 0.1 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/--out.*temperature: 0\.05 → 0\.1/);
  });
});
