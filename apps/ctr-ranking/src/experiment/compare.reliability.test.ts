/**
 * Kill-and-resume of `ctr-ranking compare`: a tiny comparison (synthetic auctions, 2 losses, 1 seed) is interrupted at
 * four seeded points during training — SIGINT and SIGKILL alternating — then run to completion in the same folder;
 * its results must equal those of an uninterrupted run of the same command, and no temp file may be left behind.
 * A point is an epoch checkpoint the CLI writes (a seeded run and epoch) plus a seeded delay of up to 40 ms, so it
 * lands in training on an idle and on a loaded machine alike.
 */
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

import { checkpointInterruptions, listFiles, readComparableJson, runCommand, runWithInterruptions, sourceCli, type Interruption } from '@counterweight/reliability-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { removeTempDirs, tempDir } from '../data/test-support/temp.js';

const CLI = resolve(import.meta.dirname, '..', 'cli.ts');
const EPOCHS = 8;
/** The runs `compare` trains, in order (jobs 1). */
const RUN_ORDER = ['logloss', 'welfare'] as const;
const ARGS = ['compare', '--auctions', '200', '--epochs', String(EPOCHS), '--batch-size', '16', '--seeds', '1', '--losses', RUN_ORDER.join(','), '--jobs', '1'];

let dir: string;
beforeAll(async () => {
  dir = await tempDir('resume');
});
afterAll(removeTempDirs);

/**
 * The interruptions (seed 20): four of the 2 × 8 epoch checkpoints (the last one of the last run excluded: it ends the
 * training), each plus up to 40 ms. `stepsPerEpoch` comes from the reference run, whose last checkpoint is at step
 * EPOCHS × stepsPerEpoch.
 */
function plan(out: string, stepsPerEpoch: number): Interruption[] {
  const checkpoints = RUN_ORDER.flatMap((loss) =>
    Array.from({ length: EPOCHS }, (_, epoch) => join(out, 'runs', loss, 'seed-0', 'checkpoints', `step-${(epoch + 1) * stepsPerEpoch}`)),
  );
  return checkpointInterruptions(20, 4, checkpoints.slice(0, -1));
}

/**
 * metrics.json without what differs between two identical computations: the provenance (machine, versions, backend
 * string), each run's `reused` flag (true when an interrupted invocation had already finished it), and every timing —
 * `trainSeconds` (per run and as a summary metric), each epoch's `seconds` and `candidatesPerSecond`. Everything else
 * — settings, seeds, every test metric, every epoch's loss, the summaries with their intervals — must be equal.
 */
function comparable(out: string): Promise<unknown> {
  return readComparableJson(join(out, 'metrics.json'), ['provenance', 'reused', 'trainSeconds', 'seconds', 'candidatesPerSecond']);
}

describe('ctr-ranking compare, interrupted', () => {
  it('resumes after SIGINT and SIGKILL at seeded points in training and ends with the uninterrupted results', async () => {
    const reference = join(dir, 'reference');
    const interrupted = join(dir, 'interrupted');
    const uninterrupted = await runCommand(...sourceCli(CLI, [...ARGS, '--out', reference]), { timeoutMs: 120_000 });
    expect(uninterrupted.code, uninterrupted.stderr).toBe(0);
    const last = JSON.parse(readFileSync(join(reference, 'runs', 'logloss', 'seed-0', 'checkpoints', 'latest.json'), 'utf8')) as { step: number };
    expect(last.step % EPOCHS).toBe(0);
    const PLAN = plan(interrupted, last.step / EPOCHS);
    const resumed = await runWithInterruptions(...sourceCli(CLI, [...ARGS, '--out', interrupted]), PLAN, { timeoutMs: 120_000 });
    const resumes = [...resumed.interrupted.slice(1), resumed.completed].flatMap((run) =>
      [...run.stderr.matchAll(/run (\S+): resuming from its checkpoint at step (\d+) of (\d+)/g)].map((m) => `${m[1]}@${m[2]}/${m[3]}`),
    );
    process.stdout.write(
      `kill-and-resume: ${resumed.survived} of ${PLAN.length} interruptions took effect (${PLAN.map((p) => `${p.signal} ${p.afterMs} ms after ${relative(interrupted, p.whenFile ?? interrupted)}`).join(', ')}); ` +
        `resumed from checkpoints ${resumes.join(', ') || 'none'}; reference ${Math.round(uninterrupted.ms)} ms, runs ${resumed.interrupted.map((r) => Math.round(r.ms)).join('/')} + ${Math.round(resumed.completed.ms)} ms\n`,
    );
    for (const run of resumed.interrupted) expect(run.stderr).not.toMatch(/\n\s+at |Error/);
    expect(resumed.completed.code, resumed.completed.stderr).toBe(0);
    // Every signal lands (each trigger is a checkpoint the run has yet to write). The delay may carry a run past the
    // next trigger or to the end of a run, so a resume may be missing or come from a later checkpoint: at least half.
    expect(resumed.survived).toBe(PLAN.length);
    expect(resumes.length).toBeGreaterThanOrEqual(PLAN.length / 2);
    expect(await comparable(interrupted)).toEqual(await comparable(reference));
    expect([...listFiles(interrupted).keys()].filter((f) => /\.tmp|~$|\.partial/.test(f))).toEqual([]);
    expect(resumed.completed.stdout.replace(/report: .*/, '')).toBe(uninterrupted.stdout.replace(/report: .*/, ''));
  }, 240_000);
});
