import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join, relative } from 'node:path';

import sharp from 'sharp';
import type { TopLevelSpec } from 'vega-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { lineChart, markdownTable, ReportError } from '@counterweight/reports';
import { ConfigError } from '@counterweight/runtime';

import { RunFileError } from './run-file-error.js';
import { createRunDirectory, newRunId, openRunDirectory } from './run-dir.js';

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

describe('newRunId', () => {
  it('is the UTC time plus a random suffix', () => {
    const at = new Date(Date.UTC(2025, 2, 1, 14, 22, 7));
    const id = newRunId(at);
    expect(id).toMatch(/^20250301-142207-[0-9a-f]{6}$/);
    expect(newRunId(at)).not.toBe(id);
    expect(newRunId()).toMatch(/^\d{8}-\d{6}-[0-9a-f]{6}$/);
  });
});

describe('createRunDirectory', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'cw-runs-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes config, metrics, a chart and a report atomically into runs/<app>/<run-id>/', async () => {
    const run = await createRunDirectory({ app: 'bank-marketing', root });
    expect(run.dir).toBe(join(root, 'bank-marketing', run.runId));
    expect(run.runId).toMatch(/^\d{8}-\d{6}-[0-9a-f]{6}$/);

    const config = { app: 'bank-marketing', seed: 7, lr: 0.01, optional: undefined, classWeights: new Float32Array([1, 7.5]) };
    expect(await run.writeConfig(config)).toBe('config.json');
    const history = [1, 2, 3].map((epoch) => ({ epoch, train: 1 / epoch, validation: 1.2 / epoch }));
    expect(await run.writeMetrics({ auc: 0.79, history })).toBe('metrics.json');
    const chart = await run.writeChart('loss', lineChart({ title: 'Loss', data: history, x: 'epoch', y: ['train', 'validation'] }));
    expect(chart).toBe('loss.png');
    expect(await run.writeJson('details/per-class', { no: 0.95, yes: 0.41 })).toBe('details/per-class.json');
    const report = `# bank-marketing\n\n![loss](${chart})\n\n${markdownTable(['metric', 'value'], [['auc', '0.790']])}`;
    expect(await run.writeMarkdown(report)).toBe('report.md');

    expect(await listFiles(run.dir)).toEqual(['config.json', 'details/per-class.json', 'loss.png', 'metrics.json', 'report.md']);
    expect(JSON.parse(await readFile(run.path('config.json'), 'utf8'))).toEqual({ app: 'bank-marketing', seed: 7, lr: 0.01, classWeights: [1, 7.5] });
    expect(JSON.parse(await readFile(run.path('metrics.json'), 'utf8'))).toEqual({ auc: 0.79, history });
    expect(await readFile(run.path('report.md'), 'utf8')).toContain('![loss](loss.png)');
    const png = await readFile(run.path('loss.png'));
    const metadata = await sharp(png).metadata();
    expect(metadata.format).toBe('png');
    expect(metadata.width).toBeGreaterThan(1000);
  });

  it('refuses NaN in metrics, naming file and key path, and leaves no file behind', async () => {
    const run = await createRunDirectory({ app: 'nan-app', root });
    const write = run.writeMetrics({ auc: 0.8, perClass: { yes: Number.NaN } });
    await expect(write).rejects.toBeInstanceOf(RunFileError);
    await expect(write).rejects.toMatchObject({ file: run.path('metrics.json'), keyPath: '$.perClass.yes' });
    expect(await listFiles(run.dir)).toEqual([]);
  });

  it('leaves no partial file when vega rejects a chart spec, and names the file', async () => {
    const run = await createRunDirectory({ app: 'bad-chart', root });
    await run.writeChart('good', lineChart({ title: 'ok', data: [{ x: 1, y: 2 }, { x: 2, y: 3 }], x: 'x', y: 'y' }));
    const bad: TopLevelSpec = {
      data: { values: [{ a: 1 }] },
      transform: [{ calculate: 'datum.a +* 2', as: 'b' }],
      mark: 'point',
      encoding: { x: { field: 'b', type: 'quantitative' } },
    };
    const write = run.writeChart('bad', bad);
    await expect(write).rejects.toBeInstanceOf(ReportError);
    await expect(write).rejects.toMatchObject({ file: run.path('bad.png') });
    await expect(write).rejects.toThrow(/bad\.png: vega-lite cannot compile the chart spec/);
    expect(existsSync(run.path('bad.png'))).toBe(false);
    expect(await listFiles(run.dir)).toEqual(['good.png']);
  });

  it('refuses an existing run directory for a new run, and a missing one for a resumed run, in user terms', async () => {
    const first = await createRunDirectory({ app: 'again', runId: 'fixed-id', root });
    expect(first.created).toBe(true);
    const again = createRunDirectory({ app: 'again', runId: 'fixed-id', root });
    await expect(again).rejects.toBeInstanceOf(ConfigError);
    await expect(again).rejects.toThrow(/^--run-id: run .*fixed-id exists already; add --resume to continue it, or choose another --run-id$/);
    const reopened = await createRunDirectory({ app: 'again', runId: 'fixed-id', root, mode: 'resume' });
    expect(reopened.dir).toBe(join(root, 'again', 'fixed-id'));
    expect(reopened.created).toBe(false);
    await reopened.discardIfCreated();
    expect(existsSync(reopened.dir)).toBe(true);
    const unknown = createRunDirectory({ app: 'again', runId: 'unknown', root, mode: 'resume' });
    await expect(unknown).rejects.toThrow(/^--run-id: there is no run to resume at .*unknown; check the name/);
    expect(existsSync(join(root, 'again', 'unknown'))).toBe(false);
    await first.discardIfCreated();
    expect(existsSync(first.dir)).toBe(false);
  });

  it('accepts only safe path segments', async () => {
    for (const app of ['', '..', '.hidden', 'a/b', 'a\\b', 'spaces here', '-dash']) {
      await expect(createRunDirectory({ app, root }), app).rejects.toBeInstanceOf(ConfigError);
    }
    await expect(createRunDirectory({ app: 'ok', runId: '../escape', root })).rejects.toThrow('--run-id');
    const run = await createRunDirectory({ app: 'ok', root });
    expect(run.path('charts/loss.png')).toBe(join(run.dir, 'charts', 'loss.png'));
    for (const name of ['../x.json', '/abs.json', 'a//b', '.tmp', 'a/../../b']) {
      expect(() => run.path(name), name).toThrow(RunFileError);
    }
    await expect(run.writeJson('../outside', {})).rejects.toBeInstanceOf(RunFileError);
    expect(existsSync(join(run.dir, '..', 'outside.json'))).toBe(false);
  });

  it('writes paths inside the folder relative to it, and names no folder of the machine', async () => {
    const run = await createRunDirectory({ app: 'paths', root });
    await run.writeMetrics({ runs: [{ dir: join(run.dir, 'runs', 'ce', 'seed-0') }], elsewhere: join(homedir(), 'data.csv') });
    const text = await readFile(run.path('metrics.json'), 'utf8');
    expect(JSON.parse(text)).toEqual({ runs: [{ dir: './runs/ce/seed-0' }], elsewhere: '~/data.csv' });
    expect(text).not.toContain(run.dir);
    expect(text).not.toContain(homedir());
  });
});

