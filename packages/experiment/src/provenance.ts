import { cpus, homedir, platform, arch, release, totalmem, availableParallelism } from 'node:os';

import { activeBackend, repositoryRoot } from '@counterweight/runtime';
import { version_core } from '@tensorflow/tfjs-core';

/** Where a report's numbers come from: backend, software versions and machine — and no path of that machine. */
export interface Provenance {
  /** e.g. `wasm (SIMD, 1 thread)`; `unknown` when no backend was initialised by runtime's initBackend. */
  readonly backend: string;
  /** Node, tfjs and any versions the app adds (e.g. its own package version). */
  readonly versions: Readonly<Record<string, string>>;
  /** CPU model, logical cores, OS and memory. */
  readonly machine: string;
}

/**
 * Replaces absolute paths of this machine in `text`: the repository root becomes `.`, the home directory `~`. A
 * report written here and read elsewhere then names files as a reader can find them in their own checkout.
 */
export function scrubPaths(text: string): string {
  let root: string | undefined;
  try {
    root = repositoryRoot();
  } catch {
    root = undefined;
  }
  // A path ends at `/`, at the end of the text, or at a character that cannot continue a file name here.
  const replace = (input: string, path: string, by: string): string =>
    input.replace(new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=/|$|[^A-Za-z0-9._-])`, 'g'), by);
  let out = text;
  if (root !== undefined && root !== '/') out = replace(out, root, '.');
  const home = homedir();
  if (home !== '' && home !== '/') out = replace(out, home, '~');
  return out;
}

/** The active backend in a few words: name, SIMD and threads (not why other backends were skipped). */
export function describeBackend(): string {
  const info = activeBackend();
  if (info === undefined) return 'unknown';
  const details = [...(info.simd === undefined ? [] : [info.simd ? 'SIMD' : 'no SIMD']), `${info.threads} thread${info.threads === 1 ? '' : 's'}`];
  return `${info.name} (${details.join(', ')})`;
}

/** The provenance of a report made now, in this process, with `versions` added to Node's and tfjs's. */
export function collectProvenance(versions: Readonly<Record<string, string>> = {}): Provenance {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const memory = `${(totalmem() / 2 ** 30).toFixed(1)} GiB`;
  return {
    backend: describeBackend(),
    versions: { node: process.versions.node, tfjs: version_core, ...versions },
    machine: `${cpu}, ${availableParallelism()} logical cores, ${memory}, ${platform()} ${release()} ${arch()}`,
  };
}
