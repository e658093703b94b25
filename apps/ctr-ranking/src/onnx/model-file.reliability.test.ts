/**
 * The bad-input corpus of the ONNX model loader (`serve --model`, `compare --teacher`), in-process: each case, made from
 * a real exported ctr model where it makes sense, must end in one clean OnnxModelError line naming the file and what
 * is wrong with it (see `judgeBadInput`).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { initBackend } from '@counterweight/runtime';
import { OnnxGraphBuilder, onnx } from '@counterweight/runtime/onnx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { binaryBytes, judgeBadInput, type BadInput } from '../data/test-support/bad-inputs.js';
import { removeTempDirs, tempDir } from '../data/test-support/temp.js';
import { createCtrModel } from '../models/index.js';
import { TINY_SPEC } from '../models/test-support/synthetic.js';
import { CTR_ONNX_FORMAT_KEY, CTR_ONNX_SPEC_KEY, exportCtrModel } from './export.js';
import { loadCtrOnnx } from './load.js';

let root: string;
/** A real exported ctr model (logistic, TINY_SPEC). */
let model: Buffer;
const outcomes: string[] = [];

beforeAll(async () => {
  await initBackend('wasm', { log: null });
  root = await tempDir('onnx-bad');
  const ctr = createCtrModel(TINY_SPEC, { kind: 'logistic' }, 1);
  await exportCtrModel(ctr, TINY_SPEC, ctr.config, join(root, 'ctr.onnx'));
  ctr.dispose();
  model = await readFile(join(root, 'ctr.onnx'));
});
afterAll(async () => {
  process.stdout.write(`bad-input corpus\n  loadCtrOnnx: ${outcomes.length} bad inputs, ${outcomes.filter((o) => o === 'clean').length} clean (OnnxModelError)\n`);
  await removeTempDirs();
});

/** The real model with its `metadata_props` changed by `change`. */
function withMetadata(change: (metadata: Record<string, string>) => void): Buffer {
  const decoded = onnx.ModelProto.decode(model);
  const metadata = Object.fromEntries(decoded.metadataProps.map((p) => [p.key ?? '', p.value ?? '']));
  change(metadata);
  decoded.metadataProps = Object.entries(metadata).map(([key, value]) => onnx.StringStringEntryProto.create({ key, value }));
  return Buffer.from(onnx.ModelProto.encode(decoded).finish());
}

const file = (content: () => Buffer | string) => async (dir: string) => {
  await writeFile(join(dir, 'model.onnx'), content());
  return join(dir, 'model.onnx');
};

const cases: readonly BadInput[] = [
  { name: 'a zero-byte file', make: file(() => ''), mentions: ['is empty'] },
  { name: 'a missing file', make: (dir) => Promise.resolve(join(dir, 'model.onnx')), mentions: ['file not found'] },
  { name: 'a folder', make: async (dir) => (await mkdir(join(dir, 'model.onnx')), join(dir, 'model.onnx')), mentions: ['is a folder'] },
  { name: 'a truncated model', make: file(() => model.subarray(0, model.length >> 1)), mentions: ['not a valid ONNX model'] },
  { name: 'a model with its first bytes flipped', make: file(() => Buffer.concat([Buffer.alloc(16, 0xff), model.subarray(16)])), mentions: ['not a valid ONNX model'] },
  { name: 'random binary bytes', make: file(() => binaryBytes(2000)), mentions: ['not a valid ONNX model'] },
  { name: 'a CSV given as model', make: file(() => 'click,x\n0,1\n1,2\n'), mentions: ['not a valid ONNX model'] },
  {
    name: 'a vision model (valid ONNX, no ctr metadata)',
    make: file(() => {
      const g = new OnnxGraphBuilder();
      g.node('MatMul', [g.node('Flatten', ['input'], { axis: { int: 1 } }), g.initializer('w', new Float32Array(7840), [784, 10])], {}, 'logits');
      return Buffer.from(g.encode({ graphName: 'v', inputs: [{ name: 'input', shape: ['N', 1, 28, 28] }], outputs: [{ name: 'logits', shape: ['N', 10] }], opset: 13, irVersion: 7, producerName: 'imbalanced-vision' }));
    }),
    mentions: ['not a ctr-ranking model', '"input"'],
  },
  { name: 'a ctr model of a future format', make: file(() => withMetadata((m) => (m[CTR_ONNX_FORMAT_KEY] = '2'))), mentions: ['ctr format "2"', 're-export'] },
  { name: 'a ctr model whose spec is not JSON', make: file(() => withMetadata((m) => (m[CTR_ONNX_SPEC_KEY] = '{"numericNames": ['))), mentions: [`"${CTR_ONNX_SPEC_KEY}" is not valid JSON`] },
  { name: 'a ctr model without its spec', make: file(() => withMetadata((m) => delete m[CTR_ONNX_SPEC_KEY])), mentions: [`no "${CTR_ONNX_SPEC_KEY}" metadata`] },
  { name: 'a ctr model whose spec has no buckets', make: file(() => withMetadata((m) => (m[CTR_ONNX_SPEC_KEY] = JSON.stringify({ ...TINY_SPEC, buckets: 'many' })))), mentions: ['buckets'] },
];

describe('loadCtrOnnx', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s ends in one clean line naming the file', async (name, input) => {
    const dir = join(root, name.replace(/[^a-z0-9]+/gi, '-'));
    await mkdir(dir, { recursive: true });
    const outcome = await judgeBadInput(input, dir, (path) => loadCtrOnnx(path), ['OnnxModelError']);
    outcomes.push(outcome.problems.length === 0 ? 'clean' : outcome.message);
    expect(outcome.problems, outcome.message).toEqual([]);
  });
});
