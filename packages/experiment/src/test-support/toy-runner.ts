import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { deriveSeed } from '@counterweight/runtime';

import type { Runner } from '../comparison.js';

/** Settings of the toy comparison: how many "epochs" a run takes and a data offset. */
export interface ToySettings {
  readonly epochs: number;
  readonly offset: number;
  /** Repetition 0 of this method throws once on reaching this epoch (simulates an interruption). */
  readonly failAt?: { readonly method: string; readonly epoch: number };
  /** A data path (recorded, not read). */
  readonly data?: string;
}

/** Options of a toy method. */
export interface ToyOptions {
  readonly gain: number;
  /** Make the result NaN (to check strict JSON). */
  readonly nan?: boolean;
}

export interface ToyResult {
  readonly score: number;
  readonly epochsRun: number;
}

/**
 * A deterministic stand-in for an app: the "data" is the offset; a run counts epochs in a checkpoint file in its folder
 * (resumes from it) and scores `offset + gain · (seed mod 1000) / 1000`.
 */
export const toyRunner: Runner<ToySettings, ToyOptions, { offset: number }, ToyResult> = {
  prepare(settings) {
    if (settings.offset < 0) return Promise.reject(new Error(`offset ${settings.offset}: the toy data does not exist`));
    return Promise.resolve({ offset: settings.offset });
  },
  async run(task, data, context) {
    const file = join(task.dir, 'checkpoint.txt');
    const start = Number(await readFile(file, 'utf8').catch(() => '0'));
    let epochsRun = 0;
    for (let epoch = start + 1; epoch <= task.settings.epochs; epoch += 1) {
      await writeFile(file, String(epoch));
      epochsRun += 1;
      context.report({ epoch, epochs: task.settings.epochs, loss: 1 / epoch });
      const fail = task.settings.failAt;
      if (fail !== undefined && fail.method === task.method && task.repetition === 0 && fail.epoch === epoch && start === 0) throw new Error(`interrupted at epoch ${epoch}`);
    }
    const gain = task.options?.gain ?? 1;
    const input = typeof task.input === 'number' ? task.input : 0;
    const score = task.options?.nan === true ? Number.NaN : data.offset + (gain * (deriveSeed(task.seed, 'toy') % 1000)) / 1000 + input;
    return { score, epochsRun };
  },
};
