import type { Recipe } from './recipe.js';

/**
 * The names of the recipes of each task, in the order of `RECIPES` — without their tfjs losses, so the command line
 * can list them in its help without loading tfjs. `recipe-names.test.ts` holds it equal to `RECIPES`.
 */
export const RECIPE_NAMES: Readonly<Record<Recipe['task'], readonly string[]>> = {
  'single-label': ['ce', 'cb-ce', 'cb-focal', 'focal', 'ldam-drw', 'la-loss', 'la-posthoc', 'vs', 'wb-two-stage', 'wb-one-stage', 'ce-sam', 'ldam-drw-sam', 'dhkd'],
  'multi-label': ['bce', 'focal-ml', 'asl'],
};
