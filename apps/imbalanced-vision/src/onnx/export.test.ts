import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { initBackend, type LossFunction } from '@counterweight/runtime';
import { onnx } from '@counterweight/runtime/onnx';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Architecture, HeadKind, ModelOptions } from '../models/options.js';
import { FASHION_MNIST_TEST_IMAGES, fashionMnistImages, syntheticImages, type ImageBatch } from '../models/test-support/images.js';
import { crossEntropy, trainBriefly } from '../models/test-support/training.js';
import { createModel, type VisionModel } from '../models/vision-model.js';
import { ONNX_INPUT, ONNX_IR_VERSION, ONNX_OPSET, ONNX_OPTIONS_KEY, ONNX_OUTPUT, exportOnnx } from './export.js';
import { OnnxClassifier } from './predict.js';

const COMBINATIONS: Array<[Architecture, HeadKind]> = (['cnn', 'resnet'] as const).flatMap((arch) =>
  (['linear', 'cosine', 'etf'] as const).map((head): [Architecture, HeadKind] => [arch, head]),
);
const TOLERANCE = 1e-4;
const scaledCrossEntropy: LossFunction = (inputs) => crossEntropy({ ...inputs, predictions: tf.mul(inputs.predictions, 30) });

let dir: string;
beforeAll(async () => {
  await initBackend('wasm', { log: null });
  dir = await mkdtemp(join(tmpdir(), 'iv-onnx-export-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Largest |tfjs − onnxruntime| over the logits of `batch` images starting at `start`. */
async function worstDifference(model: VisionModel, classifier: OnnxClassifier, data: ImageBatch, start: number, batch: number): Promise<number> {
  const { side } = data;
  const per = side * side;
  const images = data.images.subarray(start * per, (start + batch) * per);
  const input = tf.tensor4d(images, [batch, side, side, 1]);
  const logits = model.logits(input);
  const expected = logits.dataSync();
  tf.dispose([input, logits]);
  const { logits: actual, numClasses } = await classifier.run(images, [batch, side, side, 1]);
  expect(numClasses).toBe(model.options.numClasses);
  expect(actual).toHaveLength(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i += 1) worst = Math.max(worst, Math.abs((expected[i] as number) - (actual[i] as number)));
  return worst;
}

async function exportAndLoad(model: VisionModel, name: string): Promise<OnnxClassifier> {
  const path = join(dir, `${name}.onnx`);
  await exportOnnx(model, path);
  return OnnxClassifier.load(path);
}

describe.each(COMBINATIONS)('%s with a %s head exported to ONNX', (arch, head) => {
  it('agrees with tfjs within 1e-4 (random-init and briefly trained weights; batch 1 and 64)', async () => {
    const opts: ModelOptions = { arch, head, inputShape: [28, 28, 1], numClasses: 10, seed: 11 };
    const model = createModel(opts);
    const test = syntheticImages(64, 28, 10, 12);
    try {
      for (const phase of ['random', 'trained'] as const) {
        if (phase === 'trained') {
          const result = await trainBriefly(model, syntheticImages(64, 28, 10, 13), {
            epochs: 2,
            batchSize: 32,
            ...(head === 'cosine' ? { loss: scaledCrossEntropy } : {}),
          });
          expect(result.losses[1]).toBeLessThan(result.losses[0] as number);
        }
        const classifier = await exportAndLoad(model, `${arch}-${head}-${phase}`);
        try {
          expect(classifier.layout).toBe('nhwc');
          expect(await worstDifference(model, classifier, test, 0, 64)).toBeLessThan(TOLERANCE);
          expect(await worstDifference(model, classifier, test, 17, 1)).toBeLessThan(TOLERANCE);
        } finally {
          await classifier.release();
        }
      }
    } finally {
      model.dispose();
    }
  });
});

describe('ONNX export', () => {
  it('agrees with tfjs within 1e-4 on real Fashion-MNIST test images', async () => {
    const real = fashionMnistImages(64);
    if (real === undefined) throw new Error(`${FASHION_MNIST_TEST_IMAGES} is missing: apt-get install dataset-fashion-mnist (.ci/run does)`);
    for (const arch of ['cnn', 'resnet'] as const) {
      const model = createModel({ arch, head: 'linear', inputShape: [28, 28, 1], numClasses: 10, seed: 14 });
      try {
        await trainBriefly(model, syntheticImages(64, 28, 10, 15), { epochs: 1, batchSize: 32 });
        const classifier = await exportAndLoad(model, `${arch}-fashion`);
        try {
          expect(await worstDifference(model, classifier, real, 0, 64)).toBeLessThan(TOLERANCE);
        } finally {
          await classifier.release();
        }
      } finally {
        model.dispose();
      }
    }
  });

  it('bakes an input normalisation and a per-class logit adjustment into the graph', async () => {
    const model = createModel({ arch: 'cnn', head: 'linear', inputShape: [28, 28, 1], numClasses: 10, seed: 19 });
    const raw = syntheticImages(16, 28, 10, 20);
    const pixels = Float32Array.from(raw.images, (v) => Math.round(Math.min(255, Math.max(0, 128 + 60 * v))));
    const input = { scale: [1 / (255 * 0.353)], offset: [-0.286 / 0.353] };
    const logitMap = { scale: Array.from({ length: 10 }, (_, k) => 1 + k / 10), offset: Array.from({ length: 10 }, (_, k) => -Math.log(k + 1)) };
    try {
      const path = join(dir, 'affine.onnx');
      await exportOnnx(model, path, { input, logits: logitMap });
      const classifier = await OnnxClassifier.load(path);
      try {
        const expected = tf.tidy(() => {
          const x = tf.add(tf.mul(tf.tensor4d(pixels, [16, 28, 28, 1]), input.scale[0] as number), input.offset[0] as number);
          return tf.add(tf.mul(model.logits(x), tf.tensor1d(logitMap.scale)), tf.tensor1d(logitMap.offset)).dataSync();
        });
        const { logits: actual } = await classifier.run(pixels, [16, 28, 28, 1]);
        let worst = 0;
        expected.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - (actual[i] as number)))));
        expect(worst).toBeLessThan(TOLERANCE);
        // And the maps matter: without them the outputs differ.
        const plainClassifier = await exportAndLoad(model, 'affine-plain');
        const { logits: plain } = await plainClassifier.run(pixels, [16, 28, 28, 1]);
        await plainClassifier.release();
        expect(Math.abs((plain[0] as number) - (actual[0] as number))).toBeGreaterThan(1e-3);
      } finally {
        await classifier.release();
      }
      await expect(exportOnnx(model, join(dir, 'bad.onnx'), { logits: { scale: [1], offset: [0] } })).rejects.toThrow(/logits: needs 10/);
    } finally {
      model.dispose();
    }
  });

  it('exports 56×56 mosaic models and only the main head of a dual-head model', async () => {
    const test = syntheticImages(8, 56, 6, 16);
    for (const arch of ['cnn', 'resnet'] as const) {
      const model = createModel({ arch, head: 'linear', inputShape: [56, 56, 1], numClasses: 6, seed: 17, auxiliaryHead: 'mlp' });
      try {
        const classifier = await exportAndLoad(model, `${arch}-56-dual`);
        try {
          expect(await worstDifference(model, classifier, test, 0, 8)).toBeLessThan(TOLERANCE);
        } finally {
          await classifier.release();
        }
      } finally {
        model.dispose();
      }
    }
  });

  it('writes opset 13 with an NHWC float input, a logits output, BatchNormalization nodes and the options as metadata', async () => {
    const model = createModel({ arch: 'resnet', head: 'cosine', inputShape: [28, 28, 1], numClasses: 10, seed: 18 });
    try {
      const path = join(dir, 'structure.onnx');
      const result = await exportOnnx(model, path, { metadata: { classNames: '["a","b"]' } });
      const bytes = await readFile(path);
      expect(result).toMatchObject({ path, bytes: bytes.length, opset: ONNX_OPSET });
      const decoded = onnx.ModelProto.decode(bytes);
      expect(Number(decoded.irVersion)).toBe(ONNX_IR_VERSION);
      expect(decoded.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 13]]);
      const graph = decoded.graph as InstanceType<typeof onnx.GraphProto>;
      expect(graph.input.map((i) => i.name)).toEqual([ONNX_INPUT]);
      const dims = graph.input[0]?.type?.tensorType?.shape?.dim?.map((d) => d.dimParam ?? Number(d.dimValue)) ?? [];
      expect(dims).toEqual(['batch', 28, 28, 1]);
      expect(graph.output.map((o) => o.name)).toEqual([ONNX_OUTPUT]);
      const ops = graph.node.map((n) => n.opType);
      expect(ops[0]).toBe('Transpose');
      expect(ops.filter((o) => o === 'Conv')).toHaveLength(1 + 6 + 2);
      expect(ops.filter((o) => o === 'BatchNormalization')).toHaveLength(1 + 6 + 2);
      expect(ops).toEqual(expect.arrayContaining(['ReduceSumSquare', 'Max', 'Sqrt', 'Div', 'MatMul', 'GlobalAveragePool']));
      expect(result.nodes).toBe(graph.node.length);
      const metadata = new Map(decoded.metadataProps.map((p): [string, string] => [p.key ?? '', p.value ?? '']));
      expect(metadata.get('classNames')).toBe('["a","b"]');
      expect(JSON.parse(metadata.get(ONNX_OPTIONS_KEY) ?? '{}')).toMatchObject({ arch: 'resnet', head: 'cosine', numClasses: 10 });
      const classifier = await OnnxClassifier.load(path);
      expect(classifier.metadata).toEqual(Object.fromEntries(metadata));
      await classifier.release();
    } finally {
      model.dispose();
    }
  });

  it('replaces an existing file atomically, leaving no temporary file behind', async () => {
    const sub = await mkdtemp(join(dir, 'atomic-'));
    const path = join(sub, 'model.onnx');
    await writeFile(path, 'old contents');
    const model = createModel({ arch: 'cnn', head: 'etf', inputShape: [12, 12, 1], numClasses: 3, seed: 19 });
    try {
      await exportOnnx(model, path);
      expect(await readdir(sub)).toEqual(['model.onnx']);
      const classifier = await OnnxClassifier.load(path);
      await classifier.release();
    } finally {
      model.dispose();
    }
  });
});
