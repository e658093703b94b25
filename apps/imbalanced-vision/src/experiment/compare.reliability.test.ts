import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

import { checkpointInterruptions, listFiles, readComparableJson, runCommand, runWithInterruptions, sourceCli, type Interruption } from '@counterweight/reliability-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { removeTempDirs, tempDir } from '../data/test-support/fixtures.js';

// Kill-and-resume of `imbalanced-vision compare` on the embedded Fashion-MNIST sample with a tiny configuration
// (recipe ce, 2 seeds, 3 epochs, 60 → 6 images per class, 20 test images per class, one job): an uninterrupted
// reference run into A; then the same command into B, stopped by SIGINT or SIGKILL at seeded random points inside
// training, and run once more to completion. B's metrics.json must equal A's but for the timings, and B must hold no
// temporary file. A point is an epoch checkpoint the CLI writes (a seeded run and epoch) plus a seeded delay of up to
// 40 ms, so it lands in training on an idle and on a loaded machine alike.

const CLI = resolve(import.meta.dirname, '../cli.ts');
const EPOCHS = 3;
const SEEDS = 2;
const ARGS = ['compare', '--recipes', 'ce', '--seeds', String(SEEDS), '--epochs', String(EPOCHS), '--n-max', '60', '--test-per-class', '20', '--imbalance-ratio', '10'];
const COMMON = [...ARGS, '--jobs', '1', '--seed', '5'];

/**
 * The fields of metrics.json that measure time rather than results, left out of the comparison: each run's
 * `trainSeconds` and `imagesPerSecond`, and each epoch's `seconds` and `imagesPerSecond` in its `history`.
 */
const TIMING_FIELDS = ['trainSeconds', 'imagesPerSecond', 'seconds'];

function metrics(dir: string): Promise<unknown> {
  return readComparableJson(join(dir, 'metrics.json'), TIMING_FIELDS);
}

/**
 * The interruptions (seed 20): four of the 2 seeds × 3 epoch checkpoints of the recipe's one stage (the last one of
 * the last run excluded: it ends the training), each plus up to 40 ms. `stepsPerEpoch` comes from the reference run,
 * whose last checkpoint is at step EPOCHS × stepsPerEpoch.
 */
function plan(out: string, stepsPerEpoch: number): Interruption[] {
  const checkpoints = Array.from({ length: SEEDS }, (_, seed) =>
    Array.from({ length: EPOCHS }, (_, epoch) => join(out, 'runs', 'ce', `seed-${seed}`, 'stage-0', `step-${(epoch + 1) * stepsPerEpoch}`)),
  ).flat();
  return checkpointInterruptions(20, 4, checkpoints.slice(0, -1));
}

let root: string;
beforeAll(async () => {
  root = await tempDir('compare-resume');
});
afterAll(removeTempDirs);

describe('compare, killed and resumed', () => {
  it('ends with the metrics of an uninterrupted run, and no temporary files', async () => {
    const a = join(root, 'A');
    const b = join(root, 'B');
    const reference = await runCommand(...sourceCli(CLI, [...COMMON, '--out', a]), { timeoutMs: 180_000 });
    expect(reference.code, reference.stderr).toBe(0);

    const last = JSON.parse(readFileSync(join(a, 'runs', 'ce', 'seed-0', 'stage-0', 'latest.json'), 'utf8')) as { step: number };
    expect(last.step % EPOCHS).toBe(0);
    const PLAN = plan(b, last.step / EPOCHS);
    const runs = await runWithInterruptions(...sourceCli(CLI, [...COMMON, '--out', b]), PLAN, { timeoutMs: 180_000 });
    for (const run of runs.interrupted) expect(run.stderr).not.toMatch(/\n\s+at |Error/);
    expect(runs.completed.code, runs.completed.stderr).toBe(0);
    const resumes = [...runs.interrupted.slice(1), runs.completed].flatMap((run) =>
      [...run.stderr.matchAll(/run (\S+): resuming from its checkpoint at step (\d+) of (\d+)/g)].map((m) => `${m[1]}@${m[2]}/${m[3]}`),
    );
    console.info(
      `compare kill-and-resume: ${runs.survived} of ${PLAN.length} interruptions took effect (${PLAN.map((p) => `${p.signal} ${p.afterMs} ms after ${relative(b, p.whenFile ?? b)}`).join(', ')}); ` +
        `resumed from checkpoints ${resumes.join(', ') || 'none'}; reference ${Math.round(reference.ms)} ms, runs ${runs.interrupted.map((r) => Math.round(r.ms)).join('/')} + ${Math.round(runs.completed.ms)} ms`,
    );
    // Every signal lands (each trigger is a checkpoint the run has yet to write). The delay may carry a run past the
    // next trigger or to the end of a run, so a resume may be missing or come from a later checkpoint: at least half.
    expect(runs.survived).toBe(PLAN.length);
    expect(resumes.length).toBeGreaterThanOrEqual(PLAN.length / 2);

    expect(await metrics(b)).toEqual(await metrics(a));
    const leftovers = [...listFiles(b).keys()].filter((path) => /(^|\/)\.[^/]*\.tmp-\d+$|\.tmp$|\.partial$/.test(path));
    expect(leftovers).toEqual([]);
    const files = (dir: string) => [...listFiles(dir).keys()].sort();
    expect(files(b)).toEqual(files(a));
  });
});
