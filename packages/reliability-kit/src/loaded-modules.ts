import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { runCommand, type CommandRun, type RunCommandOptions } from './run-command.js';

/** Module hooks that append every resolved URL to the file named by $CW_RECORD_LOADS, one per line. */
const RECORD_HOOKS = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (process.env.CW_RECORD_LOADS) appendFileSync(process.env.CW_RECORD_LOADS, result.url + '\\n');
  return result;
}
`;

/** What {@link loadedModules} observed: the run, and every module URL it resolved, in order (repeats kept). */
export interface LoadedModules {
  readonly run: CommandRun;
  readonly urls: readonly string[];
}

/**
 * Runs a Node command (`command` must be the node executable, e.g. from `sourceCli`) with a module-resolution hook
 * and returns every module URL the process resolved — to prove what a command does *not* load, such as a CLI that
 * answers `--help` or a flag error without tfjs, the wasm kernels or the chart renderer. Worker threads resolve
 * through the same hook. The hook files and the record live in a temporary folder that is removed afterwards.
 */
export async function loadedModules(command: string, args: readonly string[], options: RunCommandOptions = {}): Promise<LoadedModules> {
  const dir = await mkdtemp(join(tmpdir(), 'cw-loaded-modules-'));
  try {
    const hooks = join(dir, 'record-loads.mjs');
    const register = join(dir, 'register.mjs');
    const record = join(dir, 'loads.txt');
    await writeFile(hooks, RECORD_HOOKS);
    await writeFile(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
    await writeFile(record, '');
    const run = await runCommand(command, ['--import', pathToFileURL(register).href, ...args], { ...options, env: { ...options.env, CW_RECORD_LOADS: record } });
    const urls = (await readFile(record, 'utf8')).split('\n').filter((line) => line !== '');
    return { run, urls };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
