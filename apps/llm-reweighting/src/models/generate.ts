import { ConfigError } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import { GenerationState } from './generation-state.js';
import type { GptModel } from './gpt.js';
import type { GenerationOptions } from './sample-token.js';

/**
 * Continues `promptIds` with the causal GPT `model` (nanoGPT's `generate`, Karpathy, 2022): each step runs the model
 * on the last `context` tokens, takes the last position's logits only ({@link GptModel.lastLogits}) and draws the next
 * token with temperature / top-k sampling (temperature 0 = greedy), through {@link GenerationState}. Seeded: the same
 * seed gives the same tokens. Returns the prompt followed by `maxNewTokens` new ids. Synchronous (reads logits with
 * `dataSync`); leaves no tensor behind.
 * @throws ConfigError for a bidirectional (masked-diffusion) model, an empty prompt, an id outside the vocabulary,
 *   a negative temperature or other bad options.
 */
export function generateTokens(model: GptModel, promptIds: ArrayLike<number>, options: GenerationOptions): Int32Array {
  if (!model.config.causal) throw new ConfigError('model', 'is bidirectional (causal: false); autoregressive generation needs a causal GPT');
  const state = new GenerationState(model.config, promptIds, options);
  while (!state.done) {
    const window = state.window();
    const logits = tf.tidy(() => model.lastLogits(tf.tensor2d(window, [1, window.length], 'int32')));
    try {
      state.append(logits.dataSync());
    } finally {
      logits.dispose();
    }
  }
  return state.sequence;
}
