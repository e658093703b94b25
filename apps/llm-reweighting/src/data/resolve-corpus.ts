import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { TINYSTORIES, datasetDir, defaultDataDir } from '@counterweight/datasets';
import { ConfigError, DataFileError, SHARED_DATA_ENV, sharedDataDir, type SharedDataDirOptions } from '@counterweight/runtime';

import { readCorpus, type Corpus } from './read-corpus.js';

/** The reference corpora the app knows by name. */
export const REFERENCE_CORPORA = ['tinyshakespeare', 'tinystories'] as const;

/** A reference corpus name. */
export type ReferenceCorpus = (typeof REFERENCE_CORPORA)[number];

/**
 * Path of the embedded TinyShakespeare copy (`apps/llm-reweighting/data/tinyshakespeare/input.txt.gz`), resolved from
 * this module so it works from `src/data` and from the built `dist/data` alike (both sit two folders below the app).
 */
export const EMBEDDED_TINYSHAKESPEARE = fileURLToPath(new URL('../../data/tinyshakespeare/input.txt.gz', import.meta.url));

/** The TinyStories sample's file name, as `@counterweight/datasets` registers it (`tiny_stories.txt`). */
const TINYSTORIES_FILE = TINYSTORIES.files[0]?.name ?? 'tiny_stories.txt';

/** The TinyStories sample's path inside the shared data directory (see its `SOURCES.md` §3): `tinystories-sample/tiny_stories.txt.gz`. */
export const TINYSTORIES_SHARED_PATH = join(TINYSTORIES.folder, `${TINYSTORIES_FILE}.gz`);

/** Where `npm run fetch-data -- tinystories` puts its download: `<data directory>/tinystories-sample/tiny_stories.txt`. */
export function fetchedTinyStoriesPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(datasetDir(TINYSTORIES, defaultDataDir(env)), TINYSTORIES_FILE);
}

/**
 * Reads a reference corpus by name.
 *
 * - `tinyshakespeare`: the embedded copy of Karpathy's char-rnn TinyShakespeare (one document, 1,115,394 characters),
 *   recorded as source `embedded:tinyshakespeare`.
 * - `tinystories`: the TinyStories sample in the shared data directory (Eldan & Li, 2023; the first 1,102 stories of
 *   the train split) or, when that is absent, the copy `npm run fetch-data -- tinystories` downloaded
 *   ({@link fetchedTinyStoriesPath}); one document per story: stories are separated by a single newline and
 *   paragraphs by a blank line, so it is read with `documents: 'single-newline'`.
 *
 * `options` are passed to the runtime's `sharedDataDir` (environment override `COUNTERWEIGHT_SHARED_DATA`); their
 * `env` also locates the data directory (`XDG_CACHE_HOME`).
 * @throws ConfigError naming `corpus` for an unknown name.
 * @throws DataFileError naming the paths it looked at when neither TinyStories copy (or the embedded file) is there.
 */
export async function resolveCorpus(name: string, options: SharedDataDirOptions = {}): Promise<Corpus> {
  if (name === 'tinyshakespeare') {
    if (!existsSync(EMBEDDED_TINYSHAKESPEARE)) {
      throw new DataFileError({ file: EMBEDDED_TINYSHAKESPEARE }, 'the embedded TinyShakespeare copy is missing from the app');
    }
    return readCorpus(EMBEDDED_TINYSHAKESPEARE, { source: 'embedded:tinyshakespeare' });
  }
  if (name === 'tinystories') {
    let path: string | undefined;
    let sharedProblem: unknown;
    try {
      path = join(sharedDataDir(options), TINYSTORIES_SHARED_PATH);
    } catch (error) {
      sharedProblem = error;
    }
    const fetched = fetchedTinyStoriesPath(options.env);
    if (path !== undefined && existsSync(path)) return readCorpus(path, { documents: 'single-newline' });
    if (existsSync(fetched)) return readCorpus(fetched, { documents: 'single-newline' });
    if (path === undefined) {
      throw new DataFileError(
        { file: TINYSTORIES_SHARED_PATH },
        `the TinyStories sample lives in the shared data directory, which was not found (${(sharedProblem as Error).message}), ` +
          `and was not fetched to ${fetched} either (npm run fetch-data -- tinystories)`,
        { cause: sharedProblem },
      );
    }
    throw new DataFileError(
      { file: path },
      `the TinyStories sample is not there, nor at ${fetched}; run \`npm run fetch-data -- tinystories\`, check out "shared" beside the ` +
        `repository or set ${SHARED_DATA_ENV} to a folder holding tinystories-sample/tiny_stories.txt.gz (or use the embedded "tinyshakespeare")`,
    );
  }
  throw new ConfigError('corpus', `unknown reference corpus "${name}" (expected one of: ${REFERENCE_CORPORA.join(', ')})`);
}
