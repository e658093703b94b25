import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

/** What {@link runCommand} observed of one child process. */
export interface CommandRun {
  /** Exit code, or null when the process ended by a signal. */
  readonly code: number | null;
  /** The signal that ended the process, or null when it exited. */
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** True when the time limit ran out and the process was killed (SIGKILL): a hang. */
  readonly timedOut: boolean;
  /** Wall time from spawn to exit, in milliseconds. */
  readonly ms: number;
}

/** Options of {@link runCommand}. */
export interface RunCommandOptions {
  /** Working directory (default: the current one). */
  readonly cwd?: string;
  /** Variables added to the current environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Kill the process (SIGKILL) after this many milliseconds and report `timedOut` (default 60,000). */
  readonly timeoutMs?: number;
  /** Bytes written to the child's standard input, which is then closed (default: stdin closed at once). */
  readonly input?: string | Uint8Array;
  /**
   * Send `signal` once `afterMs` have passed since the trigger, to interrupt the command deliberately (see
   * {@link interruptionPlan}). The trigger is the spawn; with `whenOutput`, the first chunk of stdout or stderr
   * matching it; with `whenFile`, the moment that path exists (checked every 10 ms) — a file the command writes as it
   * progresses, such as a checkpoint, so the point does not depend on how fast the machine is. With both, whichever
   * comes first.
   */
  readonly interrupt?: { readonly signal: NodeJS.Signals; readonly afterMs: number; readonly whenOutput?: RegExp; readonly whenFile?: string };
}

/** The environment every reliability run adds: the wasm backend, no progress bars, no colour. */
export const RELIABILITY_ENV: Readonly<Record<string, string>> = {
  COUNTERWEIGHT_BACKEND: 'wasm',
  COUNTERWEIGHT_QUIET: '1',
  NO_COLOR: '1',
  FORCE_COLOR: '0',
};

/**
 * Runs `command args` in a child process and resolves with its exit, output and wall time; never rejects for a
 * non-zero exit, a signal or a hang (the time limit kills the process and sets `timedOut`). Output is kept whole.
 */
export function runCommand(command: string, args: readonly string[], options: RunCommandOptions = {}): Promise<CommandRun> {
  const started = performance.now();
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...RELIABILITY_ENV, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  let timedOut = false;
  let interruptTimer: NodeJS.Timeout | undefined;
  const interrupt = options.interrupt;
  const armInterrupt = (): void => {
    if (interrupt === undefined || interruptTimer !== undefined) return;
    interruptTimer = setTimeout(() => child.kill(interrupt.signal), interrupt.afterMs);
  };
  if (interrupt !== undefined && interrupt.whenOutput === undefined && interrupt.whenFile === undefined) armInterrupt();
  const whenFile = interrupt?.whenFile;
  const filePoll =
    whenFile === undefined
      ? undefined
      : setInterval(() => {
          if (!existsSync(whenFile)) return;
          clearInterval(filePoll);
          armInterrupt();
        }, 10);
  const watch = (chunks: Buffer[]) => (chunk: Buffer) => {
    chunks.push(chunk);
    if (interrupt?.whenOutput !== undefined && interrupt.whenOutput.test(chunk.toString('utf8'))) armInterrupt();
  };
  child.stdout.on('data', watch(stdout));
  child.stderr.on('data', watch(stderr));
  child.stdin.on('error', () => undefined);
  child.stdin.end(options.input);
  const limit = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs ?? 60_000);
  return new Promise((resolve, reject) => {
    child.on('error', (error) => {
      clearTimeout(limit);
      clearTimeout(interruptTimer);
      clearInterval(filePoll);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(limit);
      clearTimeout(interruptTimer);
      clearInterval(filePoll);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        timedOut,
        ms: performance.now() - started,
      });
    });
  });
}

/**
 * The command line that runs a Counterweight CLI from its TypeScript source, as the apps' bins do in a checkout:
 * `node --conditions=@counterweight/source --import tsx <cliPath>`. Spread it into {@link runCommand}:
 * `runCommand(...sourceCli(cli, ['compare', ...]))`.
 */
export function sourceCli(cliPath: string, args: readonly string[]): [string, string[]] {
  return [process.execPath, ['--conditions=@counterweight/source', '--import', 'tsx', cliPath, ...args]];
}
