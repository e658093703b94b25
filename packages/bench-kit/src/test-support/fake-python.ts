import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll } from 'vitest';

/** A fake interpreter's body: prints what a Python without torch prints and exits 1 (an import failure). */
export const NO_TORCH_BODY = 'echo "ModuleNotFoundError: No module named torch" >&2; exit 1';

/**
 * A fake interpreter's body that answers the torch check (`python -c "import torch; print(torch.__version__)"`, see
 * findTorchPython) with `version` and runs `script` (shell) for any other call, i.e. the peer script run.
 */
export function answersTorchVersion(script: string, version = '9.9'): string {
  return `case "$1" in -c) echo ${version};; *) ${script};; esac`;
}

/** Executable shell scripts standing in for a Python interpreter, in one temporary folder of a test file. */
export interface FakePythons {
  /** Writes `#!/bin/sh` + `body` to an executable file `name` in the folder and returns its path. */
  readonly create: (name: string, body: string) => Promise<string>;
  /** The path `name` in the folder, without creating it (an interpreter that does not exist). */
  readonly path: (name: string) => string;
}

/**
 * Registers, in the calling test file, a `beforeAll` that makes a temporary folder `<tmpdir>/<prefix>XXXXXX` and an
 * `afterAll` that removes it, and returns the functions that create fake interpreters in it (usable inside tests).
 */
export function useFakePythons(prefix: string): FakePythons {
  let dir: string | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(() => (dir === undefined ? undefined : rm(dir, { recursive: true, force: true })));
  const path = (name: string): string => {
    if (dir === undefined) throw new Error('useFakePythons: the folder exists only while the tests run (use it inside a test)');
    return join(dir, name);
  };
  return {
    path,
    create: async (name, body) => {
      const file = path(name);
      await writeFile(file, `#!/bin/sh\n${body}\n`);
      await chmod(file, 0o755);
      return file;
    },
  };
}
