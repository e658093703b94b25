import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

function temporarySibling(path: string): string {
  return join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp-${process.pid}`);
}

/**
 * Writes `data` to `path` so that readers see either the old file or the complete new one, never a partial file:
 * the bytes go to a temporary sibling, are flushed to disk, and the sibling is renamed over `path`.
 * Missing parent directories are created.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = temporarySibling(path);
  try {
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(data);
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

/** {@link writeFileAtomic} for a JSON value, pretty-printed with a trailing newline. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Builds a new directory: `fill` writes into a temporary sibling, which is then renamed to `path`. Readers never
 * see a half-written directory. `path` must not exist yet (directories are never replaced in place; write a new one
 * and switch a pointer file with {@link writeJsonAtomic}).
 */
export async function writeDirectoryAtomic(path: string, fill: (tmpDir: string) => Promise<void>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = temporarySibling(path);
  try {
    await mkdir(tmp);
    await fill(tmp);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
}
