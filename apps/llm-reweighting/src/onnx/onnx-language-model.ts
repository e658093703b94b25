import { ConfigError, parseJsonText } from '@counterweight/runtime';
import { OnnxModelError, createOnnxSession, type OnnxSessionOptions } from '@counterweight/runtime/onnx';
import * as ort from 'onnxruntime-node';

import { checkGptConfig } from '../models/gpt-config-check.js';
import type { GptConfig } from '../models/gpt-config.js';
import { GenerationState } from '../models/generation-state.js';
import type { GenerationOptions } from '../models/sample-token.js';
import { GPT_ONNX_CONFIG_KEY, GPT_ONNX_FORMAT, GPT_ONNX_FORMAT_KEY, GPT_ONNX_INPUT, GPT_ONNX_OUTPUT } from './gpt-onnx-export.js';

/**
 * A GPT exported by `exportGptOnnx`, run with onnxruntime-node (CPU). Generation uses the same
 * {@link GenerationState} (context cropping, seeded temperature / top-k sampling) as tfjs's `generateTokens`, so a
 * greedy continuation is the same token for token, and a sampled one too as long as the logits agree to rounding.
 */
export class OnnxLanguageModel {
  private constructor(
    /** The model file. */
    readonly path: string,
    private readonly session: ort.InferenceSession,
    /** The exported model's configuration (from `metadata_props`). */
    readonly config: GptConfig,
    /** Every `metadata_props` entry of the file. */
    readonly metadata: Readonly<Record<string, string>>,
  ) {}

  /**
   * Opens an exported GPT. The caller releases it ({@link OnnxLanguageModel.release}).
   * @throws OnnxModelError naming the file when it is missing, empty or not ONNX, or an ONNX model that is not a
   *   GPT exported by this app (no or unreadable configuration metadata, another format version, a bidirectional
   *   model, or other input/output names).
   */
  static async load(path: string, options: OnnxSessionOptions = {}): Promise<OnnxLanguageModel> {
    const { session, metadata } = await createOnnxSession(path, options);
    try {
      const configText = metadata[GPT_ONNX_CONFIG_KEY];
      if (configText === undefined) {
        throw new OnnxModelError(path, `is not a GPT language model exported by llm-reweighting (no "${GPT_ONNX_CONFIG_KEY}" metadata)`);
      }
      if (metadata[GPT_ONNX_FORMAT_KEY] !== GPT_ONNX_FORMAT) {
        throw new OnnxModelError(path, `has format ${String(metadata[GPT_ONNX_FORMAT_KEY])}; this version reads format ${GPT_ONNX_FORMAT}`);
      }
      // V8's JSON.parse message would quote the metadata: say where it breaks instead.
      const json = parseJsonText(configText);
      if (json.problem !== undefined) throw new OnnxModelError(path, `has an unreadable "${GPT_ONNX_CONFIG_KEY}" metadata entry (${json.problem})`);
      let config: GptConfig;
      try {
        config = checkGptConfig(json.value, 'config');
      } catch (error) {
        throw new OnnxModelError(path, `has an unreadable "${GPT_ONNX_CONFIG_KEY}" metadata entry (${error instanceof Error ? error.message : String(error)})`, {
          cause: error,
        });
      }
      if (!config.causal) throw new OnnxModelError(path, 'holds a bidirectional model; only causal language models generate');
      if (session.inputNames.join() !== GPT_ONNX_INPUT || !session.outputNames.includes(GPT_ONNX_OUTPUT)) {
        throw new OnnxModelError(
          path,
          `has inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}]; a GPT has input ${GPT_ONNX_INPUT} and output ${GPT_ONNX_OUTPUT}`,
        );
      }
      return new OnnxLanguageModel(path, session, config, metadata);
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  /**
   * Logits `[batch, tokens, V]` (row-major) of `ids` `[batch, tokens]` (row-major, 1 ≤ tokens ≤ context).
   * @throws ConfigError naming `ids` when its length is not `batch·tokens`, tokens is out of range or an id is outside
   *   the vocabulary.
   */
  async logits(ids: ArrayLike<number>, batch: number, tokens: number): Promise<Float32Array> {
    if (!Number.isSafeInteger(batch) || batch < 1) throw new ConfigError('batch', `must be a positive integer, got ${batch}`);
    if (!Number.isSafeInteger(tokens) || tokens < 1 || tokens > this.config.context) {
      throw new ConfigError('tokens', `must be 1 to context (${this.config.context}), got ${tokens}`);
    }
    if (ids.length !== batch * tokens) throw new ConfigError('ids', `has ${ids.length} values, batch·tokens is ${batch * tokens}`);
    const values = new BigInt64Array(ids.length);
    for (let i = 0; i < ids.length; i += 1) {
      const id = ids[i] as number;
      if (!Number.isInteger(id) || id < 0 || id >= this.config.vocabularySize) {
        throw new ConfigError('ids', `value ${i} is ${id}, outside the vocabulary [0, ${this.config.vocabularySize})`);
      }
      values[i] = BigInt(id);
    }
    const input = new ort.Tensor('int64', values, [batch, tokens]);
    const output = (await this.session.run({ [GPT_ONNX_INPUT]: input }))[GPT_ONNX_OUTPUT];
    if (output === undefined) throw new OnnxModelError(this.path, `produced no ${GPT_ONNX_OUTPUT} output`);
    return output.data as Float32Array;
  }

  /** Next-token logits `[V]` after `ids` (one sequence; only its last `context` tokens are used). */
  async nextTokenLogits(ids: ArrayLike<number>): Promise<Float32Array> {
    if (ids.length === 0) throw new ConfigError('ids', 'is empty; the next token needs at least one token before it');
    const window = Array.from(ids).slice(-this.config.context);
    const all = await this.logits(window, 1, window.length);
    const v = this.config.vocabularySize;
    return all.slice((window.length - 1) * v, window.length * v);
  }

  /**
   * Continues `promptIds` by `maxNewTokens` tokens, sampled as tfjs's `generateTokens` samples (temperature 0 = greedy,
   * top-k, seeded). Returns the prompt followed by the new ids.
   * @throws ConfigError for an empty prompt, an id outside the vocabulary or bad options.
   */
  async generate(promptIds: ArrayLike<number>, options: GenerationOptions): Promise<Int32Array> {
    const state = new GenerationState(this.config, promptIds, options);
    while (!state.done) state.append(await this.nextTokenLogits(state.window()));
    return state.sequence;
  }

  /** Releases the onnxruntime session. */
  async release(): Promise<void> {
    await this.session.release();
  }
}
