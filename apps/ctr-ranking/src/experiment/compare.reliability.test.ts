/**
 * Kill-and-resume of `ctr-ranking compare`: a tiny comparison (synthetic auctions, 2 losses, 1 seed) is interrupted at
 * four seeded points during training — SIGINT and SIGKILL alternating — then run to completion in the same folder;
 * its results must equal those of an uninterrupted run of the same command, and no temp file may be left behind.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

import { RELIABILITY_ENV, interruptionPlan, listFiles, readComparableJson, runWithInterruptions, sourceCli } from '@counterweight/reliability-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { removeTempDirs, tempDir } from '../data/test-support/temp.js';

const CLI = resolve(import.meta.dirname, '..', 'cli.ts');
const ARGS = ['compare', '--auctions', '200', '--epochs', '8', '--batch-size', '16', '--seeds', '1', '--losses', 'logloss,welfare', '--jobs', '1'];

let dir: string;
beforeAll(async () => {
  dir = await tempDir('resume');
});
afterAll(removeTempDirs);

/**
 * Runs the uninterrupted reference and measures its work: milliseconds from the "backend: …" line (printed once the
 * backend is up) to the exit — data generation, training, evaluation and report.
 */
function referenceRun(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string; workMs: number }> {
  const [command, commandArgs] = sourceCli(CLI, args);
  return new Promise((done) => {
    const child = spawn(command, commandArgs, { env: { ...process.env, ...RELIABILITY_ENV } });
    let stdout = '';
    let stderr = '';
    let backendAt: number | undefined;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (backendAt === undefined && /^backend: /m.test(stderr)) backendAt = performance.now();
    });
    child.on('close', (code) => done({ code, stdout, stderr, workMs: performance.now() - (backendAt ?? performance.now()) }));
  });
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
    // `compare` prints "backend: …" once the backend is up, then generates the auctions and trains 2 runs × 8 epochs of
    // 13 steps (no progress lines under COUNTERWEIGHT_QUIET). The signals land 15–40 % of the reference's work after
    // that line, so on a fast or a busy machine alike they fall inside data generation and training, and the four
    // interrupted attempts together stay short of the whole work.
    const uninterrupted = await referenceRun([...ARGS, '--out', reference]);
    const work = Math.max(1_000, uninterrupted.workMs);
    const plan = interruptionPlan(20, 4, Math.round(0.15 * work), Math.round(0.4 * work));
    const resumed = await runWithInterruptions(...sourceCli(CLI, [...ARGS, '--out', interrupted]), plan, { whenOutput: /^backend: /m, timeoutMs: 120_000 });
    process.stdout.write(
      `kill-and-resume: reference work ${Math.round(work)} ms after start-up; ${resumed.survived} of ${plan.length} interruptions took effect (${plan.map((p) => `${p.signal}+${p.afterMs}ms`).join(', ')}); ` +
        `ends: ${resumed.interrupted.map((r) => r.signal ?? `exit ${String(r.code)}`).join(', ')}\n`,
    );
    expect(uninterrupted.code, uninterrupted.stderr).toBe(0);
    for (const run of resumed.interrupted) expect(run.signal !== null || run.code === 130 || run.code === 0, run.stderr).toBe(true);
    expect(resumed.completed.code, resumed.completed.stderr).toBe(0);
    expect(resumed.survived).toBeGreaterThanOrEqual(2);
    expect(await comparable(interrupted)).toEqual(await comparable(reference));
    expect([...listFiles(interrupted).keys()].filter((f) => /\.tmp|~$|\.partial/.test(f))).toEqual([]);
    expect(resumed.completed.stdout.replace(/report: .*/, '')).toBe(uninterrupted.stdout.replace(/report: .*/, ''));
  }, 240_000);
});
