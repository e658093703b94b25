import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { lstat, mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { DataFileError } from './errors.js';

/** Temporary siblings this thread is writing right now (see {@link removeOwnTemporaries}). */
const inFlight = new Set<string>();

/** `.<name>.tmp-<pid>`: the temporary siblings of atomic writes (this module's and any writer following its naming). */
const TEMPORARY_NAME = /^\..+\.tmp-(\d+)$/;

function temporarySibling(path: string): string {
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp-${process.pid}`);
  inFlight.add(tmp);
  return tmp;
}

/**
 * Removes, synchronously, the temporary siblings this thread is writing at this moment — for a signal handler that
 * is about to exit, so an interrupted write leaves nothing behind. Writes of other threads are left to
 * {@link removeStaleTemporaries} on the next start.
 */
export function removeOwnTemporaries(): void {
  for (const tmp of inFlight) rmSync(tmp, { recursive: true, force: true });
  inFlight.clear();
}

/** Seconds since the epoch at which process `pid` started, from /proc (Linux); undefined where /proc says nothing. */
function processStartSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime, in clock ticks after boot) counts from after the command name, which may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const bootTime = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    const ticks = Number(fields[19]);
    // Linux reports starttime in USER_HZ, which is 100 on every architecture Node runs on.
    return bootTime === null || !Number.isFinite(ticks) ? undefined : Number(bootTime[1]) + ticks / 100;
  } catch {
    return undefined;
  }
}

/**
 * Whether the process that wrote a temporary (its pid in the name, the file last modified at `modifiedMs`) may still be
 * writing it: a process with that pid runs and did not start after the file was last written — so a pid the system
 * has since given to another process does not keep a stale temporary alive.
 */
function writerMayRun(pid: number, modifiedMs: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const started = processStartSeconds(pid);
  return started === undefined || started * 1000 <= modifiedMs + 1000;
}

/**
 * Removes the temporary siblings (`.<name>.tmp-<pid>`, files or folders) that atomic writes of processes no longer
 * running (no process of that pid, or one started after the temporary was last written) left anywhere under `dir` — what a killed run (SIGKILL, power loss) leaves; call it when reopening a folder
 * to resume. Temporaries of running processes are kept. Returns the paths removed; a missing `dir` removes nothing.
 */
export async function removeStaleTemporaries(dir: string): Promise<string[]> {
  const removed: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const path = join(dir, entry.name);
    const match = TEMPORARY_NAME.exec(entry.name);
    if (match !== null && !writerMayRun(Number(match[1]), (await lstat(path)).mtimeMs)) {
      await rm(path, { recursive: true, force: true });
      removed.push(path);
    } else if (entry.isDirectory()) {
      removed.push(...(await removeStaleTemporaries(path)));
    }
  }
  return removed;
}

/**
 * Writes `data` to `path` so that readers see either the old file or the complete new one, never a partial file:
 * the bytes go to a temporary sibling, are flushed to disk, and the sibling is renamed over `path`.
 * Missing parent directories are created.
 * @throws DataFileError naming `path` when it is a folder.
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
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR' || code === 'ENOTEMPTY' || code === 'EEXIST') {
      throw new DataFileError({ file: path }, 'is a folder, so a file cannot be written there; choose a file name', { cause: error });
    }
    throw error;
  } finally {
    inFlight.delete(tmp);
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
  } finally {
    inFlight.delete(tmp);
  }
}
