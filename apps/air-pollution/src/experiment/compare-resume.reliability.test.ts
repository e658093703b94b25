// Reliability: kill-and-resume of `compare` on the embedded sample with a tiny configuration (2 objectives, 1 seed,
// 3 epochs each checkpointed, window ends every 6 h, a 16-unit MLP). One uninterrupted run into A; into B, four runs
// each stopped by SIGINT or SIGKILL at a seeded random point inside training, then one run to completion, which must
// report exactly A's numbers and leave no temporary file. A point is an epoch checkpoint the CLI writes (a seeded run
// and epoch) plus a seeded delay of up to 40 ms, so it lands in training on an idle and on a loaded machine alike (a
// wall-clock point does not: under load a run may not have reached its first checkpoint, or be past the last).
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

import { checkpointInterruptions, listFiles, readComparableJson, runCommand, runWithInterruptions, sourceCli, type Interruption } from '@counterweight/reliability-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { removeTempDirs, tempDir } from '../data/test-support/temp.js';

const CLI = resolve(import.meta.dirname, '..', 'cli.ts');
const EPOCHS = 3;
/** The runs `compare` trains, in order (jobs 1). */
const RUN_ORDER = ['mae', 'fmae'] as const;
const ARGS = [
  'compare',
  ...['--data', 'sample', '--stride', '6', '--epochs', String(EPOCHS), '--patience', '0'],
  ...['--hidden', '16', '--layers', '1', '--head-hidden', '8'],
  ...['--methods', 'mae,fmae', '--seeds', '1', '--jobs', '1'],
];
/** Seed of the interruption plan (signals alternate SIGINT / SIGKILL). */
const PLAN_SEED = 20;

let root: string;
beforeAll(async () => {
  root = await tempDir('compare-resume');
});
afterAll(removeTempDirs);

/**
 * The interruptions: four of the run order's 2 × 3 epoch checkpoints (the last one of the last run excluded: it ends
 * the training), each plus up to 40 ms. `stepsPerEpoch` comes from the reference run, whose last checkpoint is at step
 * EPOCHS × stepsPerEpoch.
 */
function plan(out: string, stepsPerEpoch: number): Interruption[] {
  const checkpoints = RUN_ORDER.flatMap((method) =>
    Array.from({ length: EPOCHS }, (_, epoch) => join(out, 'runs', method, 'seed-0', 'checkpoints', `step-${(epoch + 1) * stepsPerEpoch}`)),
  );
  return checkpointInterruptions(PLAN_SEED, 4, checkpoints.slice(0, -1));
}

/**
 * metrics.json without what may differ between an interrupted and an uninterrupted run: timings (`trainSeconds`, each
 * epoch's `seconds` and `windowsPerSecond`), the run folder's path (`runs[].dir`), whether a run was reused
 * (`runs[].reused`) and the machine's provenance (`provenance`: host, versions, start time).
 */
function comparable(file: string): Promise<unknown> {
  return readComparableJson(file, ['provenance', 'dir', 'reused', 'trainSeconds', 'seconds', 'windowsPerSecond']);
}

describe('air-pollution compare: kill and resume', () => {
  it('resumes after SIGINT and SIGKILL with exactly the uninterrupted numbers, leaving no temp files', async () => {
    const a = join(root, 'A');
    const b = join(root, 'B');
    const reference = await runCommand(...sourceCli(CLI, [...ARGS, '--out', a]), { timeoutMs: 240_000 });
    expect(reference.code, reference.stderr).toBe(0);

    const last = JSON.parse(readFileSync(join(a, 'runs', 'mae', 'seed-0', 'checkpoints', 'latest.json'), 'utf8')) as { step: number };
    expect(last.step % EPOCHS).toBe(0);
    const PLAN = plan(b, last.step / EPOCHS);
    const runs = await runWithInterruptions(...sourceCli(CLI, [...ARGS, '--out', b]), PLAN, { timeoutMs: 240_000 });
    for (const run of runs.interrupted) expect(run.stderr).not.toMatch(/\n\s+at |Error/);
    expect(runs.completed.code, runs.completed.stderr).toBe(0);

    // Interrupted runs that had trained part of a run resume from its checkpoint, as the app announces.
    const resumes = [...runs.interrupted.slice(1), runs.completed].flatMap((run) =>
      [...run.stderr.matchAll(/run (\S+): resuming from its checkpoint at step (\d+) of (\d+)/g)].map((m) => ({ run: m[1], step: Number(m[2]), of: Number(m[3]) })),
    );
    console.log(
      `kill-and-resume: ${runs.survived}/${PLAN.length} interruptions took effect (${PLAN.map((p) => `${p.signal} ${p.afterMs} ms after ${relative(b, p.whenFile ?? b)}`).join(', ')}); ` +
        `resumed from checkpoints ${resumes.map((r) => `${r.run}@${r.step}/${r.of}`).join(', ') || 'none'}; ` +
        `reference ${Math.round(reference.ms)} ms, runs ${runs.interrupted.map((r) => Math.round(r.ms)).join('/')} + ${Math.round(runs.completed.ms)} ms`,
    );
    // Every signal lands (each trigger is a checkpoint the run has yet to write). The delay may carry a run past the
    // next trigger or to the end of a run, so a resume may be missing or come from a later checkpoint: at least half.
    expect(runs.survived).toBe(PLAN.length);
    expect(resumes.length, 'interruptions did not leave checkpoints inside the runs').toBeGreaterThanOrEqual(PLAN.length / 2);
    for (const r of resumes) expect(r.step).toBeLessThanOrEqual(r.of);

    expect(await comparable(join(b, 'metrics.json'))).toEqual(await comparable(join(a, 'metrics.json')));
    const files = [...listFiles(b).keys()];
    expect(files.filter((path) => /\.tmp/.test(path))).toEqual([]);
    expect(files.sort()).toEqual([...listFiles(a).keys()].sort());
  });
});

