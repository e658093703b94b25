import {
  ConfigError,
  SeededRandom,
  VariableBuilder,
  dense,
  fromVariables,
  geluTanh,
  isSingleInput,
  layerNorm,
  scaledDotProductAttention,
  type ModelInputs,
  type NamedVariable,
  type TrainableModel,
} from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import { checkGptConfig, parameterCount } from './gpt-config-check.js';
import type { GptConfig } from './gpt-config.js';

/** Standard deviation of every initial weight matrix and embedding (GPT-2; nanoGPT). */
export const GPT_INIT_STD = 0.02;

/** The variables of one pre-LayerNorm transformer block. */
export interface GptBlockVariables {
  readonly ln1Gain: tf.Variable<tf.Rank.R1>;
  readonly ln1Bias: tf.Variable<tf.Rank.R1>;
  /** Fused query, key and value projection `[d, 3d]`: columns `[0, d)` queries, `[d, 2d)` keys, `[2d, 3d)` values. */
  readonly qkvKernel: tf.Variable<tf.Rank.R2>;
  readonly qkvBias: tf.Variable<tf.Rank.R1>;
  readonly attentionKernel: tf.Variable<tf.Rank.R2>;
  readonly attentionBias: tf.Variable<tf.Rank.R1>;
  readonly ln2Gain: tf.Variable<tf.Rank.R1>;
  readonly ln2Bias: tf.Variable<tf.Rank.R1>;
  /** MLP up-projection `[d, 4d]`. */
  readonly mlpKernel: tf.Variable<tf.Rank.R2>;
  readonly mlpBias: tf.Variable<tf.Rank.R1>;
  /** MLP down-projection `[4d, d]`. */
  readonly mlpOutKernel: tf.Variable<tf.Rank.R2>;
  readonly mlpOutBias: tf.Variable<tf.Rank.R1>;
}

/** Every variable of a GPT, typed by role (the exporter reads them). */
export interface GptVariables {
  /** Token embedding `[V_in, d]`: `V` rows, plus the mask-token row `V` when not causal. Tied to the output logits. */
  readonly tokenEmbedding: tf.Variable<tf.Rank.R2>;
  /** Learned position embedding `[context, d]`. */
  readonly positionEmbedding: tf.Variable<tf.Rank.R2>;
  readonly blocks: readonly GptBlockVariables[];
  readonly finalGain: tf.Variable<tf.Rank.R1>;
  readonly finalBias: tf.Variable<tf.Rank.R1>;
}

/** A GPT built by {@link createGpt}. */
export interface GptModel {
  readonly config: GptConfig;
  /** Seed of the initial weights. */
  readonly seed: number;
  /**
   * For the trainer: `predict(ids [B, T] int32, T ≤ context)` → logits `[B, T, V]` float32. Ids are not range-checked
   * (that would read them back from the backend): they must lie in `[0, V)`, or `[0, V]` for the denoiser.
   */
  readonly model: TrainableModel;
  /** The variables under their checkpoint names (`model.variables`), in creation order. */
  readonly variables: readonly NamedVariable[];
  /** The same variables by role. */
  readonly weights: GptVariables;
  /** {@link parameterCount} of the configuration. */
  readonly parameterCount: number;
  /** Logits `[B, T, V]` of ids `[B, T]` (int32, T ≤ context): the forward pass, outside training. */
  logits(ids: tf.Tensor2D): tf.Tensor3D;
  /** Logits `[B, V]` of the last position only (the output projection runs on one row per sequence). */
  lastLogits(ids: tf.Tensor2D): tf.Tensor2D;
  /** Releases every variable. */
  dispose(): void;
}

