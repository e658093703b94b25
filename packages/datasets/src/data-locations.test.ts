import { join } from 'node:path';

import { repositoryRoot, sharedDataDir } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { datasetDir, defaultDataDir, localCopyPath, localCopyPlace, localCopyPlaces } from './data-locations.js';
import { FASHION_MNIST } from './fashion-mnist.js';
import { OPEN_BANDIT } from './open-bandit.js';
import { TINYSHAKESPEARE } from './tinyshakespeare.js';

describe('data locations', () => {
  it('put downloads under the XDG cache, one folder per data set named as in the shared data', () => {
    expect(defaultDataDir({ XDG_CACHE_HOME: '/c' })).toBe('/c/counterweight/data');
    expect(defaultDataDir({ XDG_CACHE_HOME: '', HOME: '/h' })).toMatch(/\/\.cache\/counterweight\/data$/);
    expect(datasetDir(OPEN_BANDIT, '/d')).toBe('/d/open-bandit-dataset');
  });

  it('resolve the local copies: shared data (gzipped), Debian’s folder, the repository’s embedded copy', () => {
    const [shared, embedded] = localCopyPlaces(TINYSHAKESPEARE);
    expect(shared).toEqual({ label: 'shared data', dir: join(sharedDataDir(), 'tinyshakespeare'), suffix: '.gz' });
    expect(embedded).toEqual({ label: 'copy in the repository', dir: join(repositoryRoot(), 'apps/llm-reweighting/data/tinyshakespeare'), suffix: '.gz' });
    const file = OPEN_BANDIT.files[0];
    expect(file).toBeDefined();
    if (file !== undefined) {
      expect(localCopyPath(localCopyPlaces(OPEN_BANDIT, { sharedDir: '/s' })[0] ?? { label: '', suffix: '' }, file)).toBe('/s/open-bandit-dataset/random/men/men.csv.gz');
    }
    expect(localCopyPlaces(FASHION_MNIST)).toEqual([
      { label: 'Debian package dataset-fashion-mnist', dir: '/usr/share/datasets/fashion-mnist', suffix: '', hint: 'apt-get install dataset-fashion-mnist' },
    ]);
  });

  it('say why the shared data is unavailable instead of throwing', () => {
    const place = localCopyPlace(OPEN_BANDIT, { kind: 'shared' }, { env: { COUNTERWEIGHT_SHARED_DATA: '/nonexistent/shared' } });
    expect(place.dir).toBeUndefined();
    expect(place.reason).toBe('COUNTERWEIGHT_SHARED_DATA: "/nonexistent/shared" is not a directory');
  });
});
