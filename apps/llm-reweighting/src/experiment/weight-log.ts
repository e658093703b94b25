import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { writeJsonAtomic } from '@counterweight/runtime';

import type { WeightSample } from '../objectives/index.js';

/** The file beside a run's checkpoints that keeps the sampled weights across an interruption. */
export const WEIGHT_LOG_FILE = 'weights.json';

/** The weights sampled so far by a run (empty for a new run or an objective that does not reweight). */
export async function readWeightLog(dir: string): Promise<WeightSample[]> {
  const file = join(dir, WEIGHT_LOG_FILE);
  if (!existsSync(file)) return [];
  return JSON.parse(await readFile(file, 'utf8')) as WeightSample[];
}

/** Saves the sampled weights atomically (temp file + rename). */
export async function writeWeightLog(dir: string, samples: readonly WeightSample[]): Promise<void> {
  await writeJsonAtomic(join(dir, WEIGHT_LOG_FILE), samples);
}

/**
 * The log after the interval that began at step `start`: the samples logged for earlier steps, then `recorded` (this
 * interval's samples). The log is written before the interval's checkpoint, so a run stopped between the two retrains
 * the interval on resume and records its samples again; what an earlier attempt logged from `start` on is dropped
 * instead of doubled.
 */
export function weightLogAfter(logged: readonly WeightSample[], recorded: readonly WeightSample[], start: number): WeightSample[] {
  return [...logged.filter((sample) => sample.step < start), ...recorded];
}
