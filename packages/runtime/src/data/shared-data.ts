import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ConfigError, DataFileError } from '../errors.js';

/** Environment variable that overrides where {@link sharedDataDir} looks for the shared data sets. */
export const SHARED_DATA_ENV = 'COUNTERWEIGHT_SHARED_DATA';

/** `name` in the repository's root package.json; marks the directory {@link sharedDataDir} walks up to. */
const ROOT_PACKAGE_NAME = 'counterweight';

export interface SharedDataDirOptions {
  /** Environment to read {@link SHARED_DATA_ENV} from; defaults to `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** File or directory to start walking up from; defaults to this module's directory. */
  readonly from?: string;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isRepositoryRoot(dir: string): boolean {
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) return false;
  try {
    const parsed: unknown = JSON.parse(readFileSync(manifest, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && (parsed as { name?: unknown }).name === ROOT_PACKAGE_NAME;
  } catch {
    return false;
  }
}

/**
 * The repository root: the first directory at or above `from` (default: this module's directory) whose
 * `package.json` has `"name": "counterweight"`.
 * @throws DataFileError naming the start path when there is none.
 */
export function repositoryRoot(from?: string): string {
  const start = resolve(from ?? dirname(fileURLToPath(import.meta.url)));
  let dir = isDirectory(start) ? start : dirname(start);
  while (!isRepositoryRoot(dir)) {
    const parent = dirname(dir);
    if (parent === dir) {
      throw new DataFileError(
        { file: start },
        `no repository root (a package.json with "name": "${ROOT_PACKAGE_NAME}") at or above this path ` +
          `(for the shared data, set ${SHARED_DATA_ENV} instead)`,
      );
    }
    dir = parent;
  }
  return dir;
}

/**
 * The absolute path of the shared data directory (`shared/data`, which holds the public data sets described in its
 * `SOURCES.md`).
 *
 * If `COUNTERWEIGHT_SHARED_DATA` is set (and not empty) it is used as is (relative paths resolve against the current
 * directory). Otherwise the function walks up from `options.from` (default: this module's directory) to the
 * repository root, the first directory whose `package.json` has `"name": "counterweight"`, and returns
 * `<root>/../shared/data`: the repository is cloned as a sibling of `shared`, locally and in CI.
 *
 * @throws ConfigError naming `COUNTERWEIGHT_SHARED_DATA` when the variable points at something that is not a directory.
 * @throws DataFileError naming the path it tried when no repository root is found or `../shared/data` is missing.
 */
export function sharedDataDir(options: SharedDataDirOptions = {}): string {
  const env = options.env ?? process.env;
  const override = env[SHARED_DATA_ENV];
  if (override !== undefined && override !== '') {
    const dir = resolve(override);
    if (!isDirectory(dir)) throw new ConfigError(SHARED_DATA_ENV, `"${dir}" is not a directory`);
    return dir;
  }

  const dir = repositoryRoot(options.from);
  const data = resolve(dir, '..', 'shared', 'data');
  if (!isDirectory(data)) {
    throw new DataFileError(
      { file: data },
      `shared data directory not found (expected next to the repository at ${dir}); ` +
        `check out "shared" beside the repository or set ${SHARED_DATA_ENV}`,
    );
  }
  return data;
}
