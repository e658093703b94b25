import { asymmetricLoss, sigmoidCrossEntropy, sigmoidFocalLoss } from '@counterweight/core-losses';
import type { LossFunction } from '@counterweight/runtime';
import type * as tf from '@tensorflow/tfjs-core';

import type { Recipe, RecipeContext, TrainingStage } from './recipe.js';
import { warmupCosine } from './schedule.js';

/** Batch size of the multi-label recipes. */
export const MULTI_LABEL_BATCH = 64;

const scalar = (t: tf.Tensor): tf.Scalar => t as tf.Scalar;

/** Adam, lr 1e-3 (ASL trains with Adam; its loss is a sum, to which Adam's update is insensitive). */
function adamStage(context: RecipeContext, loss: LossFunction): TrainingStage {
  const learningRate = 1e-3;
  return {
    name: 'train',
    epochs: context.epochs,
    loss,
    trainable: 'all',
    optimizer: { name: 'adam', learningRate },
    schedule: warmupCosine(context, learningRate),
  };
}

/** The multi-label recipes (targets are multi-hot `[B, C]`). */
export const MULTI_LABEL_RECIPES: readonly Recipe[] = [
  {
    name: 'bce',
    task: 'multi-label',
    description: 'binary cross-entropy per class (the baseline)',
    reference: 'PyTorch `binary_cross_entropy_with_logits`',
    head: 'linear',
    stages: (context) => [adamStage(context, ({ targets: t, predictions: z }) => scalar(sigmoidCrossEntropy(t, z, { validate: false })))],
  },
  {
    name: 'focal-ml',
    task: 'multi-label',
    description: 'sigmoid focal loss, α = 0.25, γ = 2 (torchvision defaults), mean over elements',
    reference: 'Lin et al. 2017, torchvision.ops.sigmoid_focal_loss',
    head: 'linear',
    stages: (context) => [adamStage(context, ({ targets: t, predictions: z }) => scalar(sigmoidFocalLoss(t, z, { reduction: 'mean', validate: false })))],
  },
  {
    name: 'asl',
    task: 'multi-label',
    description: 'asymmetric loss, γ+ = 0, γ− = 4, clip 0.05 (the paper’s setting), summed as the reference',
    reference: 'Ridnik et al. 2021, Alibaba-MIIL/ASL (`train.py`)',
    head: 'linear',
    stages: (context) => [adamStage(context, ({ targets: t, predictions: z }) => scalar(asymmetricLoss(t, z, { validate: false })))],
  },
];
