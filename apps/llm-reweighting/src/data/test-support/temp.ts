import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const made: string[] = [];

/** A fresh temporary directory, removed by {@link removeTempDirs}. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `llm-${prefix}-`));
  made.push(dir);
  return dir;
}

/** Writes `content` as is (gzip when the name ends in `.gz`) and returns the path. */
export async function writeBytes(dir: string, name: string, content: string | Uint8Array): Promise<string> {
  const path = join(dir, name);
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
  await writeFile(path, name.endsWith('.gz') ? gzipSync(bytes) : bytes);
  return path;
}

/** Removes every directory made by {@link tempDir} (use in `afterAll`). */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** Awaits `promise` expecting a rejection and returns the error (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  const outcome: unknown = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) throw new Error('expected a rejection, the promise resolved');
  return outcome;
}

/** Runs `run` expecting a throw and returns the error (fails the test when it returns). */
export function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`expected an Error, got ${String(error)}`);
  }
  throw new Error('expected a throw, the call returned');
}
