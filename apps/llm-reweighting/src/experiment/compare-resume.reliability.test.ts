import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { checkpointInterruptions, listFiles, readComparableJson, runWithInterruptions, sourceCli, type Interruption } from '@counterweight/reliability-kit';
import { initBackend } from '@counterweight/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { removeTempDirs, tempDir } from '../data/test-support/temp.js';
import { compareStrategies } from './compare.js';
import type { LmSettings } from './settings.js';

// Kill-and-resume of `compare` on the embedded TinyShakespeare: a tiny GPT (1 layer, width 32, context 32), 40 steps
// with an estimate and a checkpoint every 5, plain cross-entropy and linupper reweighting (on from step 0), one seed.
// One uninterrupted run into A (in this process: no CLI start-up); into B, through the CLI, four runs each stopped by
// SIGINT or SIGKILL at a seeded random point inside training, then one run to completion, which must report exactly
// A's numbers. A point is a checkpoint the CLI writes (a seeded run and step) plus a seeded delay of up to 40 ms, so
// it lands in training on an idle and on a loaded machine alike (a wall-clock point does not: under load the CLI's
// training moved past the points, or had not begun).

const cli = fileURLToPath(new URL('../cli.ts', import.meta.url));
const STEPS = 40;
const ARGS = [
  'compare',
  ...['--layers', '1', '--heads', '2', '--width', '32', '--context', '32', '--batch-size', '8'],
  ...['--steps', String(STEPS), '--eval-every', '5', '--warmup', '5', '--eval-windows', '16'],
  ...['--strategies', 'linupper', '--reweighting-warmup', '0', '--seeds', '1', '--sample-tokens', '20', '--jobs', '1'],
];
/** What `compare` makes of ARGS (the defaults: TinyShakespeare characters, nanoGPT's optimiser, seed 1). */
const SETTINGS: LmSettings = {
  corpus: { source: 'tinyshakespeare', field: 'text', tokenizer: 'char', bpeVocabulary: 512, trainFraction: 0.9 },
  model: { layers: 1, heads: 2, width: 32, context: 32 },
  training: { steps: STEPS, evalEvery: 5, batchSize: 8, evalWindows: 16, learningRate: 1e-3, minLearningRate: 1e-4, warmupSteps: 5, weightDecay: 0.1, beta1: 0.9, beta2: 0.99, clip: 1 },
  objectives: { temperature: null, reweightingWarmup: 0, ntlLambda: 0.3 },
  samples: { prompt: '\n', tokens: 20, temperature: 0.8 },
};
/** The runs `compare` trains, in order (jobs 1), and the checkpoints inside training each writes (every 5 steps). */
const RUN_ORDER = ['uniform', 'linupper'] as const;
const CHECKPOINT_STEPS = [5, 10, 15, 20, 25, 30, 35];

/** The interruptions (seed 20): four of the 14 checkpoints inside training, each plus up to 40 ms. */
function plan(out: string): Interruption[] {
  const checkpoints = RUN_ORDER.flatMap((method) => CHECKPOINT_STEPS.map((step) => join(out, 'runs', method, 'seed-0', 'checkpoints', `step-${step}`)));
  return checkpointInterruptions(20, 4, checkpoints);
}

let root: string;
beforeAll(async () => {
  root = await tempDir('compare-resume');
});
afterAll(removeTempDirs);

/**
 * metrics.json without what may differ between an interrupted and an uninterrupted run: timings (`trainSeconds`,
 * `tokensPerSecond` of runs and summaries, each estimate's `seconds` and `tokensPerSecond`), the run folder's path
 * (`runs[].dir`), whether a run was reused (`runs[].reused`) and the machine's provenance (`provenance`).
 */
function comparable(file: string): Promise<unknown> {
  return readComparableJson(file, ['provenance', 'dir', 'reused', 'trainSeconds', 'tokensPerSecond', 'seconds']);
}

describe('llm-reweighting compare: kill and resume', () => {
  it('resumes after SIGINT and SIGKILL inside training with exactly the uninterrupted numbers, leaving no temp files', async () => {
    const a = join(root, 'A');
    const b = join(root, 'B');
    // The reference in this process (the CLI's settings for ARGS; metrics.json holds them, so a difference shows).
    await initBackend('wasm', { log: null });
    await compareStrategies({ settings: SETTINGS, methods: [...RUN_ORDER], seed: 1, seeds: 1, jobs: 1, out: a, quiet: true });

    const PLAN = plan(b);
    const runs = await runWithInterruptions(...sourceCli(cli, [...ARGS, '--out', b]), PLAN, { timeoutMs: 180_000 });
    for (const run of runs.interrupted) expect(run.stderr).not.toMatch(/\n\s+at |Error/);
    expect(runs.completed.code, runs.completed.stderr).toBe(0);

    // Resumes from a checkpoint inside training (0 < step < STEPS), as the app announces them.
    const resumes = [...runs.interrupted.slice(1), runs.completed].flatMap((run) =>
      [...run.stderr.matchAll(/run (\S+): resuming from its checkpoint at step (\d+) of (\d+)/g)].map((m) => ({ run: m[1], step: Number(m[2]) })),
    );
    const inside = resumes.filter((r) => r.step > 0 && r.step < STEPS);
    console.log(
      `kill-and-resume: ${runs.survived}/${PLAN.length} interruptions took effect (${PLAN.map((p) => `${p.signal} ${p.afterMs} ms after ${relative(b, p.whenFile ?? b)}`).join(', ')}); ` +
        `resumed from checkpoints ${resumes.map((r) => `${r.run}@${r.step}`).join(', ') || 'none'}; ` +
        `runs ${runs.interrupted.map((r) => Math.round(r.ms)).join('/')} + ${Math.round(runs.completed.ms)} ms`,
    );
    // Every signal lands (each trigger is a checkpoint the run has yet to write). The delay may carry a run past the
    // next trigger or to the end of a run, so a resume may be missing or come from a later checkpoint: at least half.
    expect(runs.survived).toBe(PLAN.length);
    expect(inside.length).toBeGreaterThanOrEqual(PLAN.length / 2);

    expect(await comparable(join(b, 'metrics.json'))).toEqual(await comparable(join(a, 'metrics.json')));
    const leftovers = [...listFiles(b).keys()].filter((path) => /\.tmp-\d+/.test(path));
    expect(leftovers).toEqual([]);
    expect([...listFiles(b).keys()].sort()).toEqual([...listFiles(a).keys()].sort());
  });
});