describe('openRunDirectory', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'cw-open-run-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('creates the directory with its parents, writes into it, and refuses an existing one unless allowed', async () => {
    const dir = join(root, 'explicit', 'nested', 'my-run');
    const run = await openRunDirectory(dir, { app: 'vision' });
    expect(run.dir).toBe(dir);
    expect(run.runId).toBe('my-run');
    expect(run.app).toBe('vision');
    await run.writeMetrics({ a: 1 });
    expect(JSON.parse(await readFile(join(dir, 'metrics.json'), 'utf8'))).toEqual({ a: 1 });
    await expect(openRunDirectory(dir, { app: 'vision' })).rejects.toThrow(/^--out: directory .* exists already/);
    const again = await openRunDirectory(dir, { app: 'vision', mode: 'new-or-resume' });
    expect(again.created).toBe(false);
    expect(existsSync(again.path('metrics.json'))).toBe(true);
    await expect(openRunDirectory(join(root, 'x'), { app: '../bad' })).rejects.toThrow(ConfigError);
  });

  it('sweeps a reopened directory of the temporaries a killed process left, and keeps the finished files', async () => {
    const dir = join(root, 'killed');
    const run = await openRunDirectory(dir, { app: 'vision' });
    await run.writeMetrics({ a: 1 });
    // 2^22 + 1 is above the largest pid Linux allows (2^22), so no process of that id is running.
    const stale = join(dir, 'runs', 'ce', 'seed-0', `.1a2b3c.tmp-${2 ** 22 + 1}`);
    await mkdir(join(dir, 'runs', 'ce', 'seed-0'), { recursive: true });
    await writeFile(stale, '{"half":');
    await openRunDirectory(dir, { app: 'vision', mode: 'resume' });
    expect(await listFiles(dir)).toEqual(['metrics.json']);
  });

  it('refuses a file given as the directory, in every mode, naming the option', async () => {
    const file = join(root, 'a-file');
    await writeFile(file, 'not a folder');
    for (const mode of ['new', 'new-or-resume', 'resume'] as const) {
      await expect(openRunDirectory(file, { app: 'vision', mode })).rejects.toThrow(`--out: ${file} is a file, not a directory; choose another --out`);
    }
  });
});
