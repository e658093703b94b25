import type { Dataset } from './dataset.js';

/** Karpathy's char-rnn TinyShakespeare at the commit SOURCES.md §2 names. */
export const TINYSHAKESPEARE_URL = 'https://raw.githubusercontent.com/karpathy/char-rnn/6f9487a6fe5b420b7ca9afb0d7c078e37c1d1b4e/data/tinyshakespeare/input.txt';

/** `llm-reweighting`'s embedded copy, relative to the repository root (`input.txt.gz`). */
export const EMBEDDED_TINYSHAKESPEARE_FOLDER = 'apps/llm-reweighting/data/tinyshakespeare';

/**
 * TinyShakespeare (Karpathy's char-rnn, 2015): one 1,115,394-byte text file, checked by SOURCES.md §2's
 * `sha256(raw)`. Local copies: the shared data, then `llm-reweighting`'s embedded copy (the same bytes, verified).
 */
export const TINYSHAKESPEARE: Dataset = {
  name: 'tinyshakespeare',
  title: 'TinyShakespeare',
  folder: 'tinyshakespeare',
  origin: 'Andrej Karpathy, char-rnn (2015); text by William Shakespeare',
  licence: 'public domain text (char-rnn repository: MIT)',
  usedBy: ['llm-reweighting'],
  files: [
    {
      name: 'input.txt',
      check: { sha256: '86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed', size: 1_115_394 },
      sources: [{ url: TINYSHAKESPEARE_URL }],
    },
  ],
  localCopies: [{ kind: 'shared' }, { kind: 'repository', path: EMBEDDED_TINYSHAKESPEARE_FOLDER, suffix: '.gz' }],
};
