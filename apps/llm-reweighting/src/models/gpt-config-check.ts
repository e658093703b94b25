import { ConfigError } from '@counterweight/runtime';

import type { GptConfig } from './gpt-config.js';

const POSITIVE_FIELDS = ['vocabularySize', 'layers', 'heads', 'width', 'context'] as const;

/**
 * Checks a {@link GptConfig} and returns it typed. `vocabularySize`, `layers`, `heads`, `width` and `context` must be
 * positive safe integers, `vocabularySize` ≥ 2, `width` a multiple of `heads`, and `causal` a boolean.
 * @param argument prefix of the field in error messages (e.g. `model` gives `model.width`); default `config`.
 * @throws ConfigError naming the first bad field (`config.width: must be a multiple of heads (4), got 130`).
 */
export function checkGptConfig(config: unknown, argument = 'config'): GptConfig {
  if (config === null || typeof config !== 'object') throw new ConfigError(argument, `must be an object, got ${String(config)}`);
  const fields = config as Record<string, unknown>;
  for (const field of POSITIVE_FIELDS) {
    const value = fields[field];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      throw new ConfigError(`${argument}.${field}`, `must be a positive integer, got ${JSON.stringify(value) ?? 'undefined'}`);
    }
  }
  const { vocabularySize, heads, width } = fields as Record<(typeof POSITIVE_FIELDS)[number], number>;
  if (vocabularySize < 2) throw new ConfigError(`${argument}.vocabularySize`, `must be at least 2, got ${vocabularySize}`);
  if (width % heads !== 0) throw new ConfigError(`${argument}.width`, `must be a multiple of heads (${heads}), got ${width}`);
  if (typeof fields.causal !== 'boolean') {
    throw new ConfigError(`${argument}.causal`, `must be true or false, got ${JSON.stringify(fields.causal) ?? 'undefined'}`);
  }
  return config as GptConfig;
}

/**
 * Number of parameters of the GPT that {@link createGpt} builds, counted as nanoGPT's `get_num_params(non_embedding=False)`
 * would with tied output weights: with vocabulary V (V + 1 input rows when not causal, the extra mask-token row),
 * width d, context T and L layers,
 * `V_in·d + T·d + L·(12·d² + 13·d) + 2·d` — per block two LayerNorms (4d), fused QKV (3d² + 3d), attention projection
 * (d² + d), MLP up (4d² + 4d) and down (4d² + d); plus the final LayerNorm (2d). For nanoGPT's CPU configuration
 * (V 65, 4 layers, width 128, context 64) this is 809,856, of which 801,664 are not position embeddings — the
 * "0.80M" nanoGPT prints (Karpathy, 2022, `model.py`, which leaves the position embeddings out of its count).
 */
export function parameterCount(config: GptConfig): number {
  const c = checkGptConfig(config);
  const d = c.width;
  const inputRows = c.vocabularySize + (c.causal ? 0 : 1);
  return inputRows * d + c.context * d + c.layers * (12 * d * d + 13 * d) + 2 * d;
}
