import { classBalancedWeights, sigmoidCrossEntropy, sigmoidFocalLoss } from '@counterweight/core-losses';
import type { LossFunction } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

/** The training objectives compared side by side. */
export const RECIPE_NAMES = ['ce', 'cb-ce', 'focal', 'cb-focal'] as const;
export type RecipeName = (typeof RECIPE_NAMES)[number];

export interface Recipe {
  readonly name: RecipeName;
  readonly description: string;
  /** Builds the loss from the training set's class counts `[negatives, positives]`. */
  loss(classCounts: readonly [number, number]): LossFunction;
}

/** Per-sample weight `w_{y}` from a class-weight pair, for 0/1 targets. */
function sampleWeightsOf(targets: tf.Tensor, classWeights: readonly number[]): tf.Tensor {
  const [negative = 1, positive = 1] = classWeights;
  return tf.add(tf.mul(targets, positive), tf.mul(tf.sub(1, targets), negative));
}

const BETA = 0.9999;

export const RECIPES: Readonly<Record<RecipeName, Recipe>> = {
  ce: {
    name: 'ce',
    description: 'plain sigmoid cross-entropy (the baseline)',
    loss: () => ({ targets, predictions: logits }) => sigmoidCrossEntropy(targets, logits, { reduction: 'mean', validate: false }) as tf.Scalar,
  },
  'cb-ce': {
    name: 'cb-ce',
    description: `sigmoid cross-entropy with class-balanced weights (Cui et al. 2019, β = ${BETA})`,
    loss: (counts) => {
      const { weights } = classBalancedWeights(counts, { beta: BETA });
      return ({ targets, predictions: logits }) =>
        sigmoidCrossEntropy(targets, logits, {
          reduction: 'mean',
          weights: sampleWeightsOf(targets, weights),
          validate: false,
        }) as tf.Scalar;
    },
  },
  focal: {
    name: 'focal',
    description: 'sigmoid focal loss (Lin et al. 2017; α = 0.25, γ = 2, torchvision defaults)',
    loss: () => ({ targets, predictions: logits }) => sigmoidFocalLoss(targets, logits, { reduction: 'mean', validate: false }) as tf.Scalar,
  },
  'cb-focal': {
    name: 'cb-focal',
    description: `class-balanced focal loss (Cui et al. 2019: γ = 2, no α, class-balanced weights, β = ${BETA})`,
    loss: (counts) => {
      const { weights } = classBalancedWeights(counts, { beta: BETA });
      return ({ targets, predictions: logits }) =>
        sigmoidFocalLoss(targets, logits, {
          alpha: null,
          reduction: 'mean',
          weights: sampleWeightsOf(targets, weights),
          validate: false,
        }) as tf.Scalar;
    },
  },
};

/** Parses a comma-separated recipe list, naming an unknown recipe and listing the known ones. */
export function parseRecipes(text: string): RecipeName[] {
  const names = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw new RangeError('--recipes: give at least one recipe');
  for (const name of names) {
    if (!(RECIPE_NAMES as readonly string[]).includes(name)) {
      throw new RangeError(`--recipes: unknown recipe "${name}"; known: ${RECIPE_NAMES.join(', ')}`);
    }
  }
  return [...new Set(names)] as RecipeName[];
}
