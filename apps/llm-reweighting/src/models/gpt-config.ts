/**
 * The size of a GPT-style decoder (Radford et al., 2019; the nanoGPT layout): token and learned position
 * embeddings, `layers` pre-LayerNorm blocks (causal multi-head self-attention with `heads` heads, MLP 4× width with
 * tanh-GELU), a final LayerNorm and output logits tied to the token embedding.
 */
export interface GptConfig {
  /** Output classes (the tokenizer's vocabulary size). */
  readonly vocabularySize: number;
  readonly layers: number;
  readonly heads: number;
  /** Model width d (a multiple of `heads`). */
  readonly width: number;
  /** Context length: positions the model sees. */
  readonly context: number;
  /**
   * `true` (default) for the causal language model; `false` for the bidirectional denoiser of masked diffusion
   * (MD4), whose input embedding has one extra row, the mask token with id `vocabularySize`.
   */
  readonly causal: boolean;
}

/** nanoGPT's CPU configuration for TinyShakespeare characters (`config/train_shakespeare_char.py`, CPU comments). */
export const NANOGPT_CPU_CONFIG: Omit<GptConfig, 'vocabularySize'> = { layers: 4, heads: 4, width: 128, context: 64, causal: true };
