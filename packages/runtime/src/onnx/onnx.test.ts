import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { OnnxGraphBuilder, createOnnxSession, onnx, OnnxModelError, readOnnxMetadata, writeOnnxModel } from './index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runtime-onnx-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `out[n] = Σ_f table[ids[n, f] + offset[f]] · scale`: int32 ids, an int32 Add, Gather, opset-13 ReduceSum with int64 axes. */
function gatherModel(): Uint8Array {
  const g = new OnnxGraphBuilder();
  const table = g.initializer('table', Float32Array.from([0.5, 1, 2, 4, 8]), [5]);
  const rows = g.node('Add', ['ids', g.int32Initializer('offsets', [0, 2], [2])]);
  const picked = g.node('Gather', [table, rows], { axis: { int: 0 } });
  const summed = g.node('ReduceSum', [picked, g.int64Initializer('axes', [1], [1])], { keepdims: { int: 0 } });
  g.node('Mul', [summed, g.initializer('scale', Float32Array.from([2]), [])], {}, 'out');
  return g.encode({
    graphName: 'gather',
    inputs: [{ name: 'ids', shape: ['n', 2], elemType: 'int32' }],
    outputs: [{ name: 'out', shape: ['n'] }],
    opset: 13,
    irVersion: 7,
    producerName: 'test',
    metadata: { spec: '{"a":1}' },
  });
}

describe('OnnxGraphBuilder', () => {
  it('writes float32, int32 and int64 initializers and typed inputs that onnxruntime runs', async () => {
    const path = join(dir, 'gather.onnx');
    const written = await writeOnnxModel(path, gatherModel());
    expect(await readdir(dir)).toEqual(['gather.onnx']);
    const { session, metadata, bytes } = await createOnnxSession(path);
    try {
      expect(bytes).toBe(written.bytes);
      expect(metadata).toEqual({ spec: '{"a":1}' });
      const ids = new ort.Tensor('int32', Int32Array.from([0, 0, 1, 2]), [2, 2]);
      const out = (await session.run({ ids })).out;
      // row 0: table[0] + table[2] = 2.5; row 1: table[1] + table[4] = 9; ×2
      expect(Array.from(out?.data as Float32Array)).toEqual([5, 18]);
    } finally {
      await session.release();
    }
  });

  it('rejects an initializer whose values do not fill its shape, and keeps value names unique', () => {
    const g = new OnnxGraphBuilder();
    expect(() => g.int64Initializer('shape', [1, 2], [3])).toThrow('initializer shape: 2 values for shape [3] (3)');
    expect(g.uniqueName('x')).toBe('x');
    expect(g.uniqueName('x')).not.toBe('x');
  });
});

describe('createOnnxSession', () => {
  it('names the path for a missing, folder, empty or invalid file and a bad thread count', async () => {
    const missing = join(dir, 'missing.onnx');
    await expect(createOnnxSession(missing)).rejects.toThrow(`${missing}: does not exist`);
    await expect(createOnnxSession(dir)).rejects.toThrow(`${dir}: is a folder, not an ONNX model file`);
    const empty = join(dir, 'empty.onnx');
    await writeFile(empty, '');
    await expect(createOnnxSession(empty)).rejects.toThrow(`${empty}: is empty, not an ONNX model`);
    const garbage = join(dir, 'garbage.onnx');
    await writeFile(garbage, 'not a model');
    const error: unknown = await createOnnxSession(garbage).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OnnxModelError);
    expect((error as OnnxModelError).path).toBe(garbage);
    expect((error as Error).message).toMatch(/is not a valid ONNX model \(onnxruntime: .+\)$/);
    await expect(createOnnxSession(missing, { intraOpNumThreads: 0 })).rejects.toThrow('intraOpNumThreads must be a positive integer');
  });

  it('reads metadata_props from encoded bytes', () => {
    const decoded = onnx.ModelProto.decode(gatherModel());
    expect(decoded.graph?.initializer?.map((t) => t.dataType)).toEqual([1, 6, 7, 1]);
    expect(readOnnxMetadata(gatherModel())).toEqual({ spec: '{"a":1}' });
  });
});
