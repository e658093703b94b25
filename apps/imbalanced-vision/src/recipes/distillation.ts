import { dualHeadBinaryKL, softmaxCrossEntropy } from '@counterweight/core-losses';
import { withExtras, type LossFunction, type LossInputs } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import { splitDualHeadLogits } from '../models/vision-model.js';
import type { Recipe, RecipeContext, VisionExtra } from './recipe.js';
import { warmupCosine } from './schedule.js';
import { SINGLE_LABEL_BATCH } from './single-label.js';

/** Weight α of the auxiliary head's distillation term (DHKD's CIFAR setting). */
export const DHKD_ALPHA = 1;
/** Temperature of BinaryKL-Norm (DHKD's `--BinaryKL_T`). */
export const DHKD_TEMPERATURE = 2;

/**
 * Learning rate at batch 128: DHKD's 0.05 for batch-norm backbones (the resnet); 0.03 for the cnn, which has no
 * batch norm and diverges at 0.1 under the summed BinaryKL term. Measured on a Fashion-MNIST-LT split (200 head images,
 * ρ = 10, 4 epochs, teacher: the `ce` run at 58.7 %): lr 0.1 diverged (loss 7.8 → 47.5, accuracy 10 %), 0.03 reached
 * 50.7 %, 0.01 25.7 %.
 */
export function dhkdLearningRate(context: RecipeContext): number {
  return ((context.batchNormBackbone ? 0.05 : 0.03) * SINGLE_LABEL_BATCH) / 128;
}

/**
 * The DHKD objective on a dual-head student: targets `[B]` the class ids, the extra column `teacher` `[B, C]` the
 * teacher's logits; predictions `[B, 2C]` the main and auxiliary heads' logits.
 * `CE(y, z_main) + α·BinaryKL-Norm_T(z_teacher, z_aux)`: labels train the main head only, the teacher trains the
 * auxiliary head only; both train the shared backbone.
 */
export function dualHeadDistillationLoss(context: RecipeContext): LossFunction<VisionExtra> {
  const C = context.numClasses;
  return withExtras({ lossName: 'dhkd', extras: ['teacher'] }, ({ targets: labels, predictions, extras: { teacher } }: LossInputs<VisionExtra>) =>
    tf.tidy(() => {
      const { main, auxiliary } = splitDualHeadLogits(predictions, C);
      const ce = softmaxCrossEntropy(labels, main, { validate: false }) as tf.Scalar;
      const kd = dualHeadBinaryKL(teacher, auxiliary, { temperature: DHKD_TEMPERATURE, validate: false }) as tf.Scalar;
      return tf.add<tf.Scalar>(ce, tf.mul(kd, DHKD_ALPHA));
    }),
  );
}

/**
 * Dual-Head Knowledge Distillation (Yang et al. 2024): a student with a second, non-linear head that alone is trained
 * towards the teacher's logits (BinaryKL-Norm, T = 2, α = 1), while the main head learns from the labels with plain
 * cross-entropy; test time uses the main head. The teacher is an ONNX file (`compare --teacher`), for example a model
 * of another recipe exported with `imbalanced-vision export`; its logits are computed with onnxruntime-node on each
 * epoch's augmented images.
 */
export const DISTILLATION_RECIPES: readonly Recipe[] = [
  {
    name: 'dhkd',
    task: 'single-label',
    description: `dual-head distillation: main head cross-entropy, auxiliary MLP head BinaryKL-Norm to the teacher (T = ${DHKD_TEMPERATURE}, α = ${DHKD_ALPHA})`,
    reference: 'Yang, Zong, Huang, Feng, An 2024, penghui-yang/DHKD (`distiller_zoo/BinaryKLNorm.py`)',
    head: 'linear',
    auxiliaryHead: 'mlp',
    needsTeacher: true,
    stages: (context) => {
      const learningRate = dhkdLearningRate(context);
      const optimizer = { name: 'momentum' as const, learningRate, momentum: 0.9 };
      return [
        {
          name: 'train',
          epochs: context.epochs,
          loss: dualHeadDistillationLoss(context),
          trainable: 'all',
          optimizer,
          schedule: warmupCosine(context, optimizer.learningRate),
        },
      ];
    },
  },
];
