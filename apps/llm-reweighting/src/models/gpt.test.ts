import { ConfigError, createOptimizer, initBackend, train } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { parameterCount } from './gpt-config-check.js';
import type { GptConfig } from './gpt-config.js';
import { createGpt, GPT_INIT_STD } from './gpt.js';
import { expectNoLeak } from './test-support/leak-check.js';
import { crossEntropyLoss, meanCrossEntropy, randomIds, shakespeareCharacters, windowDataset } from './test-support/language-data.js';

const tiny: GptConfig = { vocabularySize: 13, layers: 2, heads: 2, width: 16, context: 8, causal: true };

beforeAll(async () => {
  await initBackend('wasm', { log: null });
});

function logitsOf(config: GptConfig, seed: number, ids: number[][]): Float32Array {
  const gpt = createGpt(config, seed);
  try {
    return tf.tidy(() => gpt.logits(tf.tensor2d(ids, undefined, 'int32')).dataSync() as Float32Array);
  } finally {
    gpt.dispose();
  }
}

function std(values: Float32Array): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
}

describe('createGpt', () => {
  it('maps ids [B, T ≤ context] to logits [B, T, V]; lastLogits is the last position', () => {
    const gpt = createGpt(tiny, 1);
    try {
      for (const tokens of [1, 5, 8]) {
        tf.tidy(() => {
          const ids = tf.tensor2d(randomIds(3 * tokens, 13, tokens), [3, tokens], 'int32');
          const logits = gpt.model.predict(ids, { training: false });
          expect(logits.shape).toEqual([3, tokens, 13]);
          const last = gpt.lastLogits(ids);
          expect(last.shape).toEqual([3, 13]);
          const fromFull = tf.reshape(tf.slice(logits, [0, tokens - 1, 0], [3, 1, 13]), [3, 13]);
          expect(tf.max(tf.abs(tf.sub(last, fromFull))).dataSync()[0]).toBeLessThan(1e-6);
        });
      }
    } finally {
      gpt.dispose();
    }
  });

  it('rejects ids longer than the context, of another rank or dtype, and named inputs', () => {
    const gpt = createGpt(tiny, 1);
    try {
      tf.tidy(() => {
        expect(() => gpt.logits(tf.zeros<tf.Rank.R2>([1, 9], 'int32'))).toThrow('ids: must have 1 to context (8) tokens per row, got 9');
        expect(() => gpt.model.predict(tf.zeros([4], 'int32'), { training: false })).toThrow('ids: must be [batch, tokens], got shape [4]');
        expect(() => gpt.logits(tf.zeros<tf.Rank.R2>([1, 4]))).toThrow('ids: must be int32 token ids, got float32');
        expect(() => gpt.model.predict({ ids: tf.zeros([1, 4], 'int32') }, { training: false })).toThrow(ConfigError);
      });
    } finally {
      gpt.dispose();
    }
    expect(() => createGpt({ ...tiny, width: 15 }, 1)).toThrow('config.width: must be a multiple of heads (2), got 15');
  });

  it('is causal: changing a future token never changes earlier logits, but changes its own and later ones', () => {
    const a = [[1, 2, 3, 4, 5, 6, 7, 8]];
    const b = [[1, 2, 3, 4, 12, 6, 7, 8]];
    const la = logitsOf(tiny, 3, a);
    const lb = logitsOf(tiny, 3, b);
    const v = tiny.vocabularySize;
    for (let i = 0; i < 4 * v; i += 1) expect(Math.abs((la[i] as number) - (lb[i] as number))).toBeLessThan(1e-6);
    for (let t = 4; t < 8; t += 1) {
      const diff = Math.max(...Array.from({ length: v }, (_, j) => Math.abs((la[t * v + j] as number) - (lb[t * v + j] as number))));
      expect(diff, `position ${t}`).toBeGreaterThan(1e-4);
    }
  });

  it('causal: false is bidirectional, takes the mask token id V and still gives V logits', () => {
    const config = { ...tiny, causal: false };
    const gpt = createGpt(config, 3);
    try {
      expect(gpt.weights.tokenEmbedding.shape).toEqual([14, 16]);
      expect(gpt.variables.reduce((n, { variable }) => n + variable.size, 0)).toBe(parameterCount(config));
    } finally {
      gpt.dispose();
    }
    const la = logitsOf(config, 3, [[1, 2, 3, 4, 5, 6, 7, 8]]);
    const lb = logitsOf(config, 3, [[1, 2, 3, 4, 13, 6, 7, 8]]);
    expect(la.length).toBe(8 * 13);
    const firstDiff = Math.max(...Array.from({ length: 13 }, (_, j) => Math.abs((la[j] as number) - (lb[j] as number))));
    expect(firstDiff).toBeGreaterThan(1e-4);
  });

  it('is seeded: the same seed gives bitwise the same weights and logits, another seed others', () => {
    const ids = [[0, 5, 2, 9]];
    expect(Array.from(logitsOf(tiny, 7, ids))).toEqual(Array.from(logitsOf(tiny, 7, ids)));
    expect(Array.from(logitsOf(tiny, 7, ids))).not.toEqual(Array.from(logitsOf(tiny, 8, ids)));
  });

  it('initialises as GPT-2: N(0, 0.02) matrices, N(0, 0.02/√(2·layers)) residual projections, zero biases, unit gains', () => {
    const config: GptConfig = { vocabularySize: 50, layers: 4, heads: 4, width: 64, context: 32, causal: true };
    const gpt = createGpt(config, 11);
    try {
      expect(gpt.variables.reduce((n, { variable }) => n + variable.size, 0)).toBe(gpt.parameterCount);
      const block = gpt.weights.blocks[2];
      if (block === undefined) throw new Error('no block 2');
      expect(std(block.qkvKernel.dataSync() as Float32Array)).toBeCloseTo(GPT_INIT_STD, 3);
      expect(std(block.mlpKernel.dataSync() as Float32Array)).toBeCloseTo(GPT_INIT_STD, 3);
      expect(std(gpt.weights.tokenEmbedding.dataSync() as Float32Array)).toBeCloseTo(GPT_INIT_STD, 3);
      expect(std(block.attentionKernel.dataSync() as Float32Array)).toBeCloseTo(GPT_INIT_STD / Math.sqrt(8), 3);
      expect(std(block.mlpOutKernel.dataSync() as Float32Array)).toBeCloseTo(GPT_INIT_STD / Math.sqrt(8), 3);
      expect(Array.from(block.qkvBias.dataSync()).every((x) => x === 0)).toBe(true);
      expect(Array.from(block.ln2Gain.dataSync()).every((x) => x === 1)).toBe(true);
      expect(gpt.variables.map((v) => v.name).slice(0, 4)).toEqual([
        'embedding/tokens',
        'embedding/positions',
        'block0/ln1/gain',
        'block0/ln1/bias',
      ]);
    } finally {
      gpt.dispose();
    }
  });

  it('starts at a loss ≈ ln V on random tokens', () => {
    const config: GptConfig = { vocabularySize: 65, layers: 2, heads: 4, width: 32, context: 16, causal: true };
    const gpt = createGpt(config, 5);
    try {
      const loss = tf.tidy(() => {
        const ids = tf.tensor2d(randomIds(8 * 16, 65, 1), [8, 16], 'int32');
        const targets = tf.tensor2d(randomIds(8 * 16, 65, 2), [8, 16], 'int32');
        return meanCrossEntropy(gpt.logits(ids), targets).dataSync()[0] ?? Number.NaN;
      });
      expect(Math.abs(loss - Math.log(65))).toBeLessThan(0.02);
    } finally {
      gpt.dispose();
    }
  });

  it('learns TinyShakespeare characters: a few AdamW steps with the runtime trainer lower the loss', async () => {
    const { ids, vocabulary } = shakespeareCharacters(16 * 128 + 1);
    expect(vocabulary).toHaveLength(65);
    const config: GptConfig = { vocabularySize: 65, layers: 2, heads: 4, width: 32, context: 16, causal: true };
    const gpt = createGpt(config, 5);
    const data = windowDataset(ids, 16);
    try {
      const history = await train({
        model: gpt.model,
        loss: crossEntropyLoss,
        train: data,
        epochs: 3,
        batchSize: 32,
        optimizer: createOptimizer({ name: 'adamw', learningRate: 3e-3, weightDecay: 0.1, decay: 'matrices' }),
        seed: 1,
        progress: { quiet: true },
      });
      const losses = history.epochs.map((e) => e.loss);
      expect(losses[0]).toBeLessThan(Math.log(65) + 0.1);
      expect(losses[2]).toBeLessThan((losses[0] ?? 0) - 0.3);
    } finally {
      gpt.dispose();
    }
  });

  it('leaks no tensor in a forward pass, lastLogits or a training step', async () => {
    const gpt = createGpt({ ...tiny, causal: false }, 2);
    const ids = tf.tensor2d(randomIds(2 * 8, 14, 3), [2, 8], 'int32');
    const targets = tf.tensor2d(randomIds(2 * 8, 13, 4), [2, 8], 'int32');
    try {
      await expectNoLeak(() => gpt.model.predict(ids, { training: false }));
      await expectNoLeak(() => gpt.lastLogits(ids));
      await expectNoLeak(() => {
        const { value, grads } = tf.variableGrads(
          () => meanCrossEntropy(gpt.model.predict(ids, { training: true }), targets),
          [...gpt.model.trainableVariables],
        );
        expect(Object.keys(grads)).toHaveLength(gpt.variables.length);
        return [value, ...Object.values(grads)];
      });
    } finally {
      tf.dispose([ids, targets]);
      gpt.dispose();
    }
  });
});
