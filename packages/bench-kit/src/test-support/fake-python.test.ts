import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import { promisify } from 'node:util';

import { describe, expect, it } from 'vitest';

import { NO_TORCH_BODY, answersTorchVersion, useFakePythons } from './fake-python.js';

const run = promisify(execFile);
const pythons = useFakePythons('cw-fake-python-');

describe('useFakePythons', () => {
  it('writes executable shell scripts in its folder and names absent ones without creating them', async () => {
    const echo = await pythons.create('echo-args', 'echo "args: $*"');
    expect(echo).toBe(pythons.path('echo-args'));
    expect((await run(echo, ['a', 'b'])).stdout).toBe('args: a b\n');
    await expect(access(pythons.path('absent'))).rejects.toThrow(/ENOENT/);
  });

  it('stands in for a python without torch, and for one that answers the torch check then runs the peer', async () => {
    const noTorch = await pythons.create('no-torch', NO_TORCH_BODY);
    await expect(run(noTorch, ['-c', 'import torch'])).rejects.toMatchObject({ code: 1, stderr: 'ModuleNotFoundError: No module named torch\n' });
    const withTorch = await pythons.create('with-torch', answersTorchVersion('echo "peer $2"', '1.2.3'));
    expect((await run(withTorch, ['-c', 'import torch; print(torch.__version__)'])).stdout).toBe('1.2.3\n');
    expect((await run(withTorch, ['/peer.py', '--threads'])).stdout).toBe('peer --threads\n');
  });
});

describe('useFakePythons before its folder exists', () => {
  const early = useFakePythons('cw-fake-python-early-');
  let refusal: unknown;
  try {
    early.path('x'); // while the tests are collected: beforeAll has not run yet
  } catch (error) {
    refusal = error;
  }
  it('refuses a path, and gives one once the tests run', () => {
    expect(String(refusal)).toMatch(/only while the tests run/);
    expect(early.path('x')).toMatch(/cw-fake-python-early-.*x$/);
  });
});
