import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { ConfigError, DataFileError } from '@counterweight/runtime';

import { TOKENIZER_FILE_NAME, TokenizerError, checkTokenizerFits, loadTokenizer } from '../data/index.js';
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
 * @throws DataFileError naming a model path that is absent or a folder, the missing tokenizer file, or a tokenizer of
 *   another vocabulary size than the model; ConfigError naming `--prompt` when it is empty or holds a character the
 *   vocabulary lacks (the character, its line and column); the ONNX loader's errors naming the model file.
 */
export async function generateFromOnnx(options: GenerateFromOnnxOptions): Promise<string> {
  if (!existsSync(options.model)) throw new DataFileError({ file: options.model }, 'not found; give the .onnx file `llm-reweighting export` wrote');
  if (statSync(options.model).isDirectory()) throw new DataFileError({ file: options.model }, 'is a folder; give the .onnx file `llm-reweighting export` wrote');
  const tokenizerPath = join(dirname(options.model), TOKENIZER_FILE_NAME);
  if (!existsSync(tokenizerPath)) {
    throw new DataFileError({ file: tokenizerPath }, `is missing; \`llm-reweighting export\` writes it beside ${options.model}`);
  }
  const tokenizer = await loadTokenizer(tokenizerPath);
  if (options.prompt === '') throw new ConfigError('--prompt', 'is empty; generation continues a text of at least one character');
  const model = await OnnxLanguageModel.load(options.model);
  try {
    checkTokenizerFits(tokenizer, model.config.vocabularySize, tokenizerPath, options.model);
    let prompt: Int32Array;
    try {
      prompt = tokenizer.encode(options.prompt);
    } catch (error) {
      if (error instanceof TokenizerError) throw new ConfigError('--prompt', `the vocabulary of ${tokenizerPath} cannot write it: ${error.message}`);
      throw error;
    }
    const ids = await model.generate(prompt, { maxNewTokens: options.tokens, temperature: options.temperature, seed: options.seed, ...(options.topK === undefined ? {} : { topK: options.topK }) });
    return tokenizer.decode(ids.subarray(prompt.length));
  } finally {
    await model.release();
  }
}
