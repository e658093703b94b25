import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { DataFileError } from '@counterweight/runtime';

import { TOKENIZER_FILE_NAME, loadTokenizer } from '../data/index.js';
import { OnnxLanguageModel } from '../onnx/index.js';

/** What `generate` samples. */
export interface GenerateFromOnnxOptions {
  /** The ONNX file of `export` (its `tokenizer.json` beside it). */
  readonly model: string;
  readonly prompt: string;
  readonly tokens: number;
  /** 0 = greedy. */
  readonly temperature: number;
  readonly topK?: number;
  readonly seed: number;
}

/**
 * Continues `prompt` with an exported model on onnxruntime-node: the tokenizer beside the model encodes the prompt
 * (a character outside its vocabulary is a TokenizerError naming it and its position), the model samples `tokens`
 * tokens with the shared sampling rule, and the new text is returned (without the prompt).
 * @throws DataFileError naming the missing tokenizer file; the ONNX loader's errors naming the model file.
 */
export async function generateFromOnnx(options: GenerateFromOnnxOptions): Promise<string> {
  const tokenizerPath = join(dirname(options.model), TOKENIZER_FILE_NAME);
  if (!existsSync(tokenizerPath)) {
    throw new DataFileError({ file: tokenizerPath }, `is missing; \`llm-reweighting export\` writes it beside ${options.model}`);
  }
  const tokenizer = await loadTokenizer(tokenizerPath);
  const prompt = tokenizer.encode(options.prompt);
  const model = await OnnxLanguageModel.load(options.model);
  try {
    const ids = await model.generate(prompt, { maxNewTokens: options.tokens, temperature: options.temperature, seed: options.seed, ...(options.topK === undefined ? {} : { topK: options.topK }) });
    return tokenizer.decode(ids.subarray(prompt.length));
  } finally {
    await model.release();
  }
}
