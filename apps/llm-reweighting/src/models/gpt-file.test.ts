import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DataFileError, initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { GptConfig } from './gpt-config.js';
import type { Tokenizer } from '../data/tokenizer.js';
import { GPT_MODEL_FILE, GPT_TOKENIZER_FILE, GPT_WEIGHTS_FILE, assignGptWeights, checkSameGptConfig, loadGpt, readGptDescription, saveGpt } from './gpt-file.js';
import { createGpt } from './gpt.js';
import { expectNoLeak } from './test-support/leak-check.js';

const config: GptConfig = { vocabularySize: 9, layers: 2, heads: 2, width: 8, context: 5, causal: true };
let dir: string;

beforeAll(async () => {
  await initBackend('wasm', { log: null });
  dir = await mkdtemp(join(tmpdir(), 'llm-gpt-file-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('saveGpt / loadGpt', () => {
  it('round-trips configuration and weights bit-exactly, without leaking tensors', async () => {
    const folder = join(dir, 'roundtrip');
    const gpt = createGpt({ ...config, causal: false }, 4);
    // Move the weights away from their seeded initial values, so loading must read the file.
    for (const { variable } of gpt.variables) tf.tidy(() => variable.assign(tf.add(variable, 0.25)));
    await saveGpt(folder, gpt);
    const description = await readGptDescription(folder);
    expect(description.config).toEqual({ ...config, causal: false });
    expect(description.parameterCount).toBe(gpt.parameterCount);
    let loadedValues: number[][] = [];
    await expectNoLeak(async () => {
      const loaded = await loadGpt(folder, { expectedConfig: { ...config, causal: false } });
      loadedValues = loaded.variables.map(({ variable }) => Array.from(variable.dataSync()));
      expect(loaded.variables.map((v) => v.name)).toEqual(gpt.variables.map((v) => v.name));
      loaded.dispose();
      return [];
    });
    expect(loadedValues).toEqual(gpt.variables.map(({ variable }) => Array.from(variable.dataSync())));
    gpt.dispose();
  });

  it('names the file and the first differing field when the configuration is not the expected one', async () => {
    const folder = join(dir, 'other-config');
    const gpt = createGpt(config, 1);
    await saveGpt(folder, gpt);
    gpt.dispose();
    const path = join(folder, GPT_MODEL_FILE);
    await expect(loadGpt(folder, { expectedConfig: { ...config, layers: 3 } })).rejects.toThrow(`${path}`);
    await expect(loadGpt(folder, { expectedConfig: { ...config, layers: 3, width: 16 } })).rejects.toThrow('was saved with layers 2, expected 3');
    await expect(loadGpt(folder, { expectedConfig: { ...config, causal: false } })).rejects.toThrow(DataFileError);
    expect(() => checkSameGptConfig(config, { ...config, context: 6 }, 'ckpt/state.json')).toThrow('was saved with context 5, expected 6');
  });

  it('names the weights file and the variable when weights of another configuration are loaded', async () => {
    const small = join(dir, 'small');
    const gpt = createGpt(config, 1);
    await saveGpt(small, gpt);
    const wide = createGpt({ ...config, width: 12 }, 1);
    const weights = Object.fromEntries(gpt.variables.map(({ name, variable }) => [name, variable]));
    expect(() => assignGptWeights(wide, weights, 'run/gpt-weights.bin')).toThrow(
      'variable embedding/tokens has shape [9, 8], this configuration needs [9, 12]',
    );
    const deeper = createGpt({ ...config, layers: 3 }, 1);
    expect(() => assignGptWeights(deeper, weights, 'run/gpt-weights.bin')).toThrow('lacks variable block2/ln1/gain [8]');
    const shallower = createGpt({ ...config, layers: 1 }, 1);
    expect(() => assignGptWeights(shallower, weights, 'run/gpt-weights.bin')).toThrow('holds variables this configuration does not have: block1/');
    // A description edited to another width: the weights file no longer fits it.
    const path = join(small, GPT_MODEL_FILE);
    const saved = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    await writeFile(path, JSON.stringify({ ...saved, config: { ...config, width: 12 } }));
    await expect(loadGpt(small)).rejects.toThrow(join(small, GPT_WEIGHTS_FILE));
    for (const model of [gpt, wide, deeper, shallower]) model.dispose();
  });

  it('writes the tokenizer beside the model, and refuses one of another vocabulary size', async () => {
    const file = { format: 'counterweight-tokenizer', version: 1, kind: 'char', vocabulary: 'abcdefghi'.split(''), endOfTextId: null } as const;
    const tokenizer = (size: number): Tokenizer => ({
      kind: 'char',
      vocabularySize: size,
      vocabulary: file.vocabulary,
      endOfTextId: null,
      digitTokenIds: null,
      encode: () => new Int32Array(0),
      decode: () => '',
      toFile: () => file,
    });
    const folder = join(dir, 'with-tokenizer');
    const gpt = createGpt(config, 1);
    try {
      await saveGpt(folder, gpt, tokenizer(9));
      expect(JSON.parse(await readFile(join(folder, GPT_TOKENIZER_FILE), 'utf8'))).toEqual(file);
      await expect(saveGpt(join(dir, 'mismatch'), gpt, tokenizer(10))).rejects.toThrow("tokenizer: has 10 tokens, the model's vocabularySize is 9");
    } finally {
      gpt.dispose();
    }
  });

  it('names the file for a missing folder, a non-GPT description and an invalid configuration', async () => {
    await expect(loadGpt(join(dir, 'missing'))).rejects.toThrow(`${join(dir, 'missing', GPT_MODEL_FILE)}: does not exist`);
    const folder = join(dir, 'bad');
    const path = join(folder, GPT_MODEL_FILE);
    const gpt = createGpt(config, 1);
    await saveGpt(folder, gpt);
    gpt.dispose();
    const saved = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    await writeFile(path, JSON.stringify({ ...saved, format: 'something-else' }));
    await expect(loadGpt(folder)).rejects.toThrow('is not a saved GPT (format something-else, version 1)');
    await writeFile(path, JSON.stringify({ ...saved, config: { ...config, heads: 3 } }));
    await expect(loadGpt(folder)).rejects.toThrow(`${path}: has an invalid config.width: must be a multiple of heads (3), got 8`);
    await writeFile(path, '{ not json');
    await expect(loadGpt(folder)).rejects.toThrow(`${path}: not valid JSON at line 1, column 3: expected a key in double quotes, found "n"`);
  });
});
