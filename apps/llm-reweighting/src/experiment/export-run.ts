import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { ConfigError, DataFileError, jsonSyntaxError } from '@counterweight/runtime';

import { TOKENIZER_FILE_NAME, checkTokenizerFits, loadTokenizer, saveTokenizer } from '../data/index.js';
import { GPT_MODEL_FILE, GPT_TOKENIZER_FILE, loadGpt } from '../models/index.js';
import { exportGptOnnx } from '../onnx/index.js';

/** The ONNX file of an exported run and what it holds. */
export interface ExportedLanguageModel {
  readonly path: string;
  readonly method: string;
  readonly nodes: number;
  readonly opset: number;
  readonly bytes: number;
  /** The tokenizer written beside the model (`tokenizer.json` in the same folder). */
  readonly tokenizer: string;
}

/**
 * The method of a run folder (`<out>/runs/<method>/seed-<r>`): from its result.json (`run.method`, as the harness
 * writes it), else the folder name.
 * @throws DataFileError naming result.json when it is there but not JSON (line, column, what was expected).
 */
async function methodOf(run: string): Promise<string> {
  const result = join(run, 'result.json');
  if (existsSync(result)) {
    const text = await readFile(result, 'utf8');
    let parsed: { run?: { method?: unknown } };
    try {
      parsed = JSON.parse(text) as { run?: { method?: unknown } };
    } catch {
      const problem = jsonSyntaxError(text);
      const where = problem === undefined ? '' : ` at line ${problem.line}, column ${problem.column}: ${problem.reason}`;
      throw new DataFileError({ file: result }, `not valid JSON${where} (the run did not finish writing it?)`);
    }
    if (typeof parsed.run?.method === 'string') return parsed.run.method;
  }
  return dirname(run).split(/[\\/]/).pop() ?? 'model';
}

/**
 * Writes the trained model of a run folder as ONNX (input `ids` [batch, tokens ≤ context], output `logits`
 * [batch, tokens, vocabulary]) and its tokenizer as `tokenizer.json` beside the ONNX file, so `generate` needs only the
 * ONNX path. The run's model folder is `<run>/model` (written by `compare` and `arithmetic`).
 * @throws DataFileError naming the run folder when it is absent, a file or holds no finished model, a model file that
 *   is wrong (see `loadGpt`), a tokenizer of another vocabulary size than the model, or a result.json that is not
 *   JSON; ConfigError for a masked-diffusion
 *   (bidirectional) model, which has no next-token logits to export.
 */
export async function exportRun(run: string, out: string): Promise<ExportedLanguageModel> {
  const modelDir = join(run, 'model');
  if (!existsSync(run)) throw new DataFileError({ file: run }, 'not found; give a finished run folder <out>/runs/<method>/seed-<r> of compare or arithmetic');
  if (!statSync(run).isDirectory()) throw new DataFileError({ file: run }, 'is a file; give a finished run folder <out>/runs/<method>/seed-<r> of compare or arithmetic');
  if (!existsSync(join(modelDir, GPT_TOKENIZER_FILE))) {
    throw new DataFileError({ file: modelDir }, 'holds no trained model; give a finished run folder <out>/runs/<method>/seed-<r> of compare or arithmetic');
  }
  const gpt = await loadGpt(modelDir);
  try {
    if (!gpt.config.causal) throw new ConfigError('--run', `${run} holds a masked-diffusion (bidirectional) model; only causal models export for next-token generation`);
    const tokenizerFile = join(modelDir, GPT_TOKENIZER_FILE);
    const tokenizer = await loadTokenizer(tokenizerFile);
    checkTokenizerFits(tokenizer, gpt.config.vocabularySize, tokenizerFile, join(modelDir, GPT_MODEL_FILE));
    const method = await methodOf(run);
    const written = await exportGptOnnx(gpt, out, { metadata: { method, tokenizer: tokenizer.kind } });
    const tokenizerPath = join(dirname(written.path), TOKENIZER_FILE_NAME);
    await saveTokenizer(tokenizerPath, tokenizer);
    return { path: written.path, method, nodes: written.nodes, opset: written.opset, bytes: written.bytes, tokenizer: tokenizerPath };
  } finally {
    gpt.dispose();
  }
}
