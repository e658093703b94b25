import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { initBackend, type BackendName } from '../../backend.js';
import { SeededRandom } from '../../random.js';
import { combineShards } from './combine-shards.js';

function randomValues(random: SeededRandom, size: number): Float32Array {
  return Float32Array.from({ length: size }, () => random.normal() * 10 ** random.int(-4, 3));
}

/** The combination as kernel calls: Σ_k tf.mul(g_k, n_k / N), summed in shard order (the definition it must match). */
function byKernels(grads: Float32Array[][], rows: number[], shapes: number[][]): Float32Array[] {
  const total = rows.reduce((a, b) => a + b, 0);
  return shapes.map((shape, i) =>
    tf.tidy(() => {
      let sum: tf.Tensor | undefined;
      grads.forEach((g, k) => {
        const scaled = tf.mul(tf.tensor(g[i] as Float32Array, shape), (rows[k] ?? 0) / total);
        sum = sum === undefined ? scaled : tf.add(sum, scaled);
      });
      return (sum as unknown as tf.Tensor).dataSync() as Float32Array;
    }),
  );
}

describe.each<BackendName>(['cpu', 'wasm'])('combineShards on %s', (backend) => {
  it('is bitwise the float32 sum of the row-weighted shard gradients, in shard order', async () => {
    await initBackend(backend, { log: null });
    const random = SeededRandom.fromSeed(3, 'combine');
    const shapes = [[7, 5], [5], [3, 2, 2]];
    const rows = [5, 4, 3];
    const grads = rows.map(() => shapes.map((s) => randomValues(random, s.reduce((a, b) => a * b, 1))));
    const variables = shapes.map((s) => tf.variable(tf.zeros(s)));
    const local = grads[0]?.map((g, i) => tf.tensor(g, shapes[i])) ?? [];
    const before = tf.memory().numTensors;
    const combined = combineShards(
      { loss: 2, grads: local, rows: rows[0] ?? 0 },
      [{ loss: 4, grads: grads[1] ?? [], rows: rows[1] ?? 0 }, undefined, { loss: 8, grads: grads[2] ?? [], rows: rows[2] ?? 0 }],
      variables,
    );
    expect(tf.memory().numTensors).toBe(before + shapes.length);
    const expected = byKernels(grads, rows, shapes);
    combined.grads.forEach((g, i) => {
      expect(g.shape).toEqual(shapes[i]);
      expect(Array.from(g.dataSync())).toEqual(Array.from(expected[i] ?? []));
    });
    expect(combined.loss).toBeCloseTo((2 * 5 + 4 * 4 + 8 * 3) / 12, 12);
    tf.dispose([...combined.grads, ...local, ...variables]);
  });

  it('leaves out empty shards and gives zeros when no shard has rows', async () => {
    await initBackend(backend, { log: null });
    const variables = [tf.variable(tf.zeros([2]))];
    const local = [tf.tensor([1, 2])];
    const alone = combineShards({ loss: 1, grads: local, rows: 2 }, [{ loss: Number.NaN, grads: [new Float32Array([9, 9])], rows: 0 }], variables);
    expect(Array.from(alone.grads[0]?.dataSync() ?? [])).toEqual([1, 2]);
    expect(alone.loss).toBe(1);
    const none = combineShards({ loss: 1, grads: local, rows: 0 }, [], variables);
    expect(Array.from(none.grads[0]?.dataSync() ?? [])).toEqual([0, 0]);
    tf.dispose([...alone.grads, ...none.grads, ...local, ...variables]);
  });

  it('names the shard and the variable when a gradient has the wrong size', async () => {
    await initBackend(backend, { log: null });
    const variables = [tf.variable(tf.zeros([3]), true, 'w')];
    const local = [tf.tensor([1, 2, 3])];
    expect(() => combineShards({ loss: 1, grads: local, rows: 1 }, [{ loss: 1, grads: [new Float32Array(2)], rows: 1 }], variables)).toThrow(
      /shard 1: gradient 0 has 2 values, variable "w" 3/,
    );
    tf.dispose([...local, ...variables]);
  });
});
