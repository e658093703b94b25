import { BEIJING_MULTISITE, datasetDir, defaultDataDir } from '@counterweight/datasets';
import { describe, expect, it } from 'vitest';

import { BEIJING_FETCH_FOLDER, defaultAirPollutionFetchDir } from './fetch-dir.js';

describe('defaultAirPollutionFetchDir', () => {
  it('is the Beijing folder @counterweight/datasets downloads to, whatever the cache variable says', () => {
    expect(BEIJING_FETCH_FOLDER).toBe(BEIJING_MULTISITE.folder);
    for (const env of [{}, { XDG_CACHE_HOME: '' }, { XDG_CACHE_HOME: '/c' }, { XDG_CACHE_HOME: '/var/cache/x' }]) {
      expect(defaultAirPollutionFetchDir(env), JSON.stringify(env)).toBe(datasetDir(BEIJING_MULTISITE, defaultDataDir(env)));
    }
  });
});
