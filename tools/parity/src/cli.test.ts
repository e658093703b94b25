import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = resolve(import.meta.dirname, 'cli.ts');
const SHARED_PARITY = resolve(import.meta.dirname, '../../../../shared/parity');

async function parity(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--conditions=@counterweight/source', '--import', 'tsx', CLI, ...args], {
      env: { ...process.env, COUNTERWEIGHT_BACKEND: 'cpu' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'cw-parity-cli-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('counterweight-parity CLI', () => {
  it('prints the backend, per-case errors and the closing line, exit 0 when nothing fails', async () => {
    const dir = join(scratch, 'ok');
    await mkdir(dir);
    await writeFile(join(dir, 'cb_weights.json'), await readFile(join(SHARED_PARITY, 'cb_weights.json')));
    await writeFile(join(dir, 'ntl_mse.json'), await readFile(join(SHARED_PARITY, 'ntl_mse.json')));
    // A loss without an implementation (every shared file has one now): its cases are skipped, never passed.
    const future = JSON.parse(await readFile(join(SHARED_PARITY, 'ntl_mse.json'), 'utf8')) as { loss: string };
    await writeFile(join(dir, 'future_loss.json'), JSON.stringify({ ...future, loss: 'future_loss' }));
    const { code, stdout, stderr } = await parity(dir, '--json', join(scratch, 'report.json'));
    expect(stderr).toMatch(/^backend: cpu/m);
    expect(stdout).toMatch(/^PASS cb_weights\/seed0_C3_beta0\.9999 \[rtol 0\.00001\] {2}weights abs /m);
    expect(stdout).toMatch(/^SKIP future_loss: 6 case\(s\), not implemented yet$/m);
    expect(stdout.trim().split('\n').at(-1)).toBe('21 passed, 0 failed, 6 skipped');
    expect(code).toBe(0);
    const report = JSON.parse(await readFile(join(scratch, 'report.json'), 'utf8')) as { passed: number };
    expect(report.passed).toBe(21);
  });

  it('exits 1 when a case fails', async () => {
    const dir = join(scratch, 'bad');
    await mkdir(dir);
    const vectors = JSON.parse(await readFile(join(SHARED_PARITY, 'cb_weights.json'), 'utf8')) as {
      cases: Array<{ expected: { weights: number[] } }>;
    };
    const first = vectors.cases[0];
    if (first === undefined) throw new Error('unreachable');
    first.expected.weights = first.expected.weights.map((w) => w * 1.01);
    await writeFile(join(dir, 'cb_weights.json'), JSON.stringify(vectors));
    const { code, stdout } = await parity(dir);
    expect(stdout.trim().split('\n').at(-1)).toBe('14 passed, 1 failed, 0 skipped');
    expect(code).toBe(1);
  });

  it('exits 2 with a message naming the directory when it cannot be read', async () => {
    const { code, stderr } = await parity(join(scratch, 'missing'));
    expect(code).toBe(2);
    expect(stderr).toMatch(/missing: cannot be listed/);
  });

  it('prints a bad flag as one line pointing at --help, not the whole help', async () => {
    const { code, stdout, stderr } = await parity('--rtol', '-1');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`error: option '--rtol <x>' argument '-1' is invalid. expected a positive number, got "-1" (see counterweight-parity --help)\n`);
  });
});
