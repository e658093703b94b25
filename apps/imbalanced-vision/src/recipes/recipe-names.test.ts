import { describe, expect, it } from 'vitest';

import { RECIPES } from './index.js';
import { RECIPE_NAMES } from './recipe-names.js';

describe('RECIPE_NAMES', () => {
  it('lists every recipe of each task, in the order of RECIPES', () => {
    const byTask = (task: keyof typeof RECIPE_NAMES): string[] => [...RECIPES.values()].filter((r) => r.task === task).map((r) => r.name);
    expect(RECIPE_NAMES).toEqual({ 'single-label': byTask('single-label'), 'multi-label': byTask('multi-label') });
  });
});
