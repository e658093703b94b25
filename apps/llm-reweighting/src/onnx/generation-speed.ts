import { ConfigError } from '@counterweight/runtime';

import { generateTokens } from '../models/generate.js';
import type { GptModel } from '../models/gpt.js';
import type { OnnxLanguageModel } from './onnx-language-model.js';

/** Options of {@link measureGeneration}. */
export interface MeasureGenerationOptions {
  /** Prompt ids (at least one). */
  readonly promptIds: ArrayLike<number>;
  /** New tokens per timed run (≥ 1). */
  readonly maxNewTokens: number;
  /** Timed runs per engine (≥ 1; default 3); one untimed warm-up run comes first. */
  readonly runs?: number;
  /** Sampling temperature (default 0, greedy) and seed (default 0) of every run. */
  readonly temperature?: number;
  readonly seed?: number;
}

/** Generation speed of one engine. */
export interface GenerationSpeed {
  /** New tokens per second of the median run. */
  readonly tokensPerSecond: number;
  /** Seconds of every timed run, in order. */
  readonly seconds: readonly number[];
}

/** What {@link measureGeneration} measured. */
export interface GenerationSpeeds {
  readonly newTokens: number;
  readonly tfjs: GenerationSpeed;
  /** Absent when no onnxruntime model was given. */
  readonly onnxruntime?: GenerationSpeed;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

async function time(runs: number, newTokens: number, generate: () => unknown): Promise<GenerationSpeed> {
  await generate(); // warm-up: kernel compilation, session first run
  const seconds: number[] = [];
  for (let r = 0; r < runs; r += 1) {
    const start = process.hrtime.bigint();
    await generate();
    seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return { tokensPerSecond: newTokens / median(seconds), seconds };
}

/**
 * Times autoregressive generation (one sequence, no KV cache: every step runs the model on the last `context`
 * tokens) with tfjs on the active backend (`generateTokens`) and, when given, with onnxruntime-node
 * (`OnnxLanguageModel.generate`): after one warm-up run each, `runs` timed runs, reported as new tokens per second of
 * the median run.
 * @throws ConfigError for `maxNewTokens` or `runs` below 1 (generation options are checked by the generators).
 */
export async function measureGeneration(model: GptModel, onnxModel: OnnxLanguageModel | undefined, options: MeasureGenerationOptions): Promise<GenerationSpeeds> {
  const runs = options.runs ?? 3;
  if (!Number.isSafeInteger(runs) || runs < 1) throw new ConfigError('runs', `must be a positive integer, got ${runs}`);
  if (!Number.isSafeInteger(options.maxNewTokens) || options.maxNewTokens < 1) {
    throw new ConfigError('maxNewTokens', `must be a positive integer, got ${options.maxNewTokens}`);
  }
  const generation = { maxNewTokens: options.maxNewTokens, temperature: options.temperature ?? 0, seed: options.seed ?? 0 };
  const tfjs = await time(runs, options.maxNewTokens, () => generateTokens(model, options.promptIds, generation));
  if (onnxModel === undefined) return { newTokens: options.maxNewTokens, tfjs };
  const onnxruntime = await time(runs, options.maxNewTokens, () => onnxModel.generate(options.promptIds, generation));
  return { newTokens: options.maxNewTokens, tfjs, onnxruntime };
}
