import type { Dataset } from './dataset.js';

/**
 * The TinyStories sample the shared data holds: `s-ajaykumar/smallGPT`'s `data/tiny_stories.txt` at the commit
 * SOURCES.md §3 names (the first 1,102 stories of the `roneneldan/TinyStories` train split).
 */
export const TINYSTORIES_URL = 'https://raw.githubusercontent.com/s-ajaykumar/smallGPT/b8b899265a5574abd2c19d8857039309184a357c/data/tiny_stories.txt';

/**
 * TinyStories, the sample `llm-reweighting` reads (Eldan & Li 2023): one 944,426-byte text file, checked by
 * SOURCES.md §3's `sha256(raw)`.
 */
export const TINYSTORIES: Dataset = {
  name: 'tinystories',
  title: 'TinyStories (first 1,102 train stories)',
  folder: 'tinystories-sample',
  origin: 'Eldan & Li (2023), arXiv:2305.07759; Hugging Face roneneldan/TinyStories',
  licence: 'CDLA-Sharing-1.0',
  usedBy: ['llm-reweighting'],
  files: [
    {
      name: 'tiny_stories.txt',
      check: { sha256: 'c56cfd24fb1c542b141a396184b822a4db3672abdb4c49c6aa843171c5e822a5', size: 944_426 },
      sources: [{ url: TINYSTORIES_URL }],
    },
  ],
  localCopies: [{ kind: 'shared' }],
};
