import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/** The `name` of the monorepo's root package.json. */
const ROOT_PACKAGE_NAME = 'counterweight';

function isRepositoryRoot(dir: string): boolean {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return false;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === ROOT_PACKAGE_NAME;
  } catch {
    return false;
  }
}

/**
 * The Counterweight repository root: the nearest directory at or above `from` whose package.json is named
 * `counterweight` (the same rule as `@counterweight/runtime`'s `repositoryRoot`, which this package does not depend on).
 * @throws Error when there is none.
 */
export function repositoryRoot(from: string): string {
  let dir = resolve(from);
  while (!isRepositoryRoot(dir)) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no repository root (a package.json named "${ROOT_PACKAGE_NAME}") at or above ${from}`);
    dir = parent;
  }
  return dir;
}

/**
 * Writes `value` as pretty-printed JSON (trailing newline) so that readers see the old file or the complete new one:
 * a temporary sibling is written, flushed and renamed over `path`. Missing parent directories are created.
 */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp-${process.pid}`);
  try {
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(`${JSON.stringify(value, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
