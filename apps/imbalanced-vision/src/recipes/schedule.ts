import type { LrScheduleConfig, OptimizerConfig } from '@counterweight/runtime';

import type { RecipeContext } from './recipe.js';

/** Batch size the recipes' learning rates are stated for (the CIFAR-LT papers' 128). */
export const REFERENCE_BATCH = 128;

/**
 * SGD with momentum 0.9 at the papers' base rate 0.1 (LDAM-DRW, VS, logit adjustment, SAM-LT all use it for
 * ResNet-32 at batch 128), scaled linearly with the batch size.
 */
export function sgdMomentum(batchSize: number): OptimizerConfig {
  return { name: 'momentum', learningRate: (0.1 * batchSize) / REFERENCE_BATCH, momentum: 0.9 };
}

/**
 * The papers' 200-epoch schedule scaled to `epochs`: linear warm-up over the first 2.5 % of the steps (5 of 200
 * epochs) but at least one epoch, then a half cosine to 0. (The papers step the rate down ×0.01 at 80 % and ×0.0001
 * at 90 % of training; a cosine reaches the same low rates late in training without the jumps, which matters for
 * schedules of 10–30 epochs. Every recipe uses the same schedule, so the comparison stays fair.)
 */
export function warmupCosine(context: RecipeContext, learningRate: number, epochs = context.epochs): LrScheduleConfig {
  const totalSteps = Math.max(1, epochs * context.stepsPerEpoch);
  const warmupSteps = Math.min(totalSteps, Math.max(context.stepsPerEpoch, Math.round(0.025 * totalSteps)));
  return { kind: 'warmup-cosine', learningRate, warmupSteps, totalSteps };
}

/** The epoch at which deferred re-weighting starts: 80 % of training (epoch 160 of 200 in LDAM-DRW). */
export function drwEpoch(epochs: number): number {
  return Math.max(1, Math.min(epochs - 1, Math.round(0.8 * epochs)));
}
