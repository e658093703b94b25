import { describe, expect, it } from 'vitest';

import type { FileResult } from './fetch-dataset.js';
import { formatResultsTable, summarizeResults } from './results-table.js';

const results: FileResult[] = [
  { dataset: 'tinystories', file: 'tiny_stories.txt', outcome: 'downloaded', path: '/d/tinystories-sample/tiny_stories.txt', url: 'https://x/tiny_stories.txt', failures: [] },
  { dataset: 'beijing-multisite', file: 'a.csv', outcome: 'cached', path: '/d/b/a.csv', failures: [] },
  { dataset: 'open-bandit', file: 'bts/all/all.csv', outcome: 'missing', failures: ['https://x/all.csv: HTTP 404 Not Found', 'no local copy holds this file'] },
  { dataset: 'tinyshakespeare', file: 'input.txt', outcome: 'local', path: '/s/input.txt.gz', localCopy: 'shared data', failures: ['https://y: timed out after 1 s'] },
];

describe('formatResultsTable and summarizeResults', () => {
  it('align one row per file with where it is, or every reason it is missing, and count the outcomes', () => {
    expect(formatResultsTable(results)).toBe(
      [
        'data set           file              result      where (or why missing)',
        'tinystories        tiny_stories.txt  downloaded  /d/tinystories-sample/tiny_stories.txt (from https://x/tiny_stories.txt)',
        'beijing-multisite  a.csv             cached      /d/b/a.csv',
        'open-bandit        bts/all/all.csv   MISSING     https://x/all.csv: HTTP 404 Not Found; no local copy holds this file',
        'tinyshakespeare    input.txt         local copy  /s/input.txt.gz (shared data; not downloaded: timed out after 1 s)',
        '',
      ].join('\n'),
    );
    expect(summarizeResults(results)).toBe('4 files: 3 available and verified (1 downloaded, 1 cached, 1 from local copies), 1 missing');
    expect(summarizeResults(results.slice(0, 1))).toBe('1 file: 1 available and verified (1 downloaded, 0 cached, 0 from local copies), 0 missing');
  });
});
