export { EMBEDDED_DATA, FEATURE_NAMES, loadBankSplit, type BankSplit } from './data.js';
export { createMlp } from './model.js';
export { RECIPES, RECIPE_NAMES, parseRecipes, type Recipe, type RecipeName } from './recipes.js';
export { runQuickstart, type QuickstartOptions, type QuickstartResult, type RecipeResult } from './run.js';
