import { homedir } from 'node:os';
import { join } from 'node:path';

import { repositoryRoot, sharedDataDir } from '@counterweight/runtime/base';

import type { Dataset, DatasetFile, LocalCopy } from './dataset.js';

/**
 * Where downloads go by default: `$XDG_CACHE_HOME/counterweight/data` (else `~/.cache/counterweight/data`). Each data
 * set has its folder there, named as in the shared data (`fashion-mnist/`, `open-bandit-dataset/`, …), with its files
 * stored as downloaded (plain CSV and text; Fashion-MNIST's `.gz`).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env['XDG_CACHE_HOME'] !== undefined && env['XDG_CACHE_HOME'] !== '' ? env['XDG_CACHE_HOME'] : join(homedir(), '.cache');
  return join(cache, 'counterweight', 'data');
}

/** The folder of `dataset` under a data directory (default {@link defaultDataDir}). */
export function datasetDir(dataset: Dataset, dataDir: string = defaultDataDir()): string {
  return join(dataDir, dataset.folder);
}

/** A resolved local copy: where its files are, or why it is not available here. */
export interface LocalCopyPlace {
  /** What it is, for tables and messages: `shared data`, `Debian package dataset-fashion-mnist`, `copy in the repository`. */
  readonly label: string;
  /** Folder holding the data set's files (under their names plus {@link LocalCopyPlace.suffix}); absent when unavailable. */
  readonly dir?: string;
  /** Appended to a file's name in `dir` (`.gz` for the shared data). */
  readonly suffix: '' | '.gz';
  /** Why the copy is unavailable (no shared data directory found), when `dir` is absent. */
  readonly reason?: string;
  /** How to get the copy when its files are not there (`apt-get install dataset-fashion-mnist`). */
  readonly hint?: string;
}

/** Options of {@link localCopyPlaces}. */
export interface LocalCopyOptions {
  /** The shared data directory. Default: runtime's `sharedDataDir()` (`../shared/data` or `COUNTERWEIGHT_SHARED_DATA`). */
  readonly sharedDir?: string;
  /** Environment `sharedDataDir` reads `COUNTERWEIGHT_SHARED_DATA` from. Default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

/** Resolves one {@link LocalCopy} of `dataset`. */
export function localCopyPlace(dataset: Dataset, copy: LocalCopy, options: LocalCopyOptions = {}): LocalCopyPlace {
  if (copy.kind === 'debian') return { label: `Debian package ${copy.package}`, dir: copy.dir, suffix: '', hint: `apt-get install ${copy.package}` };
  if (copy.kind === 'repository') {
    try {
      return { label: 'copy in the repository', dir: join(repositoryRoot(), copy.path), suffix: copy.suffix };
    } catch (error) {
      return { label: 'copy in the repository', suffix: copy.suffix, reason: (error as Error).message };
    }
  }
  try {
    return { label: 'shared data', dir: join(options.sharedDir ?? sharedDataDir(options.env === undefined ? {} : { env: options.env }), dataset.folder), suffix: '.gz' };
  } catch (error) {
    return { label: 'shared data', suffix: '.gz', reason: (error as Error).message };
  }
}

/** Every local copy of `dataset`, resolved, in the order they are tried. */
export function localCopyPlaces(dataset: Dataset, options: LocalCopyOptions = {}): readonly LocalCopyPlace[] {
  return dataset.localCopies.map((copy) => localCopyPlace(dataset, copy, options));
}

/** Path of `file` in a local copy, or undefined when the copy is unavailable. */
export function localCopyPath(place: LocalCopyPlace, file: DatasetFile): string | undefined {
  return place.dir === undefined ? undefined : join(place.dir, ...`${file.name}${place.suffix}`.split('/'));
}
