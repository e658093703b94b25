import { softmaxCrossEntropy } from '@counterweight/core-losses';
import * as tf from '@tensorflow/tfjs-core';
import { createDataset, dense, fromVariables, isSingleInput, SeededRandom, VariableBuilder, type ModelInputs } from '@counterweight/runtime';

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
/** LayerNorm epsilon (PyTorch's default). */
export const LAYER_NORM_EPSILON = 1e-5;

/** Options of {@link gptWorkload}. */
export interface GptWorkloadOptions extends WorkloadOptions {
  /** Tokens per sequence (default 128); shorter contexts keep tests on the cpu backend fast. */
  readonly context?: number;
}

/** LayerNorm over the last axis: `(x − mean) / √(var + ε) · gain + bias` (biased variance, as PyTorch). */
export function layerNorm(x: tf.Tensor, gain: tf.Tensor1D, bias: tf.Tensor1D, epsilon = LAYER_NORM_EPSILON): tf.Tensor {
  return tf.tidy(() => {
    const mean = tf.mean(x, -1, true);
    const centred = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centred), -1, true);
    return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, epsilon))), gain), bias);
  });
}

const GELU_C = Math.sqrt(2 / Math.PI);

/** GELU, tanh form: `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))` (PyTorch `gelu(approximate='tanh')`). */
export function geluTanh(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const cube = tf.mul(tf.mul(x, x), x);
    const inner = tf.mul(tf.add(x, tf.mul(cube, 0.044715)), GELU_C);
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
  });
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
 * `gpt`: a character-level causal transformer language model — token embedding plus learned positions, 2
 * pre-LayerNorm blocks (width 128, 4 heads with a fused QKV projection and an additive −1e9 causal mask; MLP 4× width
 * with tanh-GELU), a final LayerNorm, and output logits tied to the token embedding (`logits = h·Eᵀ`); context 128,
 * vocabulary 65, softmax cross-entropy over every token, batch 16 sequences. Matrices and embeddings are N(0, 0.02)
 * (GPT-2), biases 0, LayerNorm gains 1. Inputs are int32 token ids `[batch, context]`, targets the next tokens.
 */
export function gptWorkload(options: GptWorkloadOptions): Workload {
  const batchSize = positiveInteger(options.batchSize, GPT_BATCH_SIZE, 'batchSize');
  const batches = positiveInteger(options.batches, DEFAULT_BATCHES, 'batches');
  const context = positiveInteger(options.context, GPT_CONTEXT, 'context');
  const rows = batchSize * batches;
  const stream = markovSequences(SeededRandom.fromSeed(options.seed, 'bench', 'gpt'), rows, context + 1);
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
  const init = new VariableBuilder(SeededRandom.fromSeed(options.seed, 'bench', 'gpt', 'init'));
  const matrix = (name: string, fanIn: number, fanOut: number) => init.normal(name, [fanIn, fanOut], 0.02) as tf.Variable<tf.Rank.R2>;
  const vector = (name: string, size: number, value: number) => init.constant(name, [size], value) as tf.Variable<tf.Rank.R1>;
  const tokenEmbedding = init.normal('tokenEmbedding', [GPT_VOCABULARY, d], 0.02) as tf.Variable<tf.Rank.R2>;
  const positionEmbedding = init.normal('positionEmbedding', [context, d], 0.02) as tf.Variable<tf.Rank.R2>;
  const blocks = Array.from({ length: GPT_BLOCKS }, (_, b) => ({
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
  // Additive causal mask [context, context]: 0 on and below the diagonal, −1e9 above. A constant, not a variable.
  const maskValues = new Float32Array(context * context);
  for (let i = 0; i < context; i += 1) for (let j = i + 1; j < context; j += 1) maskValues[i * context + j] = -1e9;
  const mask = tf.tensor2d(maskValues, [context, context]);
  const scale = 1 / Math.sqrt(headWidth);

  const forward = (batch: ModelInputs): tf.Tensor =>
    tf.tidy(() => {
      if (!isSingleInput(batch)) throw new TypeError('the gpt workload takes one int32 input tensor [batch, context]');
      const [b, t] = batch.shape as [number, number];
      if (t !== context) throw new RangeError(`the gpt workload was built for context ${context}, got ${t}`);
      const splitHeads = (m: tf.Tensor): tf.Tensor4D =>
        tf.transpose(tf.reshape(m, [b, t, heads, headWidth]), [0, 2, 1, 3]);
      let x: tf.Tensor2D = tf.reshape(tf.add(tf.gather(tokenEmbedding, batch), positionEmbedding), [b * t, d]);
      for (const block of blocks) {
        const h = layerNorm(x, block.ln1Gain, block.ln1Bias) as tf.Tensor2D;
        const [q, k, v] = tf.split(dense(h, block.qkvKernel, block.qkvBias), 3, 1);
        const scores = tf.add(tf.matMul(splitHeads(tf.mul(q as tf.Tensor, scale)), splitHeads(k as tf.Tensor), false, true), mask);
        const attended = tf.matMul(tf.softmax(scores), splitHeads(v as tf.Tensor)); // [b, heads, t, headWidth]
        const merged = tf.reshape(tf.transpose(attended, [0, 2, 1, 3]), [b * t, d]);
        x = tf.add(x, dense(merged, block.projKernel, block.projBias));
        const m = geluTanh(dense(layerNorm(x, block.ln2Gain, block.ln2Bias), block.fcKernel, block.fcBias));
        x = tf.add(x, dense(m, block.outKernel, block.outBias));
      }
      const logits = tf.matMul(layerNorm(x, finalGain, finalBias), tokenEmbedding, false, true);
      return tf.reshape(logits, [b, t, GPT_VOCABULARY]);
    });

  return {
    name: 'gpt',
    model: fromVariables({ variables: init.variables, forward }),
    loss: ({ targets: targetTokens, predictions: logits, sampleWeights: weights }) =>
      softmaxCrossEntropy(targetTokens, logits, { validate: false, ...weightOption(weights) }) as tf.Scalar,
    lossName: 'softmaxCrossEntropy',
    data: createDataset({ inputs: { values: inputs, shape: [context] }, targets: { values: targets, shape: [context] } }),
    batchSize,
    rowUnit: 'sequence',
    tokensPerRow: context,
    dispose: () => {
      init.dispose();
      mask.dispose();
    },
  };
}
