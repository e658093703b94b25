import { join, resolve } from 'node:path';

import { interruptionPlan, listFiles, readComparableJson, runCommand, runWithInterruptions, sourceCli } from '@counterweight/reliability-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { removeTempDirs, tempDir } from '../data/test-support/fixtures.js';

// Kill-and-resume of `imbalanced-vision compare` on the embedded Fashion-MNIST sample with a tiny configuration
// (recipe ce, 2 seeds, 3 epochs, 60 → 6 images per class, 20 test images per class, one job): an uninterrupted
// reference run into A; then the same command into B, stopped by SIGINT or SIGKILL at seeded random points after
// start-up (scaled to the reference's duration), and run once more to completion. B's metrics.json must equal A's but for the timings, and B must hold no
// temporary file.

const CLI = resolve(import.meta.dirname, '../cli.ts');
const ARGS = ['compare', '--recipes', 'ce', '--seeds', '2', '--epochs', '3', '--n-max', '60', '--test-per-class', '20', '--imbalance-ratio', '10'];
const COMMON = [...ARGS, '--jobs', '1', '--seed', '5'];

/**
 * The fields of metrics.json that measure time rather than results, left out of the comparison: each run's
 * `trainSeconds` and `imagesPerSecond`, and each epoch's `seconds` and `imagesPerSecond` in its `history`.
 */
const TIMING_FIELDS = ['trainSeconds', 'imagesPerSecond', 'seconds'];

function metrics(dir: string): Promise<unknown> {
  return readComparableJson(join(dir, 'metrics.json'), TIMING_FIELDS);
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

    // Signals land after start-up is over (the `backend:` line), between 5 % and 35 % of the reference run's wall time
    // later: data preparation, training of either seed, checkpoint writes. Scaling by the reference keeps them inside
    // the work on a busy machine too (absolute delays would all land in the first epoch when everything is slow).
    const plan = interruptionPlan(20, 4, Math.round(0.05 * reference.ms), Math.round(0.35 * reference.ms));
    const runs = await runWithInterruptions(...sourceCli(CLI, [...COMMON, '--out', b]), plan, {
      whenOutput: /^backend: /m,
      timeoutMs: 180_000,
    });
    for (const [i, run] of runs.interrupted.entries()) {
      const stopped = run.signal === plan[i]?.signal || run.code === 130 || run.code === 137;
      expect(stopped || run.code === 0, `interrupted run ${i}: code ${String(run.code)}, signal ${String(run.signal)}: ${run.stderr}`).toBe(true);
    }
    expect(runs.completed.code, runs.completed.stderr).toBe(0);
    console.info(`reference ${Math.round(reference.ms)} ms; interrupted ${runs.interrupted.map((r) => `${Math.round(r.ms)} ms (${String(r.signal ?? r.code)})`).join(", ")}; completed ${Math.round(runs.completed.ms)} ms`);
    console.info(`compare kill-and-resume: ${runs.survived} of ${plan.length} interruptions took effect (${plan.map((p) => `${p.signal}@${p.afterMs}ms`).join(', ')})`);
    console.info(`completed run: ${runs.completed.stdout.trim().split('\n').at(-1) ?? ''}`);
    expect(runs.survived).toBeGreaterThanOrEqual(2);

    expect(await metrics(b)).toEqual(await metrics(a));
    const leftovers = [...listFiles(b).keys()].filter((path) => /(^|\/)\.[^/]*\.tmp-\d+$|\.tmp$|\.partial$/.test(path));
    expect(leftovers).toEqual([]);
    const files = (dir: string) => [...listFiles(dir).keys()].sort();
    expect(files(b)).toEqual(files(a));
  });
});
