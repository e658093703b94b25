/**
 * The probe's unclear messages, through the real CLI (one spawn each, run concurrently): each must end in one clean
 * line naming the file or flag and the place, and leave nothing in the output folder. Each spawn costs ~2.5–5 s of
 * CPU (tsx + tfjs), so only these representatives run here; a folder or a bad Criteo row given as data, and the other
 * loaders' cases, are judged in-process by data/loaders.reliability.test.ts with the same `cleanFailureProblems`.
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { cleanFailureProblems, filesAdded, listFiles, runCommand, sourceCli } from '@counterweight/reliability-kit';
import { OnnxGraphBuilder, writeOnnxModel } from '@counterweight/runtime/onnx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { binaryBytes } from './data/test-support/bad-inputs.js';
import { removeTempDirs, tempDir } from './data/test-support/temp.js';

const CLI = resolve(import.meta.dirname, 'cli.ts');
let dir: string;

beforeAll(async () => {
  dir = await tempDir('cli-reliability');
  // A vision-style ONNX model (image in, class logits out, imbalanced-vision's metadata key): valid ONNX, not a ctr model.
  const g = new OnnxGraphBuilder();
  const w = g.initializer('w', new Float32Array(784 * 10).fill(0.01), [784, 10]);
  g.node('MatMul', [g.node('Flatten', ['input'], { axis: { int: 1 } }), w], {}, 'logits');
  const bytes = g.encode({
    graphName: 'vision',
    inputs: [{ name: 'input', shape: ['N', 1, 28, 28] }],
    outputs: [{ name: 'logits', shape: ['N', 10] }],
    opset: 13,
    irVersion: 7,
    producerName: 'imbalanced-vision',
    metadata: { 'counterweight.model': '{"kind":"small-cnn"}' },
  });
  await writeOnnxModel(join(dir, 'vision.onnx'), bytes);
  await writeFile(join(dir, 'mapping.json'), JSON.stringify({ label: 'click', numeric: ['x'] }));
  await writeFile(join(dir, 'binary.csv'), binaryBytes(3000));
});
afterAll(removeTempDirs);

const cases: ReadonlyArray<readonly [string, (out: string) => string[], ReadonlyArray<string | RegExp>]> = [
  ['a vision ONNX model given to serve', () => ['serve', '--model', join(dir, 'vision.onnx'), '--port', '0'], ['vision.onnx', 'not a ctr-ranking model']],
  ['a vision ONNX model given as --teacher', (out) => ['compare', '--auctions', '100', '--epochs', '1', '--seeds', '1', '--losses', 'welfare-teacher', '--teacher', join(dir, 'vision.onnx'), '--out', out], ['vision.onnx', '--teacher', 'not a ctr-ranking model']],
  ['--port 70000', () => ['serve', '--model', join(dir, 'vision.onnx'), '--port', '70000'], ['--port', '70000', '0–65535']],
  ['--skip-malformed with --data bank', (out) => ['compare', '--data', 'bank', '--skip-malformed', '--out', out], ['--skip-malformed', 'bank']],
  ['a binary file given as CSV', (out) => ['compare', '--data', join(dir, 'binary.csv'), '--columns', join(dir, 'mapping.json'), '--out', out], ['binary.csv', 'row 1', 'not text']],
];

describe('ctr-ranking CLI: clear one-line failures, no partial output', () => {
  it.concurrent.each(cases.map(([name, args, mentions], i) => [name, args, mentions, i] as const))('%s', async (_, args, mentions, i) => {
    const out = join(dir, `out-${i}`);
    const before = listFiles(out);
    const run = await runCommand(...sourceCli(CLI, args(out)), { timeoutMs: 60_000 });
    expect(cleanFailureProblems(run, { mentions })).toEqual([]);
    expect(filesAdded(out, before)).toEqual([]);
  });
});
