import { softmaxCrossEntropy } from '@counterweight/core-losses';
import * as tf from '@tensorflow/tfjs-core';
import {
  createDataset,
  dense,
  fromVariables,
  geluTanh,
  isSingleInput,
  layerNorm,
  scaledDotProductAttention,
  SeededRandom,
  VariableBuilder,
  type ModelInputs,
} from '@counterweight/runtime';

import { DEFAULT_BATCHES, positiveInteger, weightOption, type Workload, type WorkloadOptions } from './workload.js';

/** Benchmark batch size (sequences) of the `gpt` workload. */
export const GPT_BATCH_SIZE = 16;
/** Context length (tokens per sequence) of the `gpt` workload. */
export const GPT_CONTEXT = 128;
/** Vocabulary size of the `gpt` workload (character level, as tiny-Shakespeare). */
export const GPT_VOCABULARY = 65;
/** Model width of the `gpt` workload. */
export const GPT_WIDTH = 128;
/** Attention heads of the `gpt` workload. */
export const GPT_HEADS = 4;
/** Transformer blocks of the `gpt` workload. */
export const GPT_BLOCKS = 2;
/** Batch size (sequences) of the `nanogpt` workload (nanoGPT's CPU configuration for TinyShakespeare characters). */
export const NANOGPT_BATCH_SIZE = 12;
/** Context length of the `nanogpt` workload. */
export const NANOGPT_CONTEXT = 64;
/** Transformer blocks of the `nanogpt` workload. */
export const NANOGPT_BLOCKS = 4;

/** Options of {@link gptWorkload} and {@link nanogptWorkload}. */
export interface GptWorkloadOptions extends WorkloadOptions {
  /** Tokens per sequence (default: the workload's context); shorter contexts keep tests on the cpu backend fast. */
  readonly context?: number;
  /** Transformer blocks (default: the workload's). */
  readonly blocks?: number;
}

/** The shape of a benchmark transformer: what differs between `gpt` and `nanogpt`. */
interface TransformerShape {
  readonly name: 'gpt' | 'nanogpt';
  readonly batchSize: number;
  readonly context: number;
  readonly blocks: number;
}

/**
 * Synthetic token streams from a sparse random Markov chain (each token has three likely successors), so a model
 * can learn far below the uniform loss ln(65).
 */
function markovSequences(random: SeededRandom, rows: number, length: number): Int32Array {
  const successors = Array.from({ length: GPT_VOCABULARY }, () => [0, 1, 2].map(() => random.int(0, GPT_VOCABULARY - 1)));
  const tokens = new Int32Array(rows * length);
  for (let r = 0; r < rows; r += 1) {
    let token = random.int(0, GPT_VOCABULARY - 1);
    for (let t = 0; t < length; t += 1) {
      tokens[r * length + t] = token;
      const u = random.uniform();
      const next = successors[token] ?? [0, 0, 0];
      token = u < 0.6 ? (next[0] ?? 0) : u < 0.85 ? (next[1] ?? 0) : u < 0.95 ? (next[2] ?? 0) : random.int(0, GPT_VOCABULARY - 1);
    }
  }
  return tokens;
}

/**
 * A character-level causal transformer language model of the given shape — token embedding plus learned positions,
 * `blocks` pre-LayerNorm blocks (width 128, 4 heads with a fused QKV projection; causal scaled dot-product attention;
 * MLP 4× width with tanh-GELU), a final LayerNorm, and output logits tied to the token embedding (`logits = h·Eᵀ`);
 * vocabulary 65, softmax cross-entropy over every token. The layers are the runtime's shared `layerNorm`, `geluTanh`
 * and `scaledDotProductAttention` (the ones the llm-reweighting app's model calls), so their fused wasm kernels are
 * what this measures. Matrices and embeddings are N(0, 0.02) (GPT-2), biases 0, LayerNorm gains 1. Inputs are int32
 * token ids `[batch, context]`, targets the next tokens.
 */
