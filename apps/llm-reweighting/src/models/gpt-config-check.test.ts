import { ConfigError } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { checkGptConfig, parameterCount } from './gpt-config-check.js';
import { NANOGPT_CPU_CONFIG, type GptConfig } from './gpt-config.js';

const small: GptConfig = { vocabularySize: 11, layers: 2, heads: 2, width: 8, context: 6, causal: true };

describe('checkGptConfig', () => {
  it('accepts a valid configuration and returns it', () => {
    expect(checkGptConfig(small)).toBe(small);
  });

  it.each([
    [{ ...small, width: 9 }, 'config.width: must be a multiple of heads (2), got 9'],
    [{ ...small, layers: 0 }, 'config.layers: must be a positive integer, got 0'],
    [{ ...small, heads: 1.5 }, 'config.heads: must be a positive integer, got 1.5'],
    [{ ...small, context: '8' }, 'config.context: must be a positive integer, got "8"'],
    [{ ...small, vocabularySize: 1 }, 'config.vocabularySize: must be at least 2, got 1'],
    [{ ...small, causal: 'yes' }, 'config.causal: must be true or false, got "yes"'],
  ])('rejects %o naming the field', (config, message) => {
    expect(() => checkGptConfig(config, 'config')).toThrow(ConfigError);
    expect(() => checkGptConfig(config)).toThrow(message);
  });

  it('names the argument prefix and rejects a non-object', () => {
    expect(() => checkGptConfig({ ...small, width: 0 }, 'model')).toThrow('model.width: must be a positive integer, got 0');
    expect(() => checkGptConfig(null)).toThrow('config: must be an object, got null');
  });
});

describe('parameterCount', () => {
  it('matches a hand count of a small configuration', () => {
    // d = 8: embeddings 11·8 + 6·8 = 136; per block LN 2·16 + QKV 8·24 + 24 + proj 64 + 8 + fc 8·32 + 32 + proj 32·8 + 8 = 872;
    // two blocks 1744; final LN 16 → 1896.
    expect(parameterCount(small)).toBe(136 + 2 * 872 + 16);
    // The denoiser has one extra input row (the mask token).
    expect(parameterCount({ ...small, causal: false })).toBe(136 + 2 * 872 + 16 + 8);
  });

  it("gives nanoGPT's 0.80M for its CPU TinyShakespeare configuration (position embeddings left out, as nanoGPT counts)", () => {
    const config = { ...NANOGPT_CPU_CONFIG, vocabularySize: 65 };
    expect(parameterCount(config)).toBe(809_856);
    expect(parameterCount(config) - config.context * config.width).toBe(801_664);
    expect(((parameterCount(config) - 64 * 128) / 1e6).toFixed(2)).toBe('0.80');
  });
});
