import type { LossFunction } from '@counterweight/runtime';

/**
 * One training objective of a language model: the loss the trainer minimises, given the model's logits `[B, T, V]`
 * and the targets `[B, T]` (`-100` = not scored). Side inputs travel as named extra columns of the data set.
 */
export interface LmObjective {
  /** Method name as the CLI and the report show it (e.g. `uniform`, `linupper`, `ntl-was`). */
  readonly name: string;
  readonly description: string;
  /** Authors and year of the paper (and the reference file) the objective follows. */
  readonly reference: string;
  /** `false` for masked diffusion: the model is bidirectional and the inputs are masked by the data. */
  readonly causal: boolean;
  /** The loss of the training step at `globalStep` (0-based): objectives with a warm-up change with it. */
  loss(globalStep: number): LossFunction<string>;
}