function createVariables(config: GptConfig, init: VariableBuilder): GptVariables {
  const d = config.width;
  const inputRows = config.vocabularySize + (config.causal ? 0 : 1);
  const residualStd = GPT_INIT_STD / Math.sqrt(2 * config.layers);
  const r1 = (v: tf.Variable): tf.Variable<tf.Rank.R1> => v as tf.Variable<tf.Rank.R1>;
  const r2 = (v: tf.Variable): tf.Variable<tf.Rank.R2> => v as tf.Variable<tf.Rank.R2>;
  const tokenEmbedding = r2(init.normal('embedding/tokens', [inputRows, d], GPT_INIT_STD));
  const positionEmbedding = r2(init.normal('embedding/positions', [config.context, d], GPT_INIT_STD));
  const blocks = Array.from({ length: config.layers }, (_, i): GptBlockVariables => {
    const p = `block${i}`;
    return {
      ln1Gain: r1(init.constant(`${p}/ln1/gain`, [d], 1)),
      ln1Bias: r1(init.constant(`${p}/ln1/bias`, [d], 0)),
      qkvKernel: r2(init.normal(`${p}/attention/qkv/kernel`, [d, 3 * d], GPT_INIT_STD)),
      qkvBias: r1(init.constant(`${p}/attention/qkv/bias`, [3 * d], 0)),
      attentionKernel: r2(init.normal(`${p}/attention/output/kernel`, [d, d], residualStd)),
      attentionBias: r1(init.constant(`${p}/attention/output/bias`, [d], 0)),
      ln2Gain: r1(init.constant(`${p}/ln2/gain`, [d], 1)),
      ln2Bias: r1(init.constant(`${p}/ln2/bias`, [d], 0)),
      mlpKernel: r2(init.normal(`${p}/mlp/up/kernel`, [d, 4 * d], GPT_INIT_STD)),
      mlpBias: r1(init.constant(`${p}/mlp/up/bias`, [4 * d], 0)),
      mlpOutKernel: r2(init.normal(`${p}/mlp/down/kernel`, [4 * d, d], residualStd)),
      mlpOutBias: r1(init.constant(`${p}/mlp/down/bias`, [d], 0)),
    };
  });
  const finalGain = r1(init.constant('final-ln/gain', [d], 1));
  const finalBias = r1(init.constant('final-ln/bias', [d], 0));
  return { tokenEmbedding, positionEmbedding, blocks, finalGain, finalBias };
}

/** `[B·T, d]` rows of one head group → `[B, H, T, d_h]`. */
function splitHeads(x: tf.Tensor, batch: number, tokens: number, heads: number): tf.Tensor4D {
  return tf.transpose(tf.reshape<tf.Rank.R4>(x, [batch, tokens, heads, -1]), [0, 2, 1, 3]);
}

function checkIds(ids: tf.Tensor, config: GptConfig): tf.Tensor2D {
  if (ids.rank !== 2) throw new ConfigError('ids', `must be [batch, tokens], got shape [${ids.shape.join(', ')}]`);
  if (ids.dtype !== 'int32') throw new ConfigError('ids', `must be int32 token ids, got ${ids.dtype}`);
  const tokens = ids.shape[1] ?? 0;
  if (tokens < 1 || tokens > config.context) {
    throw new ConfigError('ids', `must have 1 to context (${config.context}) tokens per row, got ${tokens}`);
  }
  return ids as tf.Tensor2D;
}

/** Final hidden states `[B·T, d]` (after the last LayerNorm) of ids `[B, T]`. */
function hiddenStates(config: GptConfig, w: GptVariables, ids: tf.Tensor2D): tf.Tensor2D {
  const [batch, tokens] = ids.shape;
  const d = config.width;
  const tokenRows = tf.gather(w.tokenEmbedding, tf.reshape(ids, [-1]));
  const positions = tf.slice(w.positionEmbedding, [0, 0], [tokens, d]);
  let x = tf.reshape<tf.Rank.R2>(tf.add(tf.reshape(tokenRows, [batch, tokens, d]), positions), [batch * tokens, d]);
  for (const block of w.blocks) {
    const h = layerNorm(x, block.ln1Gain, block.ln1Bias);
    const qkv = dense(h, block.qkvKernel, block.qkvBias);
    const [q, k, v] = tf.split(qkv, 3, 1).map((part) => splitHeads(part, batch, tokens, config.heads)) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    const attended = scaledDotProductAttention(q, k, v, { causal: config.causal });
    const merged = tf.reshape(tf.transpose(attended, [0, 2, 1, 3]), [batch * tokens, d]);
    x = tf.add(x, dense(merged, block.attentionKernel, block.attentionBias));
    const h2 = layerNorm(x, block.ln2Gain, block.ln2Bias);
    const up = geluTanh(dense(h2, block.mlpKernel, block.mlpBias));
    x = tf.add(x, dense(up, block.mlpOutKernel, block.mlpOutBias));
  }
  return layerNorm(x, w.finalGain, w.finalBias) as tf.Tensor2D;
}

