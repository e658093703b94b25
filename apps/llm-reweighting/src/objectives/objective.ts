import type { LossFunction } from '@counterweight/runtime';

import type { WeightRecorder } from './weight-recorder.js';

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
  /**
   * Loss-based reweighting only (added by the objectives helper): samples the per-sequence weights of training steps
   * for the report (`recorder.drain()` returns and clears what was recorded, with absolute global steps).
   */
  readonly recorder?: WeightRecorder;
  /** The loss of the training step at `globalStep` (0-based): objectives with a warm-up change with it. */
  loss(globalStep: number): LossFunction<string>;
}
