import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';

/** The machine a bench ran on. */
export interface BenchMachine {
  /** `lscpu`'s model name (falls back to Node's `os.cpus()` model, then `unknown`). */
  readonly cpu: string;
  readonly cores: number;
  readonly node: string;
  /** 1, 5 and 15-minute load averages when the bench started (the machine may be shared: read the numbers with it). */
  readonly loadAverageAtStart: readonly number[];
}

/** The `Model name:` field of `lscpu` output, or undefined when it is absent or blank. */
export function lscpuModelName(text: string): string | undefined {
  const line = text.split('\n').find((l) => /^\s*Model name:/.test(l));
  const name = line?.replace(/^\s*Model name:\s*/, '').trim();
  return name === undefined || name === '' ? undefined : name;
}

/** The 1, 5 and 15-minute load averages, rounded to 2 decimals. */
export function loadAverage(): number[] {
  return loadavg().map((v) => Number(v.toFixed(2)));
}

/**
 * Describes this machine: CPU model (`lscpu`, in the C locale), cores, Node version, the load average now, and the
 * library versions the caller names (e.g. `{ tfjs: tf.version_core }`), placed after `node`.
 */
export function benchMachine<V extends Readonly<Record<string, string>>>(versions: V = {} as V): BenchMachine & V {
  let cpu: string | undefined;
  try {
    cpu = lscpuModelName(execFileSync('lscpu', { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch {
    cpu = undefined;
  }
  return {
    cpu: cpu ?? cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    node: process.version,
    ...versions,
    loadAverageAtStart: loadAverage(),
  };
}
