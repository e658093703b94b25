import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every file under `dir` (recursively) with its size in bytes, keyed by path relative to `dir`; empty when absent. */
export function listFiles(dir: string): Map<string, number> {
  const files = new Map<string, number>();
  if (!existsSync(dir)) return files;
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(relative(dir, path), statSync(path).size);
    }
  };
  walk(dir);
  return files;
}

/**
 * Files under `dir` that are not in `before` (a {@link listFiles} taken earlier) or changed size since: what a failed
 * command left behind. A clean failure leaves none — outputs are written to a temp file and renamed when complete.
 */
export function filesAdded(dir: string, before: ReadonlyMap<string, number>): string[] {
  return [...listFiles(dir)].filter(([path, size]) => before.get(path) !== size).map(([path]) => path).sort();
}
