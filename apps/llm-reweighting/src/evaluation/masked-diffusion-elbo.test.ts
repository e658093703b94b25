import { md4Schedule } from '@counterweight/core-losses';
import { ConfigError, initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { md4Rows } from '../objectives/md4-batch.js';
import { shakespeareIds } from '../objectives/test-support/shakespeare.js';
import { cleanWindows } from './evaluation-windows.js';
import { languageModelLoss } from './language-model-loss.js';
import { maskedDiffusionElbo } from './masked-diffusion-elbo.js';
import { bigramModel, uniformModel } from './test-support/models.js';

beforeAll(() => initBackend('cpu', { log: null }));

describe('maskedDiffusionElbo', () => {
  const { vocabulary, ids } = shakespeareIds(20 * 16 + 5);
  const V = vocabulary.length;

  it('of a uniform model is the masked-token count times ln V weighted by w(t), plus ε·log2 V (hand-computed from the same masks)', () => {
    const r = maskedDiffusionElbo(uniformModel(V), ids, { context: 16, batchSize: 8, vocabularySize: V, seed: 9 });
    const rows = md4Rows(cleanWindows(ids, 16), { vocabularySize: V, seed: 9, batchSize: 8 });
    let diffusion = 0;
    for (let b = 0; b < 20; b += 1) {
      const masked = rows.extras.maskedTokens.values.subarray(b * 16, (b + 1) * 16).reduce((a, v) => a + v, 0);
      diffusion += ((rows.extras.elboWeights.values[b] ?? 0) * masked * Math.log(V)) / (16 * Math.LN2);
    }
    diffusion /= 20;
    expect(r.tokens).toBe(320);
    expect(r.diffusionBitsPerToken).toBeCloseTo(diffusion, 3);
    expect(r.reconstructionBitsPerToken).toBeCloseTo(1e-4 * Math.log2(V), 12);
    expect(r.bitsPerToken).toBeCloseTo(diffusion + 1e-4 * Math.log2(V), 3);
    expect(r.loss).toBeCloseTo(r.bitsPerToken * Math.LN2, 10);
    expect(r.bitsPerUnit).toBeNull();
    expect(md4Schedule().alpha(0)).toBeCloseTo(1 - 1e-4, 12);
  });

  it('is the same for the same seed and batch size (comparable across runs), different for another seed', () => {
    const table = Array.from({ length: V + 1 }, (_, i) => Array.from({ length: V }, (_, j) => Math.sin(i * 7 + j * 3)));
    const { model, dispose } = bigramModel(table, 'elbo-bigram-1');
    const a = maskedDiffusionElbo(model, ids, { context: 16, batchSize: 8, vocabularySize: V, seed: 5 });
    const b = languageModelLoss(model, ids, { context: 16, batchSize: 8, masked: { vocabularySize: V, seed: 5 } });
    const c = maskedDiffusionElbo(model, ids, { context: 16, batchSize: 8, vocabularySize: V, seed: 6 });
    expect(b).toEqual(a);
    expect(c.bitsPerToken).not.toBeCloseTo(a.bitsPerToken, 6);
    const before = tf.memory().numTensors;
    maskedDiffusionElbo(model, ids, { context: 16, batchSize: 8, vocabularySize: V });
    expect(tf.memory().numTensors).toBe(before);
    dispose();
  });

  it('names the bad argument', () => {
    const model = uniformModel(V);
    expect(() => maskedDiffusionElbo(model, ids, { batchSize: 8, vocabularySize: V })).toThrow(ConfigError);
    expect(() => maskedDiffusionElbo(model, ids, { context: 16, batchSize: 8, vocabularySize: V, schedule: { eps: -1 } })).toThrow(/^schedule\.eps: /);
    expect(() => maskedDiffusionElbo(uniformModel(V - 1), ids, { context: 16, batchSize: 8, vocabularySize: V })).toThrow(`model: must return logits [8, 16, ${V}], got [8, 16, ${V - 1}]`);
    expect(() => maskedDiffusionElbo(model, ids.subarray(0, 3), { context: 16, batchSize: 8, vocabularySize: V })).toThrow('tokens: must hold at least one window of 16 tokens, got 3');
  });
});
