import { ConfigError, initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { shakespeareIds } from '../objectives/test-support/shakespeare.js';
import { streamWindows } from './evaluation-windows.js';
import { languageModelLoss } from './language-model-loss.js';
import { bigramModel, uniformModel } from './test-support/models.js';

beforeAll(() => initBackend('cpu', { log: null }));

const TABLE = [
  [2, 0, -1],
  [0.5, 1.5, 0],
  [-1, 0, 3],
];
const logSoftmax = (row: readonly number[]): number[] => {
  const lse = Math.log(row.reduce((a, v) => a + Math.exp(v), 0));
  return row.map((v) => v - lse);
};
const ce = (from: number, to: number): number => -(logSoftmax(TABLE[from] ?? [])[to] ?? Number.NaN);

describe('streamWindows', () => {
  it('scores every token after the first once, padding the last row with −100 targets', () => {
    const w = streamWindows(Int32Array.from([0, 1, 2, 1, 0, 2]), 2);
    expect(w.count).toBe(3);
    expect(Array.from(w.inputs)).toEqual([0, 1, 2, 1, 0, 0]);
    expect(Array.from(w.targets)).toEqual([1, 2, 1, 0, 2, -100]);
    expect(() => streamWindows(Int32Array.from([1]), 2)).toThrow('tokens: must hold at least 2 tokens');
    expect(() => streamWindows(Int32Array.from([1, 2]), 0)).toThrow('context: must be an integer >= 1, got 0');
  });
});

describe('languageModelLoss', () => {
  const stream = Int32Array.from([0, 1, 2, 1, 0, 2]);
  const pairs: Array<[number, number]> = [[0, 1], [1, 2], [2, 1], [1, 0], [0, 2]];
  const expected = pairs.reduce((a, [x, y]) => a + ce(x, y), 0) / pairs.length;

  it('is the mean CE of the scored tokens (hand-computed bigram), with perplexity = exp(loss) and bits = loss / ln 2', () => {
    const { model, dispose } = bigramModel(TABLE, 'lm-loss-bigram-1');
    for (const batchSize of [1, 2, 5]) {
      const r = languageModelLoss(model, stream, { context: 2, batchSize, units: 8 });
      expect(r.tokens).toBe(5);
      expect(r.loss).toBeCloseTo(expected, 6);
      expect(r.perplexity).toBeCloseTo(Math.exp(expected), 5);
      expect(r.bitsPerToken).toBeCloseTo(expected / Math.LN2, 6);
      expect(r.bitsPerUnit).toBeCloseTo((5 * expected) / Math.LN2 / 8, 6);
    }
    expect(languageModelLoss(model, stream, { context: 3, batchSize: 4, unitsPerToken: 2 }).bitsPerUnit).toBeCloseTo(expected / Math.LN2 / 2, 6);
    expect(languageModelLoss(model, streamWindows(stream, 2), { batchSize: 2 }).bitsPerUnit).toBeNull();
    dispose();
  });

  it('leaves no tensor behind', () => {
    const { model, dispose } = bigramModel(TABLE, 'lm-loss-bigram-2');
    const before = tf.memory().numTensors;
    languageModelLoss(model, stream, { context: 2, batchSize: 2 });
    expect(tf.memory().numTensors).toBe(before);
    dispose();
  });

  it('TinyShakespeare: a uniform model scores exactly ln V nats, V perplexity and log2 V bits per character', () => {
    const { vocabulary, ids } = shakespeareIds(5000);
    const V = vocabulary.length;
    const r = languageModelLoss(uniformModel(V), ids, { context: 64, batchSize: 16, unitsPerToken: 1 });
    expect(r.tokens).toBe(4999);
    expect(r.loss).toBeCloseTo(Math.log(V), 5);
    expect(r.perplexity).toBeCloseTo(V, 3);
    expect(r.bitsPerToken).toBeCloseTo(Math.log2(V), 5);
    expect(r.bitsPerUnit).toBeCloseTo(Math.log2(V), 5);
  });

  it('names the bad argument', () => {
    const { model, dispose } = bigramModel(TABLE, 'lm-loss-bigram-3');
    expect(() => languageModelLoss(model, stream, { batchSize: 2 })).toThrow(ConfigError);
    expect(() => languageModelLoss(model, stream, { batchSize: 2 })).toThrow('context: is required when the tokens are a stream');
    expect(() => languageModelLoss(model, stream, { context: 2, batchSize: 0 })).toThrow('batchSize: must be an integer >= 1, got 0');
    expect(() => languageModelLoss(model, stream, { context: 2, batchSize: 2, units: 4, unitsPerToken: 1 })).toThrow('units: give either units or unitsPerToken');
    expect(() => languageModelLoss(model, stream, { context: 2, batchSize: 2, unitsPerToken: 0 })).toThrow('unitsPerToken: must be a finite number > 0');
    expect(() => languageModelLoss(model, Int32Array.from([0, 1, 3]), { context: 2, batchSize: 2 })).toThrow('windows.targets: id 3 at row 0, position 1 is outside [0, 3)');
    expect(() => languageModelLoss(uniformModel(3), { count: 1, context: 2, inputs: Int32Array.from([0, 1]), targets: Int32Array.from([-100, -100]) }, { batchSize: 1 })).toThrow('scores no token');
    const flat = { model: { ...model, predict: () => tf.zeros([2, 3]) } };
    expect(() => languageModelLoss(flat.model, stream, { context: 2, batchSize: 2 })).toThrow('model: must return logits [2, 2, V], got [2, 3]');
    dispose();
  });
});
