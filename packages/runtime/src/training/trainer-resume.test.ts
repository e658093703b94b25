import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { latestCheckpoint } from './checkpoint.js';
import { TEST_BACKENDS } from './test-support/backends.js';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, '..', '..');
const childScript = join(here, 'test-support', 'resume-child.ts');

interface ChildResult {
  readonly weights: Record<string, string>;
  readonly epochs: unknown[];
  readonly globalStep: number;
  readonly resumedFromStep: number | null;
}

interface Checkpointed {
  readonly step: number;
  readonly epoch: number;
  readonly stepInEpoch: number;
}

/**
 * Runs the child trainer. `killWhen` is asked after every reported checkpoint; when it returns true the child is
 * SIGKILLed. Resolves with the checkpoints seen and how the process ended.
 */
function runChild(
  args: string[],
  killWhen?: (c: Checkpointed) => boolean,
): Promise<{ checkpoints: Checkpointed[]; signal: NodeJS.Signals | null; code: number | null; stderr: string; done: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@counterweight/source', '--import', 'tsx', childScript, ...args], {
      cwd: packageDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const checkpoints: Checkpointed[] = [];
    let stderr = '';
    let done = false;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /^checkpoint (\d+) (\d+) (\d+)$/.exec(line);
      if (m !== null) {
        const c = { step: Number(m[1]), epoch: Number(m[2]), stepInEpoch: Number(m[3]) };
        checkpoints.push(c);
        if (killWhen?.(c) === true) child.kill('SIGKILL');
      } else if (line === 'done') done = true;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ checkpoints, signal, code, stderr, done }));
  });
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cw-resume-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe.each(TEST_BACKENDS)('kill -9 and resume on %s', (backend) => {
  it('a SIGKILLed run resumed from its checkpoints ends bitwise equal to an uninterrupted run', async () => {
    const referenceOut = join(root, `${backend}-reference.json`);
    const killedOut = join(root, `${backend}-killed.json`);
    const dir = join(root, `${backend}-ckpt`);
    // 25 steps per epoch. The killed run is slowed (20 ms per step, outside the maths) so the kill lands mid-epoch 2.
    const [reference, killed] = await Promise.all([
      runChild([backend, join(root, `${backend}-ref-ckpt`), referenceOut]),
      runChild([backend, dir, killedOut, '--step-delay-ms', '20'], (c) => c.epoch === 1 && c.stepInEpoch > 0),
    ]);
    expect(reference.code, reference.stderr).toBe(0);
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    expect(killed.done).toBe(false);
    expect(existsSync(killedOut)).toBe(false);
    const last = killed.checkpoints.at(-1);
    expect(last?.epoch).toBe(1);
    expect(last?.stepInEpoch).toBeGreaterThan(0);
    const latest = await latestCheckpoint(dir);
    expect(latest?.step).toBeGreaterThanOrEqual(last?.step ?? Infinity);
    expect(latest?.step).toBeLessThan(50); // still inside the second epoch

    const resumed = await runChild([backend, dir, killedOut, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const a = JSON.parse(await readFile(referenceOut, 'utf8')) as ChildResult;
    const b = JSON.parse(await readFile(killedOut, 'utf8')) as ChildResult;
    expect(b.resumedFromStep).toBe(latest?.step);
    expect(b.globalStep).toBe(75);
    expect(b.weights).toEqual(a.weights);
    expect(b.epochs).toEqual(a.epochs);
  });
});
