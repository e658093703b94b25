import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import type { RunRecord } from '@counterweight/experiment';
import { runSourceCli, type CliRun } from '@counterweight/experiment/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { removeTempDirs, tempDir } from './data/test-support/temp.js';
import type { CtrRunResult } from './experiment/run-one.js';
import type { CtrMethodOptions } from './experiment/settings.js';

type RunResult = RunRecord<CtrMethodOptions, CtrRunResult>;

const CLI = resolve(import.meta.dirname, 'cli.ts');
const NODE_ARGS = ['--conditions=@counterweight/source', '--import', 'tsx', CLI];
const ENV = { ...process.env, COUNTERWEIGHT_BACKEND: 'wasm', COUNTERWEIGHT_QUIET: '1' };

const ctr = (...args: string[]): Promise<CliRun> => runSourceCli(CLI, args);

let root: string;
beforeAll(async () => {
  root = await tempDir('cli');
});
afterAll(removeTempDirs);

describe('ctr-ranking CLI', () => {
  it('compares losses on synthetic auctions (report, metrics, charts), resumes, exports a run and serves it', async () => {
    const out = join(root, 'synthetic');
    const args = ['compare', '--auctions', '600', '--epochs', '2', '--seeds', '2', '--losses', 'logloss,welfare,welfare-teacher,combined', '--lambdas', '0.3', '--out', out];
    const compare = await ctr(...args);
    expect(compare.stderr).toMatch(/^backend: wasm/m);
    expect(compare.code).toBe(0);
    for (const name of ['logloss', 'welfare', 'welfare-teacher', 'combined-0.3']) {
      expect(compare.stdout).toMatch(new RegExp(`^${name} +welfare 0\\.\\d{4} {2}logloss \\d\\.\\d{4} \\(recalibrated \\d\\.\\d{4}\\) {2}AUC 0\\.\\d{4}$`, 'm'));
    }
    for (const file of ['report.md', 'metrics.json', 'config.json', 'tradeoff.png', 'reliability.png']) expect(existsSync(join(out, file))).toBe(true);
    const metrics = JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8')) as { runs: RunResult[]; summaries: { method: string; seeds: number[] }[] };
    expect(metrics.runs).toHaveLength(8);
    expect(metrics.summaries.map((s) => [s.method, s.seeds.length])).toEqual([
      ['logloss', 2],
      ['welfare', 2],
      ['welfare-teacher', 2],
      ['combined-0.3', 2],
    ]);
    for (const r of metrics.runs) {
      expect(r.result.test.welfareOutcome).toBe('exact');
      expect(r.result.test.welfareRatio).toBeGreaterThan(0.4);
      expect(r.result.test.welfareRatio).toBeLessThanOrEqual(1);
    }
    const report = await readFile(join(out, 'report.md'), 'utf8');
    expect(report).toMatch(/\| `welfare-teacher` +\| +0\.\d{4} ± 0\.\d{4} \|/);

    // The same comparison on one thread gives the same numbers (default --jobs: the cores, here 2 workers).
    const serial = await ctr(...args.map((a) => (a === out ? join(root, 'synthetic-serial') : a)), '--jobs', '1');
    expect(serial.code).toBe(0);
    expect(serial.stdout.replace(/report: .*/, '')).toBe(compare.stdout.replace(/report: .*/, ''));

    // Same settings: every run is reused (results identical); other settings: refused.
    const again = await ctr(...args);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(compare.stdout);
    const other = await ctr(...args.map((a) => (a === '600' ? '700' : a)));
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/--out.*other settings.*auctions/);

    const model = join(root, 'welfare.onnx');
    const exported = await ctr('export', '--run', join(out, 'runs', 'welfare', 'seed-0'), '--out', model);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/welfare\.onnx: welfare, \d+ nodes, opset 13, \d+ bytes/);

    // The exported model as the teacher of the teacher-calibrated loss, run by onnxruntime-node.
    const taught = await ctr('compare', '--auctions', '600', '--epochs', '1', '--seeds', '1', '--losses', 'welfare-teacher', '--teacher', model, '--out', join(root, 'onnx-teacher'));
    expect(taught.code).toBe(0);
    expect(taught.stdout).toMatch(/^welfare-teacher +welfare 0\.\d{4}/m);
    const teacherConfig = JSON.parse(await readFile(join(root, 'onnx-teacher', 'config.json'), 'utf8')) as { settings: { teacher: unknown } };
    expect(teacherConfig.settings.teacher).toEqual({ kind: 'onnx', path: model });

    const server = spawn(process.execPath, [...NODE_ARGS, 'serve', '--model', model, '--port', '0'], { env: ENV });
    try {
      const url = await new Promise<string>((resolveUrl, reject) => {
        let text = '';
        server.stdout.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          const match = /serving .* at (http:\/\/\S+)/.exec(text);
          if (match?.[1] !== undefined) resolveUrl(match[1]);
        });
        server.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
      });
      const health = (await (await fetch(`${url}/health`)).json()) as { status: string };
      expect(health.status).toBe('ok');
      const x = (v: number): number[] => Array.from({ length: 8 }, (_, i) => v * (i - 3.5));
      const ranked = await fetch(`${url}/rank`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ candidates: [{ id: 'a', bid: 1, numeric: x(0.1), categorical: [] }, { id: 'b', bid: 50, numeric: x(0.1), categorical: [] }] }),
      });
      expect(ranked.status).toBe(200);
      const body = (await ranked.json()) as { candidates: { id: string }[] };
      expect(body.candidates.map((c) => c.id)).toEqual(['b', 'a']); // same features: the higher bid wins
      const bad = await fetch(`${url}/rank`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"candidates": [' });
      expect(bad.status).toBe(400);
    } finally {
      server.kill('SIGTERM');
    }
  }, 240_000);

  it('trains with the loss-aware MoMo optimiser (the batch loss reaches the optimiser every step)', async () => {
    const out = join(root, 'momo');
    const momo = await ctr('compare', '--optimizer', 'momo', '--lr', '1', '--auctions', '300', '--epochs', '2', '--seeds', '1', '--losses', 'logloss,welfare', '--out', out);
    expect(momo.code).toBe(0);
    expect(momo.stdout).toMatch(/^welfare +welfare 0\.\d{4}/m);
    const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8')) as { settings: { optimizer: string; learningRate: number } };
    expect(config.settings).toMatchObject({ optimizer: 'momo', learningRate: 1 });
    const metrics = JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8')) as { runs: RunResult[] };
    for (const r of metrics.runs) expect(r.result.history.every((e) => Number.isFinite(e.loss))).toBe(true);
  }, 60_000);

  it('estimates the allocation off-policy on Open Bandit logs, with intervals', async () => {
    const out = join(root, 'obd');
    const compare = await ctr('compare', '--data', 'obd', '--epochs', '2', '--seeds', '1', '--losses', 'logloss,welfare', '--lr', '0.01', '--out', out);
    expect(compare.code).toBe(0);
    const report = await readFile(join(out, 'report.md'), 'utf8');
    expect(report).toMatch(/## Off-policy estimates on the logged test impressions/);
    expect(report).toMatch(/\| `logloss` +\| +0 \| +\d+ \| +\d\.\d{3} \[-?\d\.\d{3}, \d\.\d{3}\] \|/);
    expect(report).toMatch(/Uniform logging policy itself: clicks \/ 100 0\.\d{3} \[/);
  }, 120_000);

  it('reads Criteo-format files, stopping at a malformed line or skipping it under --skip-malformed', async () => {
    const file = join(root, 'day_0.txt');
    const row = (i: number): string =>
      [i % 7 === 0 ? '1' : '0', ...Array.from({ length: 13 }, (_, j) => (j === 2 ? '' : String((i * (j + 3)) % 50))), ...Array.from({ length: 26 }, (_, j) => `${(i * 31 + j) % 5}a${j}`)].join('\t');
    const lines = Array.from({ length: 400 }, (_, i) => row(i));
    lines[41] = lines[41]?.replace(/^(\d)\t\d+/, '$1\tx12') ?? ''; // line 42: I1 is not an integer
    await writeFile(file, `${lines.join('\n')}\n`);
    const strict = await ctr('compare', '--data', `criteo:${file}`, '--epochs', '1', '--seeds', '1', '--losses', 'logloss', '--out', join(root, 'criteo-strict'));
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/day_0\.txt.*42.*I1/);
    const out = join(root, 'criteo');
    const lenient = await ctr('compare', '--data', `criteo:${file}`, '--skip-malformed', '--epochs', '2', '--seeds', '1', '--losses', 'logloss,welfare', '--out', out);
    expect(lenient.code).toBe(0);
    const report = await readFile(join(out, 'report.md'), 'utf8');
    expect(report).toMatch(/399 rows, \d+ clicks, consecutive groups of 10 with synthetic log-normal bids; 1 malformed line\(s\) skipped \(first: 42\)/);
  }, 60_000);

  it('fetch, offline, verifies the shared copies and says what is missing', async () => {
    const fetched = await ctr('fetch', '--offline', '--dir', join(root, 'fetch'));
    expect(fetched.code).toBe(0);
    expect(fetched.stdout).toMatch(/^shared +open-bandit-dataset\/random\/men\/men\.csv +→ .*men\.csv\.gz$/m);
    expect(fetched.stdout).toMatch(/^missing +open-bandit-dataset\/random\/all\/all\.csv +\(/m);
    expect(fetched.stdout).toMatch(/^12 of 14 files available and verified; 2 missing$/m);
  }, 60_000);

  it('reports a malformed table row with file, row and column, and bad arguments by name', async () => {
    const table = join(root, 'bad.csv');
    await writeFile(table, 'click,price,f1\n1,2.5,0.1\n0,abc,0.3\n');
    const mapping = join(root, 'columns.json');
    await writeFile(mapping, JSON.stringify({ label: 'click', bid: 'price', numeric: ['f1'], categorical: [] }));
    const bad = await ctr('compare', '--data', table, '--columns', mapping, '--out', join(root, 'bad'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/bad\.csv.*(line|row) 3.*price/);
    const loss = await ctr('compare', '--losses', 'logloss,hinge', '--out', join(root, 'x'));
    expect(loss.code).toBe(1);
    expect(loss.stderr).toMatch(/--losses.*unknown loss "hinge"/);
    const noColumns = await ctr('compare', '--data', table, '--out', join(root, 'y'));
    expect(noColumns.code).toBe(1);
    expect(noColumns.stderr).toMatch(/--columns.*required/);
  }, 60_000);
});
