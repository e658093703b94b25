import { defaultDataDir } from '@counterweight/datasets';
import { describe, expect, it } from 'vitest';

import { defaultCtrFetchDir } from './fetch-dir.js';

describe('defaultCtrFetchDir', () => {
  it('is the data directory of @counterweight/datasets, which it computes without loading that package', () => {
    for (const env of [{ XDG_CACHE_HOME: '/c' }, { XDG_CACHE_HOME: '', HOME: '/h' }, {}]) {
      expect(defaultCtrFetchDir(env)).toBe(defaultDataDir(env));
    }
    expect(defaultCtrFetchDir({ XDG_CACHE_HOME: '/c' })).toBe('/c/counterweight/data');
  });
});
