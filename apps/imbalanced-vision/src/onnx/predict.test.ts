import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { SeededRandom, initBackend } from '@counterweight/runtime';
import { OnnxGraphBuilder, OnnxModelError } from '@counterweight/runtime/onnx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createModel } from '../models/vision-model.js';
import { buildOnnxModel } from './export.js';
import { OnnxClassifier, teacherLogits } from './predict.js';

const H = 6;
const W = 5;
const C = 3;
const CLASSES = 4;
const random = SeededRandom.fromSeed(21);
const KERNEL = random.normalArray(C * CLASSES); // [C, CLASSES]
const BIAS = random.normalArray(CLASSES);

/**
 * A tiny "PyTorch-style" teacher: NCHW input `[batch, C, H, W]` (batch symbolic or fixed), global average pooling
 * per channel, then `· KERNEL + BIAS`.
 */
function nchwTeacher(batch: number | string, spatial: readonly [number, number, number] = [C, H, W]): Uint8Array {
  const g = new OnnxGraphBuilder();
  const pooled = g.node('Flatten', [g.node('GlobalAveragePool', ['input'])], { axis: { int: 1 } });
  g.node('Gemm', [pooled, g.initializer('w', KERNEL, [C, CLASSES]), g.initializer('b', BIAS, [CLASSES])], {}, 'output');
  return g.encode({
    graphName: 'teacher',
    inputs: [{ name: 'input', shape: [batch, ...spatial] }],
    outputs: [{ name: 'output', shape: [batch, CLASSES] }],
    opset: 13,
    irVersion: 7,
    producerName: 'test',
  });
}

/** The teacher's logits computed in JavaScript from NHWC images. */
function reference(images: Float32Array, count: number): number[] {
  const out: number[] = [];
  for (let n = 0; n < count; n += 1) {
    const mean = Array.from({ length: C }, (_, c) => {
      let s = 0;
      for (let p = 0; p < H * W; p += 1) s += images[(n * H * W + p) * C + c] as number;
      return s / (H * W);
    });
    for (let k = 0; k < CLASSES; k += 1) out.push(mean.reduce((s, m, c) => s + m * (KERNEL[c * CLASSES + k] as number), BIAS[k] as number));
  }
  return out;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'iv-onnx-predict-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, bytes: Uint8Array | string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

async function loadError(path: string, options = {}): Promise<OnnxModelError> {
  const error = await OnnxClassifier.load(path, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OnnxModelError);
  return error as OnnxModelError;
}

describe('OnnxClassifier.load errors name the path', () => {
  it('for a missing file', async () => {
    const path = join(dir, 'missing.onnx');
    const error = await loadError(path);
    expect(error.path).toBe(path);
    expect(error.message).toBe(`${path}: file not found`);
  });

  it('for a directory and an empty file', async () => {
    const folder = join(dir, 'folder.onnx');
    await mkdir(folder);
    expect((await loadError(folder)).message).toBe(`${folder}: is a folder, expected an ONNX model file`);
    const empty = await write('empty.onnx', '');
    expect((await loadError(empty)).message).toBe(`${empty}: is empty, not an ONNX model`);
  });

  it('for garbage bytes and a truncated model', async () => {
    const garbage = await write('garbage.onnx', 'this is not a protobuf model at all');
    expect((await loadError(garbage)).message).toMatch(new RegExp(`^${garbage}: is not a valid ONNX model \\(onnxruntime: .+\\)$`));
    await initBackend('wasm', { log: null });
    const model = createModel({ arch: 'cnn', head: 'linear', inputShape: [12, 12, 1], numClasses: 3, seed: 1 });
    const { bytes } = await buildOnnxModel(model);
    model.dispose();
    const truncated = await write('truncated.onnx', bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect((await loadError(truncated)).message).toContain(`${truncated}: is not a valid ONNX model`);
  });

  it('for a bad input or output name, an ambiguous layout and a bad thread count', async () => {
    const path = await write('teacher.onnx', nchwTeacher('batch'));
    expect((await loadError(path, { inputName: 'pixels' })).message).toBe(`${path}: has no input "pixels" (inputs: input)`);
    expect((await loadError(path, { outputName: 'probs' })).message).toBe(`${path}: has no output "probs" (outputs: output)`);
    expect((await loadError(path, { intraOpNumThreads: 0 })).message).toContain('intraOpNumThreads');
    const square = await write('ambiguous.onnx', nchwTeacher('batch', [3, 4, 3]));
    expect((await loadError(square)).message).toContain(`${square}: cannot tell the image layout from the input shape [?, 3, 4, 3]`);
    const explicit = await OnnxClassifier.load(square, { layout: 'nchw' });
    expect(explicit.layout).toBe('nchw');
    await explicit.release();
  });
});

describe('OnnxClassifier on an NCHW teacher', () => {
  const count = 5;
  const images = SeededRandom.fromSeed(22).normalArray(count * H * W * C); // NHWC

  it('detects the layout, transposes NHWC images and returns the teacher logits in batches', async () => {
    const teacher = await OnnxClassifier.load(await write('nchw.onnx', nchwTeacher('batch')), { intraOpNumThreads: 2 });
    try {
      expect(teacher.layout).toBe('nchw');
      expect(teacher.fixedBatchSize).toBeUndefined();
      const expected = reference(images, count);
      const logits = await teacher.predict(images, [H, W, C], { batchSize: 2 });
      expect(Array.from(logits)).toEqual(expected.map((v) => expect.closeTo(v, 5) as unknown));
      expect(await teacherLogits(teacher, images, [H, W, C])).toEqual(logits);
    } finally {
      await teacher.release();
    }
  });

  it('pads and splits batches for a teacher exported with a fixed batch size', async () => {
    const teacher = await OnnxClassifier.load(await write('fixed.onnx', nchwTeacher(2)));
    try {
      expect(teacher.fixedBatchSize).toBe(2);
      const logits = await teacher.predict(images, [H, W, C], { batchSize: 4 });
      expect(Array.from(logits)).toEqual(reference(images, count).map((v) => expect.closeTo(v, 5) as unknown));
    } finally {
      await teacher.release();
    }
  });

  it('rejects images of another size, naming the path and both sizes', async () => {
    const path = await write('sized.onnx', nchwTeacher('batch'));
    const teacher = await OnnxClassifier.load(path);
    try {
      await expect(teacher.predict(new Float32Array(2 * 7 * 5 * 3), [7, 5, 3])).rejects.toThrow(`${path}: takes 6×5×3 images (H×W×C), got 7×5×3`);
      await expect(teacher.predict(new Float32Array(10), [H, W, C])).rejects.toThrow('not a whole number of 6×5×3 images');
    } finally {
      await teacher.release();
    }
  });
});
