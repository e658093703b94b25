import { cpSync, mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { CheckpointError, ConfigError, DataFileError, initBackend } from '@counterweight/runtime';
import { OnnxGraphBuilder, OnnxModelError } from '@counterweight/runtime/onnx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { saveTokenizer, trainTokenizer } from '../data/index.js';
import { embeddedShakespeare, sharedStories } from '../data/test-support/real-text.js';
import { rejection, removeTempDirs, tempDir } from '../data/test-support/temp.js';
import { compareStrategies } from './compare.js';
import { exportRun } from './export-run.js';
import { generateFromOnnx } from './generate-command.js';
import { prepareData } from './prepare-data.js';
import { runLanguageModel } from './run-one.js';
import type { LmSettings } from './settings.js';

// The bad-input corpus of what a trained run leaves and the app reads back: run folders given to `export --run`
// (model/gpt.json, gpt-weights.bin, tokenizer.json, result.json), checkpoints read on resume, and ONNX models with
// their tokenizer given to `generate --model`. All made from a real comparison on the embedded TinyShakespeare
// (a tiny GPT, 10 steps) and its export, then cut, emptied, swapped and edited.

const settings: LmSettings = {
  corpus: { source: 'tinyshakespeare', tokenizer: 'char', bpeVocabulary: 512, trainFraction: 0.9 },
  model: { layers: 1, heads: 2, width: 32, context: 32 },
  training: { steps: 10, evalEvery: 5, batchSize: 8, evalWindows: 16, learningRate: 1e-3, minLearningRate: 1e-4, warmupSteps: 2, weightDecay: 0.1, beta1: 0.9, beta2: 0.99, clip: 1 },
  objectives: { temperature: null, reweightingWarmup: 0, ntlLambda: 0.3 },
  samples: { prompt: '\n', tokens: 0, temperature: 0.8 },
};

let root: string;
let run: string;
let onnx: string;
beforeAll(async () => {
  await initBackend('wasm', { log: null });
  root = await tempDir('trained-files');
  await compareStrategies({ settings, methods: ['uniform'], seed: 1, seeds: 1, out: join(root, 'compare'), jobs: 1, quiet: true });
  run = join(root, 'compare', 'runs', 'uniform', 'seed-0');
  onnx = (await exportRun(run, join(root, 'export', 'shakespeare.onnx'))).path;
}, 120_000);
afterAll(removeTempDirs);

let copies = 0;
/** A fresh copy of the real run folder (or of the export folder) to damage. */
function copyOf(source: string): string {
  copies += 1;
  const target = join(root, `copy-${copies}`);
  cpSync(source, target, { recursive: true });
  return target;
}

/** Cuts a file to `fraction` of its bytes. */
function cut(path: string, fraction: number): void {
  truncateSync(path, Math.floor(readFileSync(path).length * fraction));
}

/** A tokenizer of another vocabulary (TinyStories' characters) written over `path`. */
async function otherTokenizer(path: string): Promise<void> {
  await saveTokenizer(path, trainTokenizer([sharedStories().toString('utf8').slice(0, 20_000)], { kind: 'char' }));
}

interface Case {
  readonly name: string;
  /** Makes the input; returns the path given to the loader and what the message must name. */
  readonly make: () => Promise<{ path: string; mentions: ReadonlyArray<string | RegExp> }> | { path: string; mentions: ReadonlyArray<string | RegExp> };
  readonly error: abstract new (...args: never[]) => Error;
}

const RUN_CASES: readonly Case[] = [
  { name: 'a run folder without its model', error: DataFileError, make: () => { const r = copyOf(run); rmSync(join(r, 'model'), { recursive: true }); return { path: r, mentions: [join(r, 'model'), 'holds no trained model'] }; } },
  { name: 'a run folder that is not there', error: DataFileError, make: () => ({ path: join(root, 'no-such-run'), mentions: ['not found'] }) },
  { name: 'a file given as the run folder (its result.json)', error: DataFileError, make: () => ({ path: join(run, 'result.json'), mentions: ['is a file'] }) },
  { name: 'the checkpoints folder given as the run', error: DataFileError, make: () => ({ path: join(run, 'checkpoints'), mentions: ['holds no trained model'] }) },
  { name: 'a truncated weights file (half of gpt-weights.bin)', error: DataFileError, make: () => { const r = copyOf(run); cut(join(r, 'model', 'gpt-weights.bin'), 0.5); return { path: r, mentions: ['gpt-weights.bin', /bytes/] }; } },
  { name: 'a zero-byte weights file', error: DataFileError, make: () => { const r = copyOf(run); cut(join(r, 'model', 'gpt-weights.bin'), 0); return { path: r, mentions: ['gpt-weights.bin'] }; } },
  { name: 'the weights file missing', error: DataFileError, make: () => { const r = copyOf(run); rmSync(join(r, 'model', 'gpt-weights.bin')); return { path: r, mentions: ['gpt-weights.bin'] }; } },
  { name: 'gpt.json missing', error: DataFileError, make: () => { const r = copyOf(run); rmSync(join(r, 'model', 'gpt.json')); return { path: r, mentions: ['gpt.json'] }; } },
  { name: 'gpt.json truncated', error: DataFileError, make: () => { const r = copyOf(run); cut(join(r, 'model', 'gpt.json'), 0.5); return { path: r, mentions: ['gpt.json', /JSON/] }; } },
  { name: 'gpt.json replaced by the tokenizer file', error: DataFileError, make: () => { const r = copyOf(run); cpSync(join(r, 'model', 'tokenizer.json'), join(r, 'model', 'gpt.json')); return { path: r, mentions: ['gpt.json', 'format'] }; } },
  {
    name: 'gpt.json with 0 layers',
    error: DataFileError,
    make: () => {
      const r = copyOf(run);
      const file = join(r, 'model', 'gpt.json');
      const json = JSON.parse(readFileSync(file, 'utf8')) as { config: { layers: number } };
      json.config.layers = 0;
      writeFileSync(file, JSON.stringify(json));
      return { path: r, mentions: ['gpt.json', 'layers'] };
    },
  },
  {
    name: 'gpt.json claiming width 64 over weights of width 32',
    error: DataFileError,
    make: () => {
      const r = copyOf(run);
      const file = join(r, 'model', 'gpt.json');
      writeFileSync(file, readFileSync(file, 'utf8').replace('"width": 32', '"width": 64'));
      return { path: r, mentions: ['gpt-weights.bin', /\[65, ?32\]|\[65, ?64\]|bytes/] };
    },
  },
  { name: 'the model\'s tokenizer.json truncated', error: DataFileError, make: () => { const r = copyOf(run); cut(join(r, 'model', 'tokenizer.json'), 0.5); return { path: r, mentions: ['tokenizer.json', /not valid JSON at line \d+, column \d+/] }; } },
  {
    name: 'the model\'s tokenizer.json of another vocabulary (TinyStories characters)',
    error: DataFileError,
    make: async () => {
      const r = copyOf(run);
      await otherTokenizer(join(r, 'model', 'tokenizer.json'));
      return { path: r, mentions: ['tokenizer.json', /has \d+ tokens but the model .*gpt\.json has a vocabulary of 65/] };
    },
  },
  { name: 'result.json truncated', error: DataFileError, make: () => { const r = copyOf(run); cut(join(r, 'result.json'), 0.5); return { path: r, mentions: ['result.json', /not valid JSON at line \d+, column \d+/] }; } },
  {
    name: 'gpt.json claiming a bidirectional model over causal weights',
    error: DataFileError,
    make: () => {
      const r = copyOf(run);
      const file = join(r, 'model', 'gpt.json');
      writeFileSync(file, readFileSync(file, 'utf8').replace('"causal": true', '"causal": false'));
      return { path: r, mentions: ['gpt-weights.bin', 'embedding/tokens'] };
    },
  },
];

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function expectClear(error: Error, expected: Case['error'], path: string, mentions: ReadonlyArray<string | RegExp>): void {
  expect(error).toBeInstanceOf(expected);
  expect(error.message.split('\n')).toHaveLength(1);
  expect(error.message.length).toBeLessThan(400);
  for (const mention of [path, ...mentions]) expect(error.message).toMatch(typeof mention === 'string' ? new RegExp(escape(mention)) : mention);
  // eslint-disable-next-line no-control-regex -- no raw byte of the input may reach the message
  expect(error.message).not.toMatch(/[\u0000-\u0008\u000e-\u001f\ufffd]|Unexpected token|undefined|\b(EISDIR|ENOENT)\b/);
}

describe('export --run: run folders, damaged', () => {
  it.each(RUN_CASES.map((c) => [c.name, c] as const))('%s', async (_, testCase) => {
    const { path, mentions } = await testCase.make();
    const out = join(root, `out-${copies}`, 'model.onnx');
    expectClear(await rejection(exportRun(path, out)), testCase.error, path, mentions);
    expect(() => readFileSync(out)).toThrow();
  });
});

/** A real ONNX model of another kind: a two-layer classifier of 784 pixels into 10 classes (input "image"). */
function classifierOnnx(path: string): void {
  const g = new OnnxGraphBuilder();
  const w1 = g.initializer('w1', new Float32Array(784 * 16).fill(0.01), [784, 16]);
  const w2 = g.initializer('w2', new Float32Array(16 * 10).fill(0.02), [16, 10]);
  const hidden = g.node('Relu', [g.node('MatMul', ['image', w1])]);
  g.node('MatMul', [hidden, w2], {}, 'logits');
  writeFileSync(path, g.encode({ graphName: 'classifier', inputs: [{ name: 'image', shape: ['batch', 784] }], outputs: [{ name: 'logits', shape: ['batch', 10] }], opset: 17, irVersion: 8, producerName: 'imbalanced-vision', metadata: { task: 'classification' } }));
}

const ONNX_CASES: readonly Case[] = [
  {
    name: 'an ONNX model that is not this app\'s (an image classifier)',
    error: OnnxModelError,
    make: () => {
      const dir = copyOf(join(root, 'export'));
      classifierOnnx(join(dir, 'shakespeare.onnx'));
      return { path: join(dir, 'shakespeare.onnx'), mentions: ['is not a GPT language model exported by llm-reweighting'] };
    },
  },
  { name: 'a zero-byte .onnx', error: OnnxModelError, make: () => { const dir = copyOf(join(root, 'export')); cut(join(dir, 'shakespeare.onnx'), 0); return { path: join(dir, 'shakespeare.onnx'), mentions: ['is empty'] }; } },
  { name: 'a truncated .onnx (half the export)', error: OnnxModelError, make: () => { const dir = copyOf(join(root, 'export')); cut(join(dir, 'shakespeare.onnx'), 0.5); return { path: join(dir, 'shakespeare.onnx'), mentions: ['is not a valid ONNX model'] }; } },
  {
    name: 'the corpus text given as the model',
    error: OnnxModelError,
    make: () => {
      const dir = copyOf(join(root, 'export'));
      writeFileSync(join(dir, 'shakespeare.onnx'), embeddedShakespeare().subarray(0, 50_000));
      return { path: join(dir, 'shakespeare.onnx'), mentions: ['is not a valid ONNX model'] };
    },
  },
  {
    name: 'a folder given as the model',
    error: DataFileError,
    make: () => {
      const path = join(root, 'folder.onnx');
      mkdirSync(path, { recursive: true });
      return { path, mentions: ['is a folder'] };
    },
  },
  { name: 'a model that is not there', error: DataFileError, make: () => ({ path: join(root, 'absent.onnx'), mentions: ['not found'] }) },
  { name: 'no tokenizer.json beside the model', error: DataFileError, make: () => { const dir = copyOf(join(root, 'export')); rmSync(join(dir, 'tokenizer.json')); return { path: join(dir, 'shakespeare.onnx'), mentions: ['tokenizer.json', 'is missing'] }; } },
  {
    name: 'the tokenizer of another vocabulary beside the model',
    error: DataFileError,
    make: async () => {
      const dir = copyOf(join(root, 'export'));
      await otherTokenizer(join(dir, 'tokenizer.json'));
      return { path: join(dir, 'shakespeare.onnx'), mentions: ['tokenizer.json', /has \d+ tokens but the model .* has a vocabulary of 65/] };
    },
  },
];

describe('generate --model: ONNX files, damaged or foreign', () => {
  it.each(ONNX_CASES.map((c) => [c.name, c] as const))('%s', async (_, testCase) => {
    const { path, mentions } = await testCase.make();
    expectClear(await rejection(generateFromOnnx({ model: path, prompt: 'ROMEO:', tokens: 5, temperature: 0, seed: 1 })), testCase.error, path, mentions);
  });

  it('a prompt with a character the vocabulary lacks, or an empty prompt, names --prompt (and the character and place)', async () => {
    const unknown = await rejection(generateFromOnnx({ model: onnx, prompt: 'ROMEO:\nHe said "hello"', tokens: 5, temperature: 0, seed: 1 }));
    expect(unknown).toBeInstanceOf(ConfigError);
    expect(unknown.message).toMatch(/^--prompt: .*tokenizer\.json cannot write it: character "\\"" \(U\+0022\) at line 2, column 9 is not in the char vocabulary/);
    const empty = await rejection(generateFromOnnx({ model: onnx, prompt: '', tokens: 5, temperature: 0, seed: 1 }));
    expect(empty.message).toBe('--prompt: is empty; generation continues a text of at least one character');
    expect(await generateFromOnnx({ model: onnx, prompt: 'ROMEO:', tokens: 5, temperature: 0, seed: 1 })).toHaveLength(5);
  });
});

describe('resume: damaged checkpoints', () => {
  const CHECKPOINT_CASES: readonly { name: string; damage: (checkpoints: string) => void; mentions: readonly RegExp[] }[] = [
    { name: 'truncated variables.bin', damage: (c) => cut(join(c, 'step-10', 'variables.bin'), 0.5), mentions: [/step-10/, /variables\.bin|bytes/] },
    { name: 'zero-byte optimizer.bin', damage: (c) => cut(join(c, 'step-10', 'optimizer.bin'), 0), mentions: [/step-10/, /optimizer\.bin|bytes/] },
    { name: 'truncated checkpoint.json', damage: (c) => cut(join(c, 'step-10', 'checkpoint.json'), 0.5), mentions: [/checkpoint\.json/] },
    { name: 'latest.json naming a checkpoint that is gone', damage: (c) => rmSync(join(c, 'step-10'), { recursive: true }), mentions: [/step-10/] },
  ];

  it.each(CHECKPOINT_CASES.map((c) => [c.name, c] as const))('%s: a CheckpointError naming the file, nothing trained', async (_, testCase) => {
    const dir = copyOf(run);
    rmSync(join(dir, 'model'), { recursive: true });
    testCase.damage(join(dir, 'checkpoints'));
    const data = await prepareData(settings);
    const task = { method: 'uniform', options: { objective: 'uniform' }, repetition: 0, seed: 1, settings, dir };
    const error = await rejection(runLanguageModel(task, data));
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error.message).toContain(join(dir, 'checkpoints'));
    for (const mention of testCase.mentions) expect(error.message).toMatch(mention);
    expect(() => readFileSync(join(dir, 'model', 'gpt.json'))).toThrow();
  });
});
