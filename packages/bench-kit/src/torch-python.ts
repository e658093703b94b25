import { spawn } from 'node:child_process';

/** Environment variable naming the Python interpreter (with torch) of a PyTorch peer. */
export const TORCH_PYTHON_ENV = 'COUNTERWEIGHT_TORCH_PYTHON';

/**
 * OpenBLAS variables removed from a peer's environment: this machine sets `OPENBLAS_CORETYPE`/`OPENBLAS_L2_SIZE`
 * globally, which makes OpenBLAS about 1.5× slower here than its own CPU detection; the peer gets OpenBLAS's
 * defaults. Only the peer's child processes lose them, never the tests or the bench itself.
 */
export const PEER_UNSET_ENV: readonly string[] = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'];

/** A Python interpreter that can `import torch`. */
export interface TorchPython {
  readonly command: string;
  /** `torch.__version__`. */
  readonly torchVersion: string;
}

/** What {@link captureProcess} saw of a finished child process. */
export interface CapturedProcess {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Set when the command could not be started (ENOENT, …). */
  readonly spawnError?: string;
}

/**
 * The environment of a peer process for `threads` threads: `base` with `OMP_NUM_THREADS`, `OPENBLAS_NUM_THREADS` and
 * `MKL_NUM_THREADS` set to `threads` (read by torch and OpenBLAS when they load, hence one process per thread count)
 * and the {@link PEER_UNSET_ENV} variables removed. `base` itself is not changed.
 */
export function peerEnvironment(threads: number, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
  for (const name of PEER_UNSET_ENV) delete env[name];
  return env;
}

/**
 * Runs `command args` with `env`, resolving with its exit code and output; never rejects. The child is killed after
 * `timeoutMs` by a timer of this function (spawn's own `timeout` keeps a timer alive after a child that failed to start).
 */
export function captureProcess(command: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<CapturedProcess> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr, spawnError: error.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The interpreters {@link findTorchPython} tries, in order: `$COUNTERWEIGHT_TORCH_PYTHON`, `/usr/bin/python3` (Debian's `python3-torch`), `python3`. */
export function torchPythonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const fromEnv = env[TORCH_PYTHON_ENV]?.trim();
  return [...new Set([...(fromEnv === undefined || fromEnv === '' ? [] : [fromEnv]), '/usr/bin/python3', 'python3'])];
}

/**
 * The first of `candidates` (default {@link torchPythonCandidates}) that can `import torch`, checked in a one-thread
 * {@link peerEnvironment} (the environment the peer will run in).
 * @returns it and its `torch.__version__`, or undefined, with the candidates tried.
 */
export async function findTorchPython(
  env: NodeJS.ProcessEnv = process.env,
  candidates: readonly string[] = torchPythonCandidates(env),
): Promise<{ found: TorchPython | undefined; tried: readonly string[] }> {
  const tried = [...candidates];
  for (const command of tried) {
    const run = await captureProcess(command, ['-c', 'import torch; print(torch.__version__)'], peerEnvironment(1, env), 120_000);
    const version = run.stdout.trim().split('\n').pop() ?? '';
    if (run.code === 0 && version !== '') return { found: { command, torchVersion: version }, tried };
  }
  return { found: undefined, tried };
}
