import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { interruptionPlan, listFiles, runCommand, runWithInterruptions, sourceCli } from '@counterweight/reliability-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { removeTempDirs, tempDir } from '../data/test-support/temp.js';

// Kill-and-resume of `compare` on the embedded TinyShakespeare: a tiny GPT (1 layer, width 32, context 32), 40 steps
// with an estimate and a checkpoint every 5, plain cross-entropy and linupper reweighting (on from step 0), one seed.
// One uninterrupted run into A; into B, four runs each stopped by SIGINT or SIGKILL at a seeded random time after the
// CLI is up ("backend: …", printed once modules are loaded), then one run to completion, which must report exactly A's
// numbers.

const cli = fileURLToPath(new URL('../cli.ts', import.meta.url));
const STEPS = 40;
const ARGS = [
  'compare',
  ...['--layers', '1', '--heads', '2', '--width', '32', '--context', '32', '--batch-size', '8'],
  ...['--steps', String(STEPS), '--eval-every', '5', '--warmup', '5', '--eval-windows', '16'],
  ...['--strategies', 'linupper', '--reweighting-warmup', '0', '--seeds', '1', '--sample-tokens', '20', '--jobs', '1'],
];
/** Seed of the interruption plan; signals alternate SIGINT / SIGKILL, delays 300–2,500 ms after the CLI is up. */
const PLAN = interruptionPlan(20, 4, 300, 2_500);

let root: string;
beforeAll(async () => {
  root = await tempDir('compare-resume');
});
afterAll(removeTempDirs);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * metrics.json without what may differ between an interrupted and an uninterrupted run: timings (`trainSeconds`,
 * `tokensPerSecond` of runs and summaries, each estimate's `seconds` and `tokensPerSecond`), the run folder's path
 * (`runs[].dir`), whether a run was reused (`runs[].reused`) and the machine's provenance (`provenance`).
 */
function comparable(file: string): Json {
  const metrics = JSON.parse(readFileSync(file, 'utf8')) as { [key: string]: Json };
  const strip = (value: Json, keys: readonly string[]): Json => {
    if (Array.isArray(value)) return value.map((v) => strip(v, keys));
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).filter(([k]) => !keys.includes(k)).map(([k, v]) => [k, strip(v, keys)]));
  };
  const { provenance: _provenance, ...rest } = metrics;
  return strip(rest, ['dir', 'reused', 'trainSeconds', 'tokensPerSecond', 'seconds']);
}

describe('llm-reweighting compare: kill and resume', () => {
  it('resumes after SIGINT and SIGKILL inside training with exactly the uninterrupted numbers, leaving no temp files', async () => {
    const a = join(root, 'A');
    const b = join(root, 'B');
    const reference = await runCommand(...sourceCli(cli, [...ARGS, '--out', a]), { timeoutMs: 180_000 });
    expect(reference.code, reference.stderr).toBe(0);

    const runs = await runWithInterruptions(...sourceCli(cli, [...ARGS, '--out', b]), PLAN, { whenOutput: /^backend: /m, timeoutMs: 180_000 });
    for (const run of runs.interrupted) expect(run.stderr).not.toMatch(/\n\s+at |Error/);
    expect(runs.completed.code, runs.completed.stderr).toBe(0);

    // Resumes from a checkpoint inside training (0 < step < STEPS), as the app announces them.
    const resumes = [...runs.interrupted.slice(1), runs.completed].flatMap((run) =>
      [...run.stderr.matchAll(/run (\S+): resuming from its checkpoint at step (\d+) of (\d+)/g)].map((m) => ({ run: m[1], step: Number(m[2]) })),
    );
    const inside = resumes.filter((r) => r.step > 0 && r.step < STEPS);
    console.log(
      `kill-and-resume: ${runs.survived}/${PLAN.length} interruptions took effect (${PLAN.map((p) => `${p.signal}@${p.afterMs}ms`).join(', ')}); ` +
        `resumed from checkpoints ${resumes.map((r) => `${r.run}@${r.step}`).join(', ') || 'none'}; ` +
        `reference ${Math.round(reference.ms)} ms, runs ${runs.interrupted.map((r) => Math.round(r.ms)).join('/')} + ${Math.round(runs.completed.ms)} ms`,
    );
    expect(runs.survived).toBeGreaterThanOrEqual(2);
    expect(inside.length).toBeGreaterThanOrEqual(1);

    expect(comparable(join(b, 'metrics.json'))).toEqual(comparable(join(a, 'metrics.json')));
    const leftovers = [...listFiles(b).keys()].filter((path) => /\.tmp-\d+/.test(path));
    expect(leftovers).toEqual([]);
    expect([...listFiles(b).keys()].sort()).toEqual([...listFiles(a).keys()].sort());
  });
});
