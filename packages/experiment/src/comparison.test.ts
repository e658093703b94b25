import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ConfigError, repositoryRoot } from '@counterweight/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runComparison, type ComparisonOptions } from './comparison.js';
import { RESULT_FILE, runFolder } from './layout.js';
import { RunFailedError } from './run-failed-error.js';
import { consecutiveSeeds, trainingSeeds } from './seeds.js';
import { toyRunner, type ToyOptions, type ToyResult, type ToySettings } from './test-support/toy-runner.js';

const WORKER = new URL('./test-support/toy-worker.ts', import.meta.url);

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cw-comparison-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const base = (out: string): ComparisonOptions<ToySettings, ToyOptions, { offset: number }, ToyResult> => ({
  app: 'toy',
  out: join(root, out),
  settings: { epochs: 3, offset: 10 },
  methods: [
    { name: 'plain', options: { gain: 1 } },
    { name: 'strong', options: { gain: 2 } },
  ],
  seed: 4,
  seeds: 3,
  runner: toyRunner,
  workerModule: WORKER,
  quiet: true,
});

describe('runComparison', () => {
  it('runs every method on every seed in <out>/runs/<method>/seed-<r>, the same in one thread and in workers', async () => {
    const serial = await runComparison({ ...base('serial'), jobs: 1 });
    expect(serial.trained).toBe(6);
    expect(serial.seeds).toEqual(trainingSeeds(4, 3));
    expect(serial.runs.map((r) => `${r.method}/${r.repetition}`)).toEqual(['plain/0', 'plain/1', 'plain/2', 'strong/0', 'strong/1', 'strong/2']);
    for (const r of serial.runs) {
      expect(r.dir).toBe(runFolder(serial.out.dir, r.method, r.repetition));
      expect(r.dir).toBe(join(root, 'serial', 'runs', r.method, `seed-${r.repetition}`));
      const saved = JSON.parse(await readFile(join(r.dir, RESULT_FILE), 'utf8')) as { run: { seed: number }; result: ToyResult };
      expect(saved.result).toEqual(r.result);
      expect(saved.run.seed).toBe(r.seed);
    }
    const config = JSON.parse(await readFile(join(serial.out.dir, 'config.json'), 'utf8')) as unknown;
    expect(config).toEqual({ app: 'toy', settings: { epochs: 3, offset: 10, seed: 4 } });
    const pooled = await runComparison({ ...base('pooled'), jobs: 2 });
    expect(pooled.runs.map((r) => r.result)).toEqual(serial.runs.map((r) => r.result));
  });

  it('takes the app’s seed rule and hands each repetition its input', async () => {
    const result = await runComparison({
      ...base('rule'),
      seeds: 2,
      seedRule: consecutiveSeeds,
      repetitionInput: (repetition) => Promise.resolve(100 * (repetition + 1)),
    });
    expect(result.seeds).toEqual([4, 5]);
    expect(result.runs.map((r) => r.seed)).toEqual([4, 5, 4, 5]);
    expect(result.runs.every((r) => r.result.score > 100 * (r.repetition + 1))).toBe(true);
  });

  it('reuses finished runs, adds seeds and methods, and resumes an interrupted run from its checkpoint', async () => {
    const options = base('resume');
    const failing = runComparison({ ...options, settings: { ...options.settings, failAt: { method: 'strong', epoch: 2 } } });
    await expect(failing).rejects.toBeInstanceOf(RunFailedError);
    await expect(failing).rejects.toThrow(/^run strong \(seed \d+\) failed: Error: interrupted at epoch 2; its checkpoints in .*seed-0 are kept/);
    // The failed comparison had other settings (failAt); the same folder refuses to mix them with these.
    await expect(runComparison(options)).rejects.toThrow(/^--out: .*other settings \(failAt: \{"method":"strong","epoch":2\} → undefined\)/);
    const again = await runComparison({ ...options, settings: { ...options.settings, failAt: { method: 'strong', epoch: 2 } }, seeds: 1 });
    // plain/0 finished before the failure and is reused; strong/0 resumes from its epoch-2 checkpoint: one epoch left.
    expect(again.trained).toBe(1);
    expect(again.runs.map((r) => [r.method, r.reused, r.result.epochsRun])).toEqual([
      ['plain', true, 3],
      ['strong', false, 1],
    ]);
    const more = await runComparison({
      ...options,
      settings: { ...options.settings, failAt: { method: 'strong', epoch: 2 } },
      seeds: 2,
      methods: [...options.methods, { name: 'third', options: { gain: 3 } }],
      jobs: 2,
    });
    // plain/1 finished in the first call (before strong/0 failed); strong/1, third/0 and third/1 are new.
    expect(more.trained).toBe(3);
    expect(more.runs.filter((r) => r.reused).map((r) => `${r.method}/${r.repetition}`)).toEqual(['plain/0', 'plain/1', 'strong/0']);
  });

  it('records settings without the machine’s paths: the repository root is `.` in config.json and result.json', async () => {
    const data = join(repositoryRoot(), 'apps', 'toy', 'data.csv');
    const result = await runComparison({ ...base('paths'), seeds: 1, settings: { epochs: 1, offset: 10, data } });
    const config = await readFile(join(result.out.dir, 'config.json'), 'utf8');
    const saved = await readFile(join(result.runs[0]?.dir ?? '', RESULT_FILE), 'utf8');
    for (const text of [config, saved]) {
      expect(text).toContain('"data": "./apps/toy/data.csv"');
      expect(text).not.toContain(repositoryRoot());
    }
    // The same settings match what was recorded: a second call reuses both runs.
    expect((await runComparison({ ...base('paths'), seeds: 1, settings: { epochs: 1, offset: 10, data } })).trained).toBe(0);
  });

  it('retrains a run whose result was made with other options', async () => {
    const first = await runComparison({ ...base('options'), seeds: 1 });
    const changed = await runComparison({ ...base('options'), seeds: 1, methods: [{ name: 'plain', options: { gain: 5 } }] });
    expect(changed.trained).toBe(1);
    expect(changed.runs[0]?.result.score).not.toBe(first.runs[0]?.result.score);
  });

  it('leaves no folder behind when the start fails, and the retry works', async () => {
    const out = 'failed-start';
    await expect(runComparison({ ...base(out), settings: { epochs: 1, offset: -1 } })).rejects.toThrow(/toy data does not exist/);
    expect(existsSync(join(root, out))).toBe(false);
    await expect(runComparison({ ...base(out), methods: [] })).rejects.toThrow(ConfigError);
    expect(existsSync(join(root, out))).toBe(false);
    const retry = await runComparison({ ...base(out), seeds: 1 });
    expect(retry.trained).toBe(2);
  });

  it('refuses to resume what does not exist, and to start over what does', async () => {
    await expect(runComparison({ ...base('never'), mode: 'resume' })).rejects.toThrow(/^--out: there is no directory to resume at .*never/);
    expect(existsSync(join(root, 'never'))).toBe(false);
    await runComparison({ ...base('once'), seeds: 1 });
    await expect(runComparison({ ...base('once'), seeds: 1, mode: 'new' })).rejects.toThrow(/^--out: directory .*once exists already/);
    // A resume with other settings names them and leaves config.json as it was.
    const config = await readFile(join(root, 'once', 'config.json'), 'utf8');
    await expect(runComparison({ ...base('once'), mode: 'resume', seed: 5, settings: { epochs: 4, offset: 10 } })).rejects.toThrow(
      /other settings \(epochs: 3 → 4; seed: 4 → 5\)/,
    );
    expect(await readFile(join(root, 'once', 'config.json'), 'utf8')).toBe(config);
  });

  it('fails a run whose result is not strict JSON (NaN), in this thread and in a worker, naming method and seed', async () => {
    const nan = { ...base('nan'), seeds: 1, methods: [{ name: 'broken', options: { gain: 1, nan: true } }] };
    const inThread = runComparison(nan);
    await expect(inThread).rejects.toBeInstanceOf(RunFailedError);
    await expect(inThread).rejects.toMatchObject({ method: 'broken', repetition: 0 });
    await expect(inThread).rejects.toThrow(/result\.json: \$\.result\.score: NaN is not valid JSON/);
    expect(existsSync(join(root, 'nan', 'runs', 'broken', 'seed-0', RESULT_FILE))).toBe(false);
    const pooled = runComparison({ ...nan, out: join(root, 'nan-pool'), seeds: 2, jobs: 2 });
    await expect(pooled).rejects.toBeInstanceOf(RunFailedError);
    await expect(pooled).rejects.toThrow(/^run broken \(seed \d+\) failed: RunFileError: .*NaN is not valid JSON/);
  });

  it('names a duplicate method, and refuses --jobs > 1 without a worker module', async () => {
    await expect(runComparison({ ...base('dup'), methods: [{ name: 'a' }, { name: 'a' }] })).rejects.toThrow(/methods: a is listed twice/);
    const { workerModule: _unused, ...noWorker } = base('no-worker');
    await expect(runComparison({ ...noWorker, jobs: 2 })).rejects.toThrow(/^--jobs: /);
  });
});
