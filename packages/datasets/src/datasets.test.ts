import { sharedDataDir } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { localCopyPath, localCopyPlaces } from './data-locations.js';
import { DATASETS, DATASET_NAMES, selectDatasets } from './datasets.js';
import { verifyFile } from './file-content.js';

describe('the data set registry', () => {
  it('knows the six data sets the apps use, each with canonical https sources for every file', () => {
    expect(DATASET_NAMES).toEqual(['fashion-mnist', 'beijing-multisite', 'open-bandit', 'bank-marketing', 'tinyshakespeare', 'tinystories']);
    for (const dataset of DATASETS) {
      expect(dataset.files.length).toBeGreaterThan(0);
      for (const file of dataset.files) {
        expect(file.sources.length).toBeGreaterThan(0);
        const first = file.sources[0];
        const url = first !== undefined && 'url' in first ? first.url : first?.archive.url;
        expect(url).toMatch(/^https?:\/\//);
      }
    }
    expect(DATASETS.reduce((n, d) => n + d.files.length, 0)).toBe(4 + 12 + 12 + 2 + 1 + 1);
  });

  it('has checksums that hold for the real local copies (shared data, Debian package, embedded copy): every file but the two all.csv logs', async () => {
    let verified = 0;
    const problems: string[] = [];
    for (const dataset of DATASETS) {
      for (const place of localCopyPlaces(dataset)) {
        expect(place.reason).toBeUndefined();
        for (const file of dataset.files.filter((f) => f.local !== false)) {
          const problem = await verifyFile(localCopyPath(place, file) ?? '', file.check);
          if (problem === undefined) verified += 1;
          else problems.push(problem);
        }
      }
    }
    expect(problems).toEqual([]);
    // 4 Debian + 12 Beijing + 10 Open Bandit + 2 bank + 2 TinyShakespeare (shared, embedded) + 1 TinyStories
    expect(verified).toBe(31);
    expect(localCopyPlaces(DATASETS[1] ?? DATASETS[0]!)[0]?.dir).toBe(`${sharedDataDir()}/beijing-multisite-air-quality`);
  });

  it('selects by name or all, and names the known data sets for an unknown one', () => {
    expect(selectDatasets(['tinystories', 'fashion-mnist', 'tinystories']).map((d) => d.name)).toEqual(['fashion-mnist', 'tinystories']);
    expect(selectDatasets(['all'])).toBe(DATASETS);
    expect(() => selectDatasets(['mnist'])).toThrow(
      'dataset: unknown data set "mnist"; known: fashion-mnist, beijing-multisite, open-bandit, bank-marketing, tinyshakespeare, tinystories (or all)',
    );
    expect(() => selectDatasets([])).toThrow(/^dataset: name at least one data set, or all; known: fashion-mnist, /);
  });
});
