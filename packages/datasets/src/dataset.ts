import type { ContentCheck } from './content-check.js';

/** A zip archive a file is extracted from (UCI publishes Bank Marketing as a zip of zips), checked before use. */
export interface ArchiveSource {
  /** URL of the archive. */
  readonly url: string;
  /** Check of the archive's bytes. */
  readonly check: ContentCheck;
}

/**
 * Where a file is downloaded from: a URL of the file itself (plain or gzip), or members of an archive, each member
 * naming the next one's archive (`['bank-additional.zip', 'bank-additional/bank-additional.csv']`).
 */
export type FileSource = { readonly url: string } | { readonly archive: ArchiveSource; readonly members: readonly string[] };

/** One file of a {@link Dataset}. */
export interface DatasetFile {
  /** Path inside the data set's folder, `/`-separated: where the download is stored and where local copies hold it. */
  readonly name: string;
  /** Check of the file's content (decompressed when gzip), from SOURCES.md or the publisher. */
  readonly check: ContentCheck;
  /** Download sources, tried in this order (the first is the canonical one, the rest mirrors). */
  readonly sources: readonly FileSource[];
  /** False when no local copy holds this file (only a download can provide it). Default true. */
  readonly local?: boolean;
}

/**
 * A local copy of a data set, used (after verification) when no download works:
 * - `shared`: the repository's sibling `../shared/data/<folder>/` (runtime's `sharedDataDir`), files gzipped as `<name>.gz`;
 * - `debian`: a folder a Debian package installs (`dataset-fashion-mnist`), files as named;
 * - `repository`: a folder inside this repository (an app's embedded copy), files as named plus `suffix`.
 */
export type LocalCopy =
  | { readonly kind: 'shared' }
  | { readonly kind: 'debian'; readonly dir: string; readonly package: string }
  | { readonly kind: 'repository'; readonly path: string; readonly suffix: '' | '.gz' };

/** A data set the apps use: where it comes from, its files with their checksums, and its local copies. */
export interface Dataset {
  /** Name on the command line (`fashion-mnist`). */
  readonly name: string;
  /** Human title. */
  readonly title: string;
  /** Folder under the data directory and under the shared data (`fashion-mnist`, `open-bandit-dataset`, …). */
  readonly folder: string;
  /** Publisher and paper to cite. */
  readonly origin: string;
  /** Licence, as SOURCES.md or the publisher states it. */
  readonly licence: string;
  /** Which apps read it. */
  readonly usedBy: readonly string[];
  readonly files: readonly DatasetFile[];
  /** Local copies, tried in this order. */
  readonly localCopies: readonly LocalCopy[];
  /**
   * True when a reader needs all files in one folder (Fashion-MNIST's four IDX files): if any file could not be
   * downloaded, every file is taken from the first local copy that holds all of them.
   */
  readonly together?: boolean;
}
