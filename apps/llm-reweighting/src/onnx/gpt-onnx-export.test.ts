import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ConfigError, createOptimizer, initBackend, train } from '@counterweight/runtime';
import { OnnxGraphBuilder, OnnxModelError, onnx, writeOnnxModel } from '@counterweight/runtime/onnx';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { generateTokens } from '../models/generate.js';
import type { GptConfig } from '../models/gpt-config.js';
import { createGpt, type GptModel } from '../models/gpt.js';
import { crossEntropyLoss, randomIds, shakespeareCharacters, windowDataset } from '../models/test-support/language-data.js';
import { GPT_ONNX_CONFIG_KEY, GPT_ONNX_FORMAT_KEY, GPT_ONNX_OPSET, buildGptOnnx, exportGptOnnx } from './gpt-onnx-export.js';
import { OnnxLanguageModel } from './onnx-language-model.js';

const config: GptConfig = { vocabularySize: 65, layers: 2, heads: 4, width: 32, context: 16, causal: true };
let dir: string;

beforeAll(async () => {
  await initBackend('wasm', { log: null });
  dir = await mkdtemp(join(tmpdir(), 'llm-onnx-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function expectSameLogits(gpt: GptModel, path: string): Promise<void> {
  const lm = await OnnxLanguageModel.load(path);
  try {
    expect(lm.config).toEqual(gpt.config);
    for (const [batch, tokens] of [
      [3, 16],
      [2, 7],
      [1, 1],
    ] as const) {
      const ids = randomIds(batch * tokens, config.vocabularySize, 10 * batch + tokens);
      const expected = tf.tidy(() => gpt.logits(tf.tensor2d(ids, [batch, tokens], 'int32')).dataSync());
      const actual = await lm.logits(ids, batch, tokens);
      expect(actual).toHaveLength(batch * tokens * config.vocabularySize);
      let worst = 0;
      for (let i = 0; i < actual.length; i += 1) worst = Math.max(worst, Math.abs((actual[i] as number) - (expected[i] as number)));
      expect(worst, `[${batch}, ${tokens}]`).toBeLessThan(1e-4);
    }
    const prompt = randomIds(40, config.vocabularySize, 5);
    const next = await lm.nextTokenLogits(prompt);
    const expectedNext = tf.tidy(() => gpt.lastLogits(tf.tensor2d(prompt.slice(-16), [1, 16], 'int32')).dataSync());
    expect(next).toHaveLength(config.vocabularySize);
    for (let j = 0; j < next.length; j += 1) expect(Math.abs((next[j] as number) - (expectedNext[j] as number))).toBeLessThan(1e-4);
    const options = { maxNewTokens: 24, temperature: 0, seed: 0 };
    expect(Array.from(await lm.generate([1, 2, 3], options))).toEqual(Array.from(generateTokens(gpt, [1, 2, 3], options)));
    // Sampled continuations draw from logits that agree to ~1e-6, so the same seed gives the same tokens too.
    const sampled = { maxNewTokens: 24, temperature: 1, topK: 20, seed: 8 };
    const fromOnnx = await lm.generate(prompt.slice(0, 5), sampled);
    expect(new Set(fromOnnx.slice(5)).size).toBeGreaterThan(3);
    expect(Array.from(fromOnnx)).toEqual(Array.from(generateTokens(gpt, prompt.slice(0, 5), sampled)));
  } finally {
    await lm.release();
  }
}

describe('exportGptOnnx', () => {
  it('a random model: onnxruntime logits agree with tfjs within 1e-4 for any batch and length; greedy text is identical', async () => {
    const gpt = createGpt(config, 3);
    try {
      const path = join(dir, 'random.onnx');
      const result = await exportGptOnnx(gpt, path, { metadata: { 'counterweight.llm-reweighting.tokenizer': 'char' } });
      expect(result.opset).toBe(GPT_ONNX_OPSET);
      expect(result.bytes).toBe((await stat(path)).size);
      // float32 weights dominate the file: 4 bytes a parameter (the QKV split and the transposed copy of E add none
      // but E itself, stored twice: once for the Gather, once transposed for the logits).
      expect(result.bytes).toBeGreaterThan(4 * (gpt.parameterCount + 65 * 32));
      await expectSameLogits(gpt, path);
    } finally {
      gpt.dispose();
    }
  });

  it('a model trained a few AdamW steps on TinyShakespeare: logits agree within 1e-4, greedy text is identical', async () => {
    const gpt = createGpt(config, 4);
    try {
      const { ids } = shakespeareCharacters(16 * 96 + 1);
      await train({
        model: gpt.model,
        loss: crossEntropyLoss,
        train: windowDataset(ids, 16),
        epochs: 2,
        batchSize: 32,
        optimizer: createOptimizer({ name: 'adamw', learningRate: 1e-2 }),
        seed: 2,
        progress: { quiet: true },
      });
      const path = join(dir, 'trained.onnx');
      await exportGptOnnx(gpt, path);
      await expectSameLogits(gpt, path);
    } finally {
      gpt.dispose();
    }
  });

  it('writes the configuration into metadata_props, and refuses a bidirectional model', () => {
    const gpt = createGpt({ ...config, layers: 1 }, 1);
    const denoiser = createGpt({ ...config, layers: 1, causal: false }, 1);
    try {
      const { bytes, nodes } = buildGptOnnx(gpt);
      expect(nodes).toBeGreaterThan(20);
      const decoded = onnx.ModelProto.decode(bytes);
      const entry = decoded.metadataProps.find((p) => p.key === GPT_ONNX_CONFIG_KEY);
      expect(JSON.parse(entry?.value ?? 'null')).toEqual({ ...config, layers: 1 });
      expect(() => buildGptOnnx(denoiser)).toThrow(ConfigError);
      expect(() => buildGptOnnx(denoiser)).toThrow('model: is bidirectional');
    } finally {
      gpt.dispose();
      denoiser.dispose();
    }
  });
});

describe('OnnxLanguageModel.load', () => {
  it('names the file when it is not ONNX, or ONNX but not a GPT language model', async () => {
    const garbage = join(dir, 'garbage.onnx');
    await writeFile(garbage, 'not a model');
    await expect(OnnxLanguageModel.load(garbage)).rejects.toThrow(OnnxModelError);
    await expect(OnnxLanguageModel.load(garbage)).rejects.toThrow(`${garbage}: is not a valid ONNX model`);
    const g = new OnnxGraphBuilder();
    g.node('Identity', ['x'], {}, 'y');
    const other = join(dir, 'identity.onnx');
    await writeOnnxModel(
      other,
      g.encode({ graphName: 'id', inputs: [{ name: 'x', shape: [2] }], outputs: [{ name: 'y', shape: [2] }], opset: 13, irVersion: 7, producerName: 'test' }),
    );
    await expect(OnnxLanguageModel.load(other)).rejects.toThrow(`${other}: is not a GPT language model exported by llm-reweighting`);
    // An exported GPT whose metadata was edited: another format version, then a bidirectional configuration.
    const gpt = createGpt({ ...config, layers: 1 }, 1);
    const model = onnx.ModelProto.decode(buildGptOnnx(gpt).bytes);
    gpt.dispose();
    const edited = async (name: string, key: string, value: string): Promise<string> => {
      const copy = onnx.ModelProto.decode(onnx.ModelProto.encode(model).finish());
      copy.metadataProps = copy.metadataProps.map((p) => (p.key === key ? { key, value } : p));
      const path = join(dir, name);
      await writeOnnxModel(path, onnx.ModelProto.encode(copy).finish());
      return path;
    };
    const future = await edited('future.onnx', GPT_ONNX_FORMAT_KEY, '9');
    await expect(OnnxLanguageModel.load(future)).rejects.toThrow(`${future}: has format 9; this version reads format 1`);
    const bidirectional = await edited('bidirectional.onnx', GPT_ONNX_CONFIG_KEY, JSON.stringify({ ...config, causal: false }));
    await expect(OnnxLanguageModel.load(bidirectional)).rejects.toThrow(`${bidirectional}: holds a bidirectional model`);
    const broken = await edited('broken.onnx', GPT_ONNX_CONFIG_KEY, JSON.stringify({ ...config, heads: 5 }));
    await expect(OnnxLanguageModel.load(broken)).rejects.toThrow('config.width: must be a multiple of heads (5), got 32');
    // a configuration cut short: where it breaks, never its text (V8's message would quote it)
    const cut = await edited('cut.onnx', GPT_ONNX_CONFIG_KEY, '{"vocabularySize": 65, "cont');
    await expect(OnnxLanguageModel.load(cut)).rejects.toThrow(
      `${cut}: has an unreadable "${GPT_ONNX_CONFIG_KEY}" metadata entry (not valid JSON at line 1, column 29: unterminated string)`,
    );
    const missing = join(dir, 'missing.onnx');
    await expect(OnnxLanguageModel.load(missing)).rejects.toThrow(`${missing}: does not exist`);
  });

  it('checks ids, lengths and prompts, naming the argument', async () => {
    const gpt = createGpt({ ...config, layers: 1 }, 1);
    const path = join(dir, 'checks.onnx');
    await exportGptOnnx(gpt, path);
    gpt.dispose();
    const lm = await OnnxLanguageModel.load(path);
    try {
      await expect(lm.logits([1, 2, 3], 1, 2)).rejects.toThrow('ids: has 3 values, batch·tokens is 2');
      await expect(lm.logits(new Array<number>(17).fill(0), 1, 17)).rejects.toThrow('tokens: must be 1 to context (16), got 17');
      await expect(lm.logits([1, 65], 1, 2)).rejects.toThrow('ids: value 1 is 65, outside the vocabulary [0, 65)');
      await expect(lm.nextTokenLogits([])).rejects.toThrow('ids: is empty');
      await expect(lm.generate([], { maxNewTokens: 1, temperature: 0, seed: 0 })).rejects.toThrow('promptIds: is empty');
      await expect(lm.generate([1], { maxNewTokens: 1, temperature: -1, seed: 0 })).rejects.toThrow('temperature: must be a finite number ≥ 0');
      const sampled = { maxNewTokens: 10, temperature: 1, topK: 10, seed: 9 };
      expect(Array.from(await lm.generate([4], sampled))).toEqual(Array.from(await lm.generate([4], sampled)));
    } finally {
      await lm.release();
    }
  });
});
