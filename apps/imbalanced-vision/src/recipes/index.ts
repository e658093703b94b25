import { DISTILLATION_RECIPES } from './distillation.js';
import { MULTI_LABEL_RECIPES } from './multi-label.js';
import type { Recipe } from './recipe.js';
import { SINGLE_LABEL_RECIPES } from './single-label.js';

export { DHKD_ALPHA, DHKD_TEMPERATURE, DISTILLATION_RECIPES, dhkdLearningRate, dualHeadDistillationLoss } from './distillation.js';
export { MULTI_LABEL_BATCH, MULTI_LABEL_RECIPES } from './multi-label.js';
export type { Recipe, RecipeContext, TrainingStage, VisionExtra } from './recipe.js';
export { REFERENCE_BATCH, drwEpoch, sgdMomentum, warmupCosine } from './schedule.js';
export { SINGLE_LABEL_BATCH, SINGLE_LABEL_RECIPES } from './single-label.js';

/** Every recipe by name. */
export const RECIPES: ReadonlyMap<string, Recipe> = new Map([...SINGLE_LABEL_RECIPES, ...DISTILLATION_RECIPES, ...MULTI_LABEL_RECIPES].map((r) => [r.name, r]));

/**
 * Parses a comma-separated recipe list.
 * @throws RangeError naming the unknown recipe and listing the known ones of the task, or mixing tasks.
 */
export function parseRecipes(text: string, task?: Recipe['task']): Recipe[] {
  const names = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw new RangeError('--recipes: give at least one recipe');
  const known = [...RECIPES.values()].filter((r) => task === undefined || r.task === task);
  const recipes = names.map((name) => {
    const recipe = RECIPES.get(name);
    if (recipe === undefined || (task !== undefined && recipe.task !== task)) {
      throw new RangeError(`--recipes: unknown ${task ?? ''} recipe "${name}"; known: ${known.map((r) => r.name).join(', ')}`.replace('  ', ' '));
    }
    return recipe;
  });
  const tasks = new Set(recipes.map((r) => r.task));
  if (tasks.size > 1) throw new RangeError('--recipes: single-label and multi-label recipes cannot be compared in one run');
  return [...new Map(recipes.map((r) => [r.name, r])).values()];
}
