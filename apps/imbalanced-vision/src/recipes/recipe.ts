import type { LossFunction, LrScheduleConfig, OptimizerConfig, WeightPerturbation } from '@counterweight/runtime';
import type * as tf from '@tensorflow/tfjs-core';

/** What a recipe needs to know about the training split to build its objective. */
export interface RecipeContext {
  readonly numClasses: number;
  /** Training images per class (single-label) or positives per class (multi-label), in class-id order. */
  readonly classCounts: readonly number[];
  /** Total epochs of the run (the recipe scales its schedule to it). */
  readonly epochs: number;
  /** Training batches per epoch (for step-based schedules). */
  readonly stepsPerEpoch: number;
  /**
   * Whether the backbone normalises its activations (batch norm: the `resnet`; not the `cnn`). Scale-invariant
   * backbones tolerate the papers' learning rates with large logit scales (LDAM's s = 30); see `ldamLearningRate`.
   */
  readonly batchNormBackbone: boolean;
}

/**
 * The side inputs a recipe's loss may read, extra columns of the training rows: `teacher`, a teacher's logits `[C]`
 * per image (distillation).
 */
export type VisionExtra = 'teacher';

/** The classifier head a recipe trains with. */
export type HeadKind = 'linear' | 'cosine' | 'etf';

/** One `train()` call of a recipe. Most recipes have one stage; two-stage weight balancing has two. */
export interface TrainingStage {
  readonly name: string;
  readonly epochs: number;
  /** The stage's objective; it may read the `teacher` extra column ({@link VisionExtra}). */
  readonly loss: LossFunction<VisionExtra>;
  /** Objective per epoch of this stage (0-based within the stage), e.g. DRW's switch to class-balanced weights. */
  readonly lossAtEpoch?: (epoch: number) => LossFunction<VisionExtra>;
  /** `classifier`: only the head's kernel and bias are trained (weight balancing's second stage). */
  readonly trainable: 'all' | 'classifier';
  readonly optimizer: OptimizerConfig;
  readonly schedule?: LrScheduleConfig;
  readonly weightPerturbation?: WeightPerturbation;
  /** L2 penalty `λ/2·Σ‖W‖²` over the trained variables, added to the loss (weight decay as a loss term). */
  readonly weightDecay?: number;
  /** Penultimate feature-norm penalty `λ·mean‖h‖²/2` (Hasegawa & Sato 2024). */
  readonly featureNormPenalty?: number;
  /** Project the classifier's class vectors with MaxNorm after every epoch (threshold fixed at the stage start). */
  readonly maxNorm?: boolean;
}

/** A named training configuration, compared side by side with the others on the same split and seeds. */
export interface Recipe {
  readonly name: string;
  readonly task: 'single-label' | 'multi-label';
  /** One line for the report. */
  readonly description: string;
  /** Paper and reference implementation the settings follow. */
  readonly reference: string;
  readonly head: HeadKind;
  /** Initialise the classifier bias to `−log(C − 1)` (the class-balanced sigmoid/focal losses' prior). */
  readonly priorBias?: boolean;
  /** Auxiliary head of Dual-Head KD (`predict` then returns main ‖ auxiliary logits `[B, 2C]`). */
  readonly auxiliaryHead?: 'linear' | 'mlp';
  /**
   * Trains against a teacher's logits: the training rows then carry the teacher's `C` logits for the same (augmented)
   * image as the extra column `teacher` (`[C]` per row); the targets stay the class ids.
   */
  readonly needsTeacher?: boolean;
  stages(context: RecipeContext): readonly TrainingStage[];
  /** Test-time transform of the logits (post-hoc logit adjustment, weight balancing's logit scaling). */
  posthoc?(logits: tf.Tensor, context: RecipeContext): tf.Tensor;
}
