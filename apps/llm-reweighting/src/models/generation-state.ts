import { ConfigError, SeededRandom } from '@counterweight/runtime';

import { checkGenerationOptions, sampleNextToken, type GenerationOptions } from './sample-token.js';

/** What an autoregressive loop needs to know about the model it drives. */
export interface LanguageModelShape {
  readonly vocabularySize: number;
  readonly context: number;
}

/**
 * One autoregressive generation, step by step, shared by tfjs ({@link generateTokens}) and onnxruntime generation so
 * both crop and sample the same way: while not {@link GenerationState.done}, run the model on
 * {@link GenerationState.window} (the last `context` tokens) and {@link GenerationState.append} the last position's
 * logits `[V]`, which draws the next token with {@link sampleNextToken} from one generator seeded with
 * `SeededRandom.fromSeed(seed, 'generate')`. {@link GenerationState.sequence} is the prompt followed by the new tokens.
 */
export class GenerationState {
  private readonly tokens: Int32Array;
  private length: number;
  private readonly random: SeededRandom;

  /**
   * @throws ConfigError for an empty prompt, a prompt id outside `[0, vocabularySize)` or bad options
   *   ({@link checkGenerationOptions}).
   */
  constructor(
    private readonly shape: LanguageModelShape,
    promptIds: ArrayLike<number>,
    private readonly options: GenerationOptions,
  ) {
    checkGenerationOptions(options);
    if (promptIds.length === 0) throw new ConfigError('promptIds', 'is empty; generation needs at least one token to continue');
    for (let i = 0; i < promptIds.length; i += 1) {
      const id = promptIds[i] as number;
      if (!Number.isInteger(id) || id < 0 || id >= shape.vocabularySize) {
        throw new ConfigError('promptIds', `token ${i} is ${id}, outside the vocabulary [0, ${shape.vocabularySize})`);
      }
    }
    this.tokens = new Int32Array(promptIds.length + options.maxNewTokens);
    this.tokens.set(Array.from(promptIds));
    this.length = promptIds.length;
    this.random = SeededRandom.fromSeed(options.seed, 'generate');
  }

  /** True once `maxNewTokens` tokens have been appended. */
  get done(): boolean {
    return this.length >= this.tokens.length;
  }

  /** The model's input for the next step: the last `context` tokens so far (a copy). */
  window(): Int32Array {
    return this.tokens.slice(Math.max(0, this.length - this.shape.context), this.length);
  }

  /**
   * Draws the next token from the last position's logits `[V]` and appends it; returns it.
   * @throws ConfigError when generation is done or `logits` is not `V` wide.
   */
  append(logits: ArrayLike<number>): number {
    if (this.done) throw new ConfigError('append', `all ${this.options.maxNewTokens} new tokens are generated`);
    if (logits.length !== this.shape.vocabularySize) {
      throw new ConfigError('logits', `has ${logits.length} values, the vocabulary ${this.shape.vocabularySize}`);
    }
    const token = sampleNextToken(logits, this.options, this.random);
    this.tokens[this.length] = token;
    this.length += 1;
    return token;
  }

  /** The prompt followed by the tokens appended so far (a copy). */
  get sequence(): Int32Array {
    return this.tokens.slice(0, this.length);
  }
}
