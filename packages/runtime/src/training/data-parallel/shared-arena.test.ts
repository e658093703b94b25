import { Worker } from 'node:worker_threads';

import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { initBackend, type BackendName } from '../../backend.js';
import { SharedArena, tensorValues } from './shared-arena.js';

describe.each<BackendName>(['cpu', 'wasm'])('SharedArena on %s', (backend) => {
  it('lays tensors out one after another and loads them back into variables as copies', async () => {
    await initBackend(backend, { log: null });
    const tensors = [tf.tensor2d([[1, 2], [3, 4]]), tf.tensor1d([5, 6, 7])];
    const arena = SharedArena.forTensors(tensors);
    expect(arena.sizes).toEqual([4, 3]);
    expect(arena.buffer.byteLength).toBe(7 * 4);
    arena.write(tensors);
    expect(Array.from(new Float32Array(arena.buffer))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const variable = tf.variable(tf.zeros([3]));
    const before = tf.memory().numTensors;
    arena.assignTo(1, variable);
    expect(tf.memory().numTensors).toBe(before);
    arena.view(1).fill(0); // the variable holds its own copy
    expect(Array.from(variable.dataSync())).toEqual([5, 6, 7]);
    expect(Array.from(tensorValues(tensors[0] as tf.Tensor))).toEqual([1, 2, 3, 4]);
    tf.dispose([...tensors, variable]);
  });

  it('rejects a buffer, a tensor or an index that does not fit', async () => {
    await initBackend(backend, { log: null });
    expect(() => new SharedArena([2, 2], new SharedArrayBuffer(12))).toThrow(/4 floats needs 16 bytes, got 12/);
    const arena = new SharedArena([2]);
    const wrong = tf.tensor1d([1, 2, 3]);
    expect(() => arena.write([wrong])).toThrow(/tensor 0 has 3 values, its arena slot 2/);
    expect(() => arena.write([])).toThrow(/holds 1 tensors, got 0/);
    expect(() => arena.view(1)).toThrow(/holds 1 tensors, asked for 1/);
    wrong.dispose();
  });
});

describe('SharedArena across threads', () => {
  it('is the same memory in a worker thread: what the worker writes, the main thread reads', async () => {
    const arena = new SharedArena([3, 2]);
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const all = new Float32Array(workerData);
      for (let i = 0; i < all.length; i += 1) all[i] = i * 1.5;
      parentPort.postMessage('done');`;
    const worker = new Worker(code, { eval: true, workerData: arena.buffer });
    await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(Array.from(arena.view(1))).toEqual([4.5, 6]);
  });
});
