import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';

import * as tf from '@tensorflow/tfjs-core';

/** The machine a bench ran on. */
export interface BenchMachine {
  /** `lscpu`'s model name (falls back to Node's `os.cpus()` model). */
  readonly cpu: string;
  readonly cores: number;
  readonly node: string;
  readonly tfjs: string;
  /** 1, 5 and 15-minute load averages when the bench started (the machine is shared: read the numbers with it). */
  readonly loadAverageAtStart: readonly number[];
}

/** The `Model name:` field of `lscpu` output, or undefined. */
export function lscpuModelName(text: string): string | undefined {
  const line = text.split('\n').find((l) => /^\s*Model name:/.test(l));
  const name = line?.replace(/^\s*Model name:\s*/, '').trim();
  return name === undefined || name === '' ? undefined : name;
}

/** Load averages rounded to 2 decimals. */
export function loadAverage(): number[] {
  return loadavg().map((v) => Number(v.toFixed(2)));
}

/** Describes this machine: CPU model (`lscpu`), cores, Node and tfjs versions, load average now. */
export function benchMachine(): BenchMachine {
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
    tfjs: tf.version_core,
    loadAverageAtStart: loadAverage(),
  };
}
