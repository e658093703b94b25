import { FASHION_MNIST, datasetDir, defaultDataDir } from '@counterweight/datasets';
import { describe, expect, it } from 'vitest';

import { defaultFetchDir } from './default-fetch-dir.js';

describe('defaultFetchDir', () => {
  it.each([{ XDG_CACHE_HOME: '/x/cache' }, { XDG_CACHE_HOME: '' }, {}])('is the Fashion-MNIST folder of @counterweight/datasets (%o)', (env) => {
    expect(defaultFetchDir(env)).toBe(datasetDir(FASHION_MNIST, defaultDataDir(env)));
  });
});
