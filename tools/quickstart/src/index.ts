export { EMBEDDED_DATA, FEATURE_NAMES, loadBankSplit, readBankRows, splitBankRows, type BankRows, type BankSplit } from './data.js';
export { createMlp } from './model.js';
export { RECIPES, RECIPE_NAMES, parseRecipes, type Recipe, type RecipeName } from './recipes.js';
export { quickstartRunner, runOne, type QuickstartRunResult, type QuickstartSettings, type QuickstartTask } from './run-one.js';
export { runQuickstart, type QuickstartOptions, type QuickstartResult, type RecipeResult } from './run.js';