function transformerWorkload(shape: TransformerShape, options: GptWorkloadOptions): Workload {
  const batchSize = positiveInteger(options.batchSize, shape.batchSize, 'batchSize');
  const batches = positiveInteger(options.batches, DEFAULT_BATCHES, 'batches');
  const context = positiveInteger(options.context, shape.context, 'context');
  const blockCount = positiveInteger(options.blocks, shape.blocks, 'blocks');
  const rows = batchSize * batches;
  // The gpt workload's stream keeps its original labels, so its data (and loss figures) stay as they were.
  const labels = shape.name === 'gpt' ? (['bench', 'gpt'] as const) : (['bench', shape.name] as const);
  const stream = markovSequences(SeededRandom.fromSeed(options.seed, ...labels), rows, context + 1);
  const inputs = new Int32Array(rows * context);
  const targets = new Int32Array(rows * context);
  for (let r = 0; r < rows; r += 1) {
    const row = stream.subarray(r * (context + 1), (r + 1) * (context + 1));
    inputs.set(row.subarray(0, context), r * context);
    targets.set(row.subarray(1), r * context);
  }

  const d = GPT_WIDTH;
  const heads = GPT_HEADS;
  const headWidth = d / heads;
  const init = new VariableBuilder(SeededRandom.fromSeed(options.seed, ...labels, 'init'));
  const matrix = (name: string, fanIn: number, fanOut: number) => init.normal(name, [fanIn, fanOut], 0.02) as tf.Variable<tf.Rank.R2>;
  const vector = (name: string, size: number, value: number) => init.constant(name, [size], value) as tf.Variable<tf.Rank.R1>;
  const tokenEmbedding = init.normal('tokenEmbedding', [GPT_VOCABULARY, d], 0.02) as tf.Variable<tf.Rank.R2>;
  const positionEmbedding = init.normal('positionEmbedding', [context, d], 0.02) as tf.Variable<tf.Rank.R2>;
  const blocks = Array.from({ length: blockCount }, (_, b) => ({
    ln1Gain: vector(`block${b}/ln1/gain`, d, 1),
    ln1Bias: vector(`block${b}/ln1/bias`, d, 0),
    qkvKernel: matrix(`block${b}/attention/qkv/kernel`, d, 3 * d),
    qkvBias: vector(`block${b}/attention/qkv/bias`, 3 * d, 0),
    projKernel: matrix(`block${b}/attention/proj/kernel`, d, d),
    projBias: vector(`block${b}/attention/proj/bias`, d, 0),
    ln2Gain: vector(`block${b}/ln2/gain`, d, 1),
    ln2Bias: vector(`block${b}/ln2/bias`, d, 0),
    fcKernel: matrix(`block${b}/mlp/fc/kernel`, d, 4 * d),
    fcBias: vector(`block${b}/mlp/fc/bias`, 4 * d, 0),
    outKernel: matrix(`block${b}/mlp/proj/kernel`, 4 * d, d),
    outBias: vector(`block${b}/mlp/proj/bias`, d, 0),
  }));
  const finalGain = vector('final/ln/gain', d, 1);
  const finalBias = vector('final/ln/bias', d, 0);

  const forward = (batch: ModelInputs): tf.Tensor =>
    tf.tidy(() => {
      if (!isSingleInput(batch)) throw new TypeError(`the ${shape.name} workload takes one int32 input tensor [batch, context]`);
      const [b, t] = batch.shape as [number, number];
      if (t !== context) throw new RangeError(`the ${shape.name} workload was built for context ${context}, got ${t}`);
      const splitHeads = (m: tf.Tensor): tf.Tensor4D =>
        tf.transpose(tf.reshape(m, [b, t, heads, headWidth]), [0, 2, 1, 3]);
      let x: tf.Tensor2D = tf.reshape(tf.add(tf.gather(tokenEmbedding, batch), positionEmbedding), [b * t, d]);
      for (const block of blocks) {
        const h = layerNorm(x, block.ln1Gain, block.ln1Bias) as tf.Tensor2D;
        const [q, k, v] = tf.split(dense(h, block.qkvKernel, block.qkvBias), 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
        const attended = scaledDotProductAttention(splitHeads(q), splitHeads(k), splitHeads(v)); // [b, heads, t, headWidth]
        const merged = tf.reshape(tf.transpose(attended, [0, 2, 1, 3]), [b * t, d]);
        x = tf.add(x, dense(merged, block.projKernel, block.projBias));
        const m = geluTanh(dense(layerNorm(x, block.ln2Gain, block.ln2Bias), block.fcKernel, block.fcBias));
        x = tf.add(x, dense(m as tf.Tensor2D, block.outKernel, block.outBias));
      }
      const logits = tf.matMul(layerNorm(x, finalGain, finalBias), tokenEmbedding, false, true);
      return tf.reshape(logits, [b, t, GPT_VOCABULARY]);
    });

  return {
    name: shape.name,
    model: fromVariables({ variables: init.variables, forward }),
    loss: ({ targets: targetTokens, predictions: logits, sampleWeights: weights }) =>
      softmaxCrossEntropy(targetTokens, logits, { validate: false, ...weightOption(weights) }) as tf.Scalar,
    lossName: 'softmaxCrossEntropy',
    data: createDataset({ inputs: { values: inputs, shape: [context] }, targets: { values: targets, shape: [context] } }),
    batchSize,
    rowUnit: 'sequence',
    tokensPerRow: context,
    dispose: () => init.dispose(),
  };
}

/**
 * `gpt`: the transformer language model of {@link transformerWorkload} with 2 blocks, context 128, batch 16
 * sequences, on a synthetic sparse Markov chain over 65 tokens.
 */
export function gptWorkload(options: GptWorkloadOptions): Workload {
  return transformerWorkload({ name: 'gpt', batchSize: GPT_BATCH_SIZE, context: GPT_CONTEXT, blocks: GPT_BLOCKS }, options);
}

/**
 * `nanogpt`: nanoGPT's CPU configuration for TinyShakespeare characters (Karpathy, nanoGPT `train_shakespeare_char`
 * with `--block_size=64 --batch_size=12 --n_layer=4 --n_head=4 --n_embd=128 --dropout=0.0`): the model of
 * {@link transformerWorkload} with 4 blocks, context 64, batch 12 sequences, vocabulary 65. The token streams are
 * the same kind of synthetic Markov chain as `gpt`'s (step time does not depend on the token values).
 */
export function nanogptWorkload(options: GptWorkloadOptions): Workload {
  return transformerWorkload({ name: 'nanogpt', batchSize: NANOGPT_BATCH_SIZE, context: NANOGPT_CONTEXT, blocks: NANOGPT_BLOCKS }, options);
}
