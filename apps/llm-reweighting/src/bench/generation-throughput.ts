import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { median } from '@counterweight/bench-kit';
import { ConfigError, activeBackend } from '@counterweight/runtime';

import { createGpt, generateTokens, type GptConfig, type GptModel } from '../models/index.js';
import { OnnxLanguageModel, exportGptOnnx } from '../onnx/index.js';
import { benchTokenWindows } from './bench-token-windows.js';

/** Options of {@link measureGenerationThroughput}. */
export interface GenerationThroughputOptions {
  readonly config: GptConfig;
  /** Seeds the weights and the prompt. */
  readonly seed: number;
  /** Prompt length (default 16). */
  readonly promptTokens?: number;
  /** New tokens per run (default 64). */
  readonly newTokens?: number;
  /** Timed runs per engine, interleaved, after one untimed warm-up run each (default 5). */
  readonly repetitions?: number;
  /** onnxruntime's `intraOpNumThreads` (default 1, as the wasm backend's one thread). */
  readonly onnxThreads?: number;
}

/** One engine's generation speed. */
export interface EngineGeneration {
  /** New tokens per second of the median run. */
  readonly tokensPerSec: number;
  /** Seconds of every timed run, in order. */
  readonly seconds: readonly number[];
}

/** Greedy generation speed of tfjs (active backend) and onnxruntime-node on the same GPT. */
export interface GenerationThroughput {
  readonly backend: string;
  readonly promptTokens: number;
  readonly newTokens: number;
  readonly repetitions: number;
  readonly onnxThreads: number;
  readonly tfjs: EngineGeneration;
  readonly onnxruntime: EngineGeneration;
  /** onnxruntime tokens/s ÷ tfjs tokens/s (> 1: onnxruntime is faster). */
  readonly ratio: number;
  /** Whether both engines generated the same greedy tokens (they share the sampling rule; float differences aside). */
  readonly sameTokens: boolean;
  /** Size of the exported ONNX file in bytes. */
  readonly onnxBytes: number;
}

/** An engine's speed from its run times: `newTokens` over the median run's seconds. */
export function engineGeneration(seconds: readonly number[], newTokens: number): EngineGeneration {
  return { tokensPerSec: newTokens / median(seconds), seconds };
}

/**
 * Greedy autoregressive generation (no KV cache: each new token runs the model on the last `context` tokens) of the
 * app's GPT (`createGpt(config, seed)`, untrained: speed does not depend on the weights) with tfjs on the active backend
 * (`generateTokens`) against the same weights exported to ONNX (`exportGptOnnx`, into a temporary directory removed
 * afterwards) and run by onnxruntime-node (`OnnxLanguageModel.generate`). The prompt is `promptTokens` seeded ids
 * ({@link benchTokenWindows}). One untimed warm-up run each, then `repetitions` rounds, each timing one tfjs and one
 * onnxruntime run in alternating order; tokens/s from the median run. Leaves no tensors behind.
 * @throws ConfigError naming `promptTokens` (1 … context), `newTokens` or `repetitions` (≥ 1), or `backend`.
 */
export async function measureGenerationThroughput(options: GenerationThroughputOptions): Promise<GenerationThroughput> {
  const { config, seed } = options;
  const promptTokens = options.promptTokens ?? 16;
  const newTokens = options.newTokens ?? 64;
  const repetitions = options.repetitions ?? 5;
  const onnxThreads = options.onnxThreads ?? 1;
  if (!Number.isSafeInteger(promptTokens) || promptTokens < 1 || promptTokens > config.context) {
    throw new ConfigError('promptTokens', `must be an integer from 1 to the context (${config.context}), got ${String(promptTokens)}`);
  }
  for (const [name, value] of [['newTokens', newTokens], ['repetitions', repetitions], ['onnxThreads', onnxThreads]] as const) {
    if (!Number.isSafeInteger(value) || value < 1) throw new ConfigError(name, `must be an integer >= 1, got ${String(value)}`);
  }
  const backend = activeBackend();
  if (backend === undefined) throw new ConfigError('backend', 'no backend is initialised; call initBackend first');
  const prompt = benchTokenWindows({ vocabularySize: config.vocabularySize, context: promptTokens, rows: 1, seed }).inputs;
  const generation = { maxNewTokens: newTokens, temperature: 0, seed };
  const dir = await mkdtemp(join(tmpdir(), 'llm-bench-onnx-'));
  let gpt: GptModel | undefined;
  let onnx: OnnxLanguageModel | undefined;
  try {
    gpt = createGpt(config, seed);
    const model = gpt;
    const exported = await exportGptOnnx(model, join(dir, 'gpt.onnx'));
    onnx = await OnnxLanguageModel.load(exported.path, { intraOpNumThreads: onnxThreads });
    const engine = onnx;
    const timeTfjs = (): { seconds: number; tokens: Int32Array } => {
      const start = performance.now();
      const tokens = generateTokens(model, prompt, generation);
      return { seconds: (performance.now() - start) / 1000, tokens };
    };
    const timeOnnx = async (): Promise<{ seconds: number; tokens: Int32Array }> => {
      const start = performance.now();
      const tokens = await engine.generate(prompt, generation);
      return { seconds: (performance.now() - start) / 1000, tokens };
    };
    const tfjsWarm = timeTfjs();
    const onnxWarm = await timeOnnx();
    const sameTokens = tfjsWarm.tokens.length === onnxWarm.tokens.length && tfjsWarm.tokens.every((t, i) => t === onnxWarm.tokens[i]);
    const tfjsSeconds: number[] = [];
    const onnxSeconds: number[] = [];
    for (let r = 0; r < repetitions; r += 1) {
      if (r % 2 === 0) {
        tfjsSeconds.push(timeTfjs().seconds);
        onnxSeconds.push((await timeOnnx()).seconds);
      } else {
        onnxSeconds.push((await timeOnnx()).seconds);
        tfjsSeconds.push(timeTfjs().seconds);
      }
    }
    const tfjs = engineGeneration(tfjsSeconds, newTokens);
    const onnxruntime = engineGeneration(onnxSeconds, newTokens);
    return {
      backend: backend.name,
      promptTokens,
      newTokens,
      repetitions,
      onnxThreads,
      tfjs,
      onnxruntime,
      ratio: onnxruntime.tokensPerSec / tfjs.tokensPerSec,
      sameTokens,
      onnxBytes: exported.bytes,
    };
  } finally {
    await onnx?.release();
    gpt?.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}
