import { ConfigError } from '@counterweight/runtime';

import { RECIPES, type RecipeContext } from '../recipes/index.js';
import type { StepConfig } from './training-throughput.js';

/** The recipe whose step is the baseline of every ratio: plain softmax cross-entropy, SGD with momentum. */
export const BASELINE_RECIPE = 'ce';

/**
 * Recipes whose training step the benchmark compares with {@link BASELINE_RECIPE}: LDAM (`ldamLoss`), logit-adjusted
 * cross-entropy (`logitAdjustedLoss`), class-balanced focal loss (`classBalancedLoss`, `lossType: 'focal'`), the VS
 * loss (`vsLoss`) and cross-entropy with SAM (ρ = 0.1).
 */
export const COMPARED_RECIPES = ['ldam-drw', 'la-loss', 'cb-focal', 'vs', 'ce-sam'] as const;

/**
 * The first training stage of each named recipe as a {@link StepConfig}: the recipe's own loss, optimiser (SGD with
 * momentum) and weight perturbation, built for `context` — the same objects the comparison trains with. Only the step
 * is taken; heads, schedules and deferred re-weighting are not (LDAM-DRW's loss before its switch is plain LDAM).
 * @throws ConfigError naming an unknown or multi-label recipe.
 */
export function recipeStepConfigs(names: readonly string[], context: RecipeContext): StepConfig[] {
  return names.map((name) => {
    const recipe = RECIPES.get(name);
    if (recipe === undefined || recipe.task !== 'single-label') {
      throw new ConfigError('recipe', `"${name}" is not a single-label recipe`);
    }
    const stage = recipe.stages(context)[0];
    if (stage === undefined) throw new ConfigError('recipe', `"${name}" has no training stage`);
    return {
      name,
      description: recipe.description,
      loss: stage.loss,
      optimizer: stage.optimizer,
      ...(stage.weightPerturbation === undefined ? {} : { weightPerturbation: stage.weightPerturbation }),
    };
  });
}
