import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { runSourceCli, type CliRun } from '@counterweight/experiment/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { removeTempDirs, tempDir, writeBytes } from './data/test-support/temp.js';
import type { LmRunResult } from './experiment/run-one.js';

const CLI = resolve(import.meta.dirname, 'cli.ts');
const lm = (...args: string[]): Promise<CliRun> => runSourceCli(CLI, args);

let root: string;
beforeAll(async () => {
  root = await tempDir('cli');
});
afterAll(removeTempDirs);

const TINY_MODEL = ['--layers', '1', '--heads', '2', '--width', '32'];
const TINY_TRAINING = ['--steps', '20', '--eval-every', '10', '--warmup', '2', '--batch-size', '8', '--eval-windows', '16', '--seeds', '1', '--jobs', '1'];
// Each CLI call starts Node, tsx and the wasm backend; the comparisons below train a few models each.
const SLOW = 600_000;

describe('llm-reweighting CLI on TinyShakespeare (the embedded corpus)', () => {
  it('compares uniform with the strategies and auxiliary losses, reuses every run, exports a run and generates from it with onnxruntime', async () => {
    const out = join(root, 'shakespeare');
    const args = ['compare', ...TINY_MODEL, '--context', '32', ...TINY_TRAINING, '--strategies', 'linupper,md4', '--reweighting-warmup', '10', '--sample-tokens', '20', '--out', out];
    const compare = await lm(...args);
    expect(compare.stderr).toMatch(/^backend: wasm/m);
    expect(compare.code).toBe(0);
    for (const name of ['uniform', 'linupper', 'md4']) {
      expect(compare.stdout).toMatch(new RegExp(`^${name} +validation loss \\(full split\\) \\d\\.\\d{4} {2}bits/char \\d\\.\\d{4} {2}perplexity \\d+\\.\\d{3}$`, 'm'));
    }
    for (const file of ['report.md', 'metrics.json', 'config.json', 'loss-by-step.png', 'loss-by-tokens.png', 'weight-distribution.png']) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    const metrics = JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8')) as { runs: { method: string; result: LmRunResult }[]; data: { vocabularySize: number; trainTokens: number; validationTokens: number } };
    expect(metrics.data).toMatchObject({ vocabularySize: 65, trainTokens: 1_003_854, validationTokens: 111_540 });
    expect(metrics.runs).toHaveLength(3);
    for (const run of metrics.runs) {
      expect(run.result.curve.map((p) => p.step)).toEqual([0, 10, 20]);
      // A fresh model's loss is about ln 65; twenty steps lower it.
      expect(run.result.curve[0]?.validationLoss).toBeGreaterThan(3.5);
    }
    const linupper = metrics.runs.find((r) => r.method === 'linupper');
    // Reweighting starts after the 10-step warm-up: weights recorded from step 10 on, B·w averaging 1.
    const samples = linupper?.result.weights ?? [];
    expect(samples.length).toBeGreaterThan(0);
    expect(Math.min(...samples.map((s) => s.step))).toBeGreaterThanOrEqual(10);
    for (const s of samples) expect(s.scaledWeights.reduce((a, b) => a + b, 0) / s.scaledWeights.length).toBeCloseTo(1, 5);
    // The masked-diffusion model fills its context after the one-character prompt: 20 characters, no mask left.
    const md4Samples = metrics.runs.find((r) => r.method === 'md4')?.result.samples;
    expect(md4Samples?.md4Steps).toBe(1000);
    expect([...(md4Samples?.sampled ?? '')]).toHaveLength(20);
    expect([...(md4Samples?.greedy ?? '')]).toHaveLength(20);
    expect(metrics.runs.find((r) => r.method === 'uniform')?.result.samples?.sampled.length).toBeGreaterThan(0);
    const report = await readFile(join(out, 'report.md'), 'utf8');
    expect(report).toMatch(/## Steps to the plain baseline’s final loss/);
    expect(report).toMatch(/## Samples/);
    expect(report).toMatch(/\*\*`md4`\*\* \(first seed, masked diffusion: the positions after the prompt unmasked over 1000 reverse steps\)/);
    expect(report).not.toMatch(/\/tmp\//);

    // The same command again: every run is reused, the printed numbers are identical.
    const again = await lm(...args);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(compare.stdout);

    // export → ONNX (+ tokenizer.json beside it) → generate with onnxruntime-node
    const onnx = join(root, 'uniform.onnx');
    const exported = await lm('export', '--run', join(out, 'runs', 'uniform', 'seed-0'), '--out', onnx);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/uniform\.onnx: uniform, \d+ nodes, opset 17, \d+ bytes/);
    expect(existsSync(join(root, 'tokenizer.json'))).toBe(true);
    const generated = await lm('generate', '--model', onnx, '--prompt', 'ROMEO:', '--tokens', '12', '--temperature', '0');
    expect(generated.code).toBe(0);
    expect(generated.stdout.startsWith('ROMEO:')).toBe(true);
    expect(generated.stdout.length).toBeGreaterThan('ROMEO:'.length + 12);
    const outside = await lm('generate', '--model', onnx, '--prompt', 'naïve €5');
    expect(outside.code).not.toBe(0);
    expect(outside.stderr).toMatch(/llm-reweighting: .*(ï|U\+00EF).*line 1, column 3/);
    const diffusion = await lm('export', '--run', join(out, 'runs', 'md4', 'seed-0'), '--out', join(root, 'md4.onnx'));
    expect(diffusion.code).not.toBe(0);
    expect(diffusion.stderr).toMatch(/masked-diffusion \(bidirectional\) model/);
  }, SLOW);

  it('refuses another model configuration in the same folder, naming the setting', async () => {
    const out = join(root, 'shakespeare');
    const other = await lm('compare', '--layers', '2', '--heads', '2', '--width', '32', '--context', '32', ...TINY_TRAINING, '--strategies', 'uniform', '--out', out);
    expect(other.code).not.toBe(0);
    expect(other.stderr).toMatch(/llm-reweighting: .*layers/);
  }, SLOW);
});

describe('llm-reweighting arithmetic', () => {
  it('trains with and without the number-token loss and scores greedy answers', async () => {
    const out = join(root, 'arithmetic');
    const run = await lm('arithmetic', ...TINY_MODEL, '--context', '24', ...TINY_TRAINING, '--train-problems', '300', '--test-problems', '12', '--digits', '1,2', '--out', out);
    expect(run.code).toBe(0);
    for (const name of ['none', 'was', 'mse']) expect(run.stdout).toMatch(new RegExp(`^${name} +exact match \\d\\.\\d{3} {2}MAE (\\d+\\.\\d{2}|NaN)$`, 'm'));
    const report = await readFile(join(out, 'report.md'), 'utf8');
    expect(report).toMatch(/## Examples \(first seed\)/);
    expect(report).toMatch(/\| What is \d+ \+ \d+\? \|/);
    expect(existsSync(join(out, 'arithmetic-loss-by-step.png'))).toBe(true);
  }, SLOW);
});

describe('llm-reweighting bad input', () => {
  it('names an empty file, a binary file and a context longer than the corpus, with nothing left in --out', async () => {
    const empty = await writeBytes(root, 'empty.txt', '');
    const binary = await writeBytes(root, 'binary.txt', new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x00, 0x01, 0xff, 0xfe]));
    const short = await writeBytes(root, 'short.txt', 'To be, or not to be.\n');
    const cases: Array<[string, RegExp]> = [
      [empty, /empty\.txt.*empty/],
      [binary, /binary\.txt.*(NUL|binary)/],
      [short, /validation.*(fewer|shorter|tokens)/],
    ];
    for (const [file, message] of cases) {
      const out = join(root, `bad-${file.split('/').pop() ?? ''}`);
      const run = await lm('compare', '--corpus', file, ...TINY_MODEL, '--context', '32', ...TINY_TRAINING, '--strategies', 'uniform', '--out', out);
      expect(run.code, file).not.toBe(0);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(out), out).toBe(false);
    }
  }, SLOW);

  it('names a model folder whose weights do not fit its configuration', async () => {
    const run = join(root, 'shakespeare', 'runs', 'linupper', 'seed-0');
    const description = join(run, 'model', 'gpt.json');
    const saved = JSON.parse(await readFile(description, 'utf8')) as { config: { width: number } };
    await writeFile(description, JSON.stringify({ ...saved, config: { ...saved.config, width: 64 } }));
    const exported = await lm('export', '--run', run, '--out', join(root, 'broken.onnx'));
    expect(exported.code).not.toBe(0);
    expect(exported.stderr).toMatch(/gpt-weights\.bin: variable .* has shape \[65, 32\], this configuration needs \[65, 64\]/);
    expect(existsSync(join(root, 'broken.onnx'))).toBe(false);
  }, SLOW);
});
