// Reliability: kill-and-resume of `compare` on the embedded sample with a tiny configuration (2 objectives, 1 seed,
// 3 epochs each checkpointed, window ends every 6 h, a 16-unit MLP). One uninterrupted run into A; into B, four runs
// each stopped by SIGINT or SIGKILL at a seeded random time inside training, then one run to completion, which must
// report exactly A's numbers and leave no temporary file. The signals are timed from the line `compare` prints once
// the data are windowed and training starts ("windows: …"), at 12–35 % of the reference run's training time (its
// progress line gives it): each interrupted run keeps the epochs checkpointed before it, so the four stay inside the
// training, on an idle machine and on a loaded one alike.
import { join, resolve } from 'node:path';

import { interruptionPlan, listFiles, readComparableJson, runCommand, runWithInterruptions, sourceCli, type CommandRun } from '@counterweight/reliability-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { removeTempDirs, tempDir } from '../data/test-support/temp.js';

const CLI = resolve(import.meta.dirname, '..', 'cli.ts');
const EPOCHS = 3;
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

/** How long the reference run trained, in ms: the harness's last progress line gives the seconds from its start. */
function trainingMs(run: CommandRun): number {
  const seconds = [...run.stderr.matchAll(/run\(s\) \d+\/\d+ \(([\d.]+)s\)/g)].at(-1)?.[1];
  expect(seconds, `no progress line in ${run.stderr}`).toBeDefined();
  return Number(seconds) * 1000;
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

    const training = trainingMs(reference);
    // Each run trains 2 methods × 3 epochs with a checkpoint per epoch (1/6 of the training each): a delay of at least
    // 0.2 of the training passes a checkpoint even when the interrupted run is somewhat slower than the reference.
    const PLAN = interruptionPlan(PLAN_SEED, 4, Math.round(0.2 * training), Math.round(0.6 * training));
    const runs = await runWithInterruptions(...sourceCli(CLI, [...ARGS, '--out', b]), PLAN, { whenOutput: /^windows: /m, timeoutMs: 240_000 });
    for (const run of runs.interrupted) expect(run.stderr).not.toMatch(/\n\s+at |Error/);
    expect(runs.completed.code, runs.completed.stderr).toBe(0);

    // Interrupted runs that had trained part of a run resume from its checkpoint, as the app announces.
    const resumes = [...runs.interrupted.slice(1), runs.completed].flatMap((run) =>
      [...run.stderr.matchAll(/run (\S+): resuming from its checkpoint at step (\d+) of (\d+)/g)].map((m) => ({ run: m[1], step: Number(m[2]), of: Number(m[3]) })),
    );
    console.log(
      `kill-and-resume: ${runs.survived}/${PLAN.length} interruptions took effect (${PLAN.map((p) => `${p.signal}@${p.afterMs}ms`).join(', ')}); ` +
        `resumed from checkpoints ${resumes.map((r) => `${r.run}@${r.step}/${r.of}`).join(', ') || 'none'}; ` +
        `reference ${Math.round(reference.ms)} ms, runs ${runs.interrupted.map((r) => Math.round(r.ms)).join('/')} + ${Math.round(runs.completed.ms)} ms`,
    );
    expect(runs.survived).toBeGreaterThanOrEqual(2);
    expect(resumes.length, 'no interruption left a checkpoint inside a run').toBeGreaterThanOrEqual(1);
    for (const r of resumes) expect(r.step).toBeLessThanOrEqual(r.of);

    expect(await comparable(join(b, 'metrics.json'))).toEqual(await comparable(join(a, 'metrics.json')));
    const files = [...listFiles(b).keys()];
    expect(files.filter((path) => /\.tmp/.test(path))).toEqual([]);
    expect(files.sort()).toEqual([...listFiles(a).keys()].sort());
  });
});