/** Tied output projection `h·E[0:V]ᵀ`: `[rows, d]` → `[rows, V]` (the mask-token row never gets a logit). */
function outputLogits(config: GptConfig, w: GptVariables, hidden: tf.Tensor2D): tf.Tensor2D {
  const table = config.causal ? w.tokenEmbedding : tf.slice(w.tokenEmbedding, [0, 0], [config.vocabularySize, config.width]);
  return tf.matMul(hidden, table, false, true);
}

/**
 * Builds a decoder-only GPT (Radford et al., 2019) in the layout of nanoGPT's `model.py` (Karpathy, 2022): token
 * plus learned position embeddings; `layers` pre-LayerNorm blocks `x + Attn(LN(x))`, `x + MLP(LN(x))` with a fused QKV
 * projection, `heads`-head scaled dot-product attention (causal unless `config.causal` is false) and a 4×-wide
 * tanh-GELU MLP; a final LayerNorm; logits tied to the token embedding, `h·Eᵀ` over the `V` real tokens. No dropout.
 *
 * Initialisation (seeded, so the same `seed` gives bitwise the same weights): embeddings and weight matrices
 * N(0, 0.02), the two residual output projections of every block N(0, 0.02/√(2·layers)) (GPT-2), biases 0,
 * LayerNorm gains 1.
 *
 * `causal: false` builds the bidirectional denoiser of masked diffusion (MD4, Shi et al., 2024): no causal mask, and
 * the input embedding has `V + 1` rows, row `V` being the mask token; logits stay over the `V` real tokens.
 *
 * Variable names: `embedding/tokens`, `embedding/positions`, `block<i>/{ln1,ln2}/{gain,bias}`,
 * `block<i>/attention/{qkv,output}/{kernel,bias}`, `block<i>/mlp/{up,down}/{kernel,bias}`, `final-ln/{gain,bias}`.
 * @throws ConfigError naming the field of an invalid configuration or a non-integer seed.
 */
export function createGpt(config: GptConfig, seed: number): GptModel {
  const checked = checkGptConfig(config);
  const frozen: GptConfig = Object.freeze({ ...checked });
  const init = new VariableBuilder(SeededRandom.fromSeed(seed, 'gpt-init'));
  const weights = createVariables(frozen, init);
  const forward = (inputs: ModelInputs): tf.Tensor3D => {
    if (!isSingleInput(inputs)) throw new ConfigError('inputs', 'the GPT takes one int32 tensor of token ids [batch, tokens]');
    const ids = checkIds(inputs, frozen);
    return tf.tidy(() => {
      const [batch, tokens] = ids.shape;
      return tf.reshape(outputLogits(frozen, weights, hiddenStates(frozen, weights, ids)), [batch, tokens, frozen.vocabularySize]);
    });
  };
  const model = fromVariables({ variables: init.variables, forward });
  return {
    config: frozen,
    seed,
    model,
    variables: model.variables,
    weights,
    parameterCount: parameterCount(frozen),
    logits: (ids) => forward(ids),
    lastLogits(ids: tf.Tensor2D): tf.Tensor2D {
      const checkedIds = checkIds(ids, frozen);
      return tf.tidy(() => {
        const [batch, tokens] = checkedIds.shape;
        const hidden = tf.reshape(hiddenStates(frozen, weights, checkedIds), [batch, tokens, frozen.width]);
        const last = tf.reshape<tf.Rank.R2>(tf.slice(hidden, [0, tokens - 1, 0], [batch, 1, frozen.width]), [batch, frozen.width]);
        return outputLogits(frozen, weights, last);
      });
    },
    dispose: () => init.dispose(),
  };
}
