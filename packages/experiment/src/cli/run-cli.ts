import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** What {@link runSourceCli} observed. */
export interface CliRun {
  /** Exit code (0 on success). */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a Counterweight CLI from its TypeScript source in a child Node process (`--conditions=@counterweight/source
 * --import tsx`), with `env` added to the current environment, and returns its exit code and output instead of
 * throwing on a non-zero exit — what the CLI tests of the apps and tools need. Default env: the wasm backend and no
 * progress bars, so output is deterministic.
 */
export async function runSourceCli(
  cliPath: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = { COUNTERWEIGHT_BACKEND: 'wasm', COUNTERWEIGHT_QUIET: '1' },
): Promise<CliRun> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, ['--conditions=@counterweight/source', '--import', 'tsx', cliPath, ...args], {
      env: { ...process.env, ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number | string; stdout?: string; stderr?: string };
    return { code: typeof failure.code === 'number' ? failure.code : 1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? String(error) };
  }
}
